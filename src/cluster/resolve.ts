// Which node a lab means: an exact Kubernetes node name, or a role alias that holds on any
// cluster shape (`worker`/`worker-0` = first worker by name, `worker-N`, `control-plane`).
import { KubelabError } from '../errors.js';

export interface NodeInfo {
  name: string;
  controlPlane: boolean;
  /** InternalIP, when known. */
  address?: string;
}

export function resolveNodeName(requested: string, nodes: NodeInfo[]): NodeInfo {
  const exact = nodes.find((n) => n.name === requested);
  if (exact) return exact;
  const byName = (a: NodeInfo, b: NodeInfo) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const workers = nodes.filter((n) => !n.controlPlane).sort(byName);
  const planes = nodes.filter((n) => n.controlPlane).sort(byName);
  let found: NodeInfo | undefined;
  const m = /^(worker|control-plane)(?:-(\d+))?$/.exec(requested);
  if (m) {
    const pool = m[1] === 'worker' ? workers : planes;
    found = pool[m[2] === undefined ? 0 : Number(m[2])];
  }
  if (found) return found;
  const names = nodes.map((n) => `${n.name}${n.controlPlane ? ' (control-plane)' : ''}`).join(', ') || 'none';
  throw new KubelabError('no-such-node', `node "${requested}" is not in the cluster (nodes: ${names})`, {
    hint: 'use a node name from `kubectl get nodes`, or an alias: worker, worker-0, worker-1, control-plane',
  });
}
