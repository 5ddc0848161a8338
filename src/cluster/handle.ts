// The ClusterHandle both real providers return: node names from the API, node access through
// docker exec (kind containers) or ssh.
import type { NodeAccess } from '../node/types.js';
import type { ClusterHandle } from './types.js';
import type { ClusterSpec } from '../lab/model.js';
import { KubeClient } from '../kube/client.js';
import { resolveNodeName, type NodeInfo } from './resolve.js';
import { shellPathEnv } from './env.js';
import type { KubelabConfig } from '../config.js';

export async function listNodeInfo(client: KubeClient): Promise<NodeInfo[]> {
  const list = await client.call('listing nodes', () => client.core.listNode());
  return list.items.map((n) => ({
    name: n.metadata?.name ?? '',
    controlPlane: Object.keys(n.metadata?.labels ?? {}).some((l) => l === 'node-role.kubernetes.io/control-plane' || l === 'node-role.kubernetes.io/master'),
    address: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
  }));
}

export class KubeClusterHandle implements ClusterHandle {
  private readonly access = new Map<string, NodeAccess>();
  readonly shellEnv: Record<string, string>;
  constructor(
    readonly provider: ClusterSpec['provider'],
    readonly name: string,
    readonly kubeconfigPath: string,
    readonly context: string | undefined,
    /** Makes node access for a node the API knows. */
    private readonly connect: (node: NodeInfo) => Promise<NodeAccess>,
    /** Tools and base environment: the lab shell gets the prepared kubectl first on PATH. */
    config?: Pick<KubelabConfig, 'tools' | 'env'>,
    /** More environment for the lab's shell (what its node_exec function reads). */
    extraEnv: Record<string, string> = {},
  ) {
    this.shellEnv = { ...(config ? shellPathEnv(config) : {}), ...extraEnv };
  }

  client(): KubeClient {
    return KubeClient.load({ kubeconfigPath: this.kubeconfigPath, context: this.context });
  }

  async nodeNames(): Promise<string[]> {
    return (await listNodeInfo(this.client())).map((n) => n.name).sort();
  }

  /** Resolve an alias or name to the node's info (name, role, InternalIP). */
  async nodeInfo(name: string): Promise<NodeInfo> {
    return resolveNodeName(name, await listNodeInfo(this.client()));
  }

  async node(name: string): Promise<NodeAccess> {
    const info = await this.nodeInfo(name);
    let a = this.access.get(info.name);
    if (!a) {
      a = await this.connect(info);
      this.access.set(info.name, a);
    }
    return a;
  }
}
