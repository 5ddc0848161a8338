// What the typed-block executors share: the run's cluster and a client for it.
import type { ExecContext, ExecOutcome } from '../engine/types.js';
import type { Block } from '../lab/model.js';
import type { ClusterHandle } from '../cluster/types.js';
import { LabError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';

export function requireCluster(ctx: ExecContext, block: Block): ClusterHandle {
  if (!ctx.cluster) {
    throw new LabError('no-cluster', `a ${block.kind} block needs a cluster, and this lab's provider is none`, {
      pos: block.pos,
      hint: 'set `cluster: { provider: kind }` (or existing) in the front matter',
    });
  }
  return ctx.cluster;
}

/** A client for the cluster; @kubernetes/client-node is loaded only by labs that use a cluster. */
export async function clientFor(cluster: ClusterHandle): Promise<KubeClient> {
  const { KubeClient } = await import('../kube/client.js');
  return KubeClient.load({ kubeconfigPath: cluster.kubeconfigPath, context: cluster.context });
}

/** An outcome with the fields every typed block fills the same way. */
export function outcome(started: number, fields: Pick<ExecOutcome, 'status' | 'command' | 'output'> & Partial<ExecOutcome>): ExecOutcome {
  return {
    exitCode: fields.status === 'passed' ? 0 : 1,
    signal: null,
    timedOut: false,
    stdout: fields.output,
    stderr: '',
    durationMs: Date.now() - started,
    ...fields,
  };
}
