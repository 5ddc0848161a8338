// The `existing` provider: a cluster the user already has (current or --context context). The
// kubeconfig is copied to a private file with that context current; nodes are reached with
// docker exec when they are kind containers, else ssh (ProviderOptions.sshTargets).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../lab/model.js';
import type { ClusterHandle, ClusterProvider, ProviderOptions } from './types.js';
import { EnvironmentError } from '../errors.js';
import { loadKubeConfig, KubeClient } from '../kube/client.js';
import { DockerNodeAccess } from '../node/docker.js';
import { SshNodeAccess } from '../node/ssh.js';
import type { NodeTools } from '../node/types.js';
import { runProcess } from '../node/process.js';
import { KubeClusterHandle, listNodeInfo } from './handle.js';
import { defaultConfig } from '../config.js';
import type { NodeInfo } from './resolve.js';

export const existingProvider: ClusterProvider = {
  name: 'existing',
  async setup(lab: Lab, opts: ProviderOptions): Promise<ClusterHandle> {
    const kc = loadKubeConfig({ context: opts.context ?? lab.cluster.name });
    const context = kc.getCurrentContext();
    const dir = join(opts.stateDir, 'kubeconfigs');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const kubeconfigPath = join(dir, `existing-${context.replace(/[^A-Za-z0-9_.-]/g, '_')}.yaml`);
    writeFileSync(kubeconfigPath, kc.exportConfig(), { mode: 0o600 });
    // Fail now, with a fix, rather than in the middle of a step.
    const nodes = await listNodeInfo(new KubeClient(kc));
    opts.progress?.(`using context ${context} (${nodes.length} node${nodes.length === 1 ? '' : 's'})`);
    const config = opts.config ?? defaultConfig();
    const tools = { docker: config.tools.docker, ssh: config.tools.ssh };
    return new KubeClusterHandle('existing', context, kubeconfigPath, context, async (node) => connectExisting(node, opts.sshTargets ?? {}, tools), config);
  },
};

async function connectExisting(node: NodeInfo, sshTargets: Record<string, string>, tools: Required<NodeTools>) {
  if (await isKindNodeContainer(node.name, tools.docker)) return new DockerNodeAccess(node.name, node.name, tools.docker);
  const target = sshTargets[node.name];
  if (target) return new SshNodeAccess(node.name, target, [], tools.ssh);
  throw new EnvironmentError('no-node-access', `node ${node.name} is neither a kind container here nor has an ssh target`, {
    hint: `map it to an ssh target in the cluster options: sshTargets: { '${node.name}': 'root@${node.address ?? 'HOST'}' }`,
  });
}

/** A running container named like the node, with kind's cluster label. */
export async function isKindNodeContainer(name: string, docker: string): Promise<boolean> {
  const r = await runProcess([docker, 'ps', '--filter', `name=^/?${name}$`, '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Names}}'], { timeoutMs: 20_000 }).catch(() => undefined);
  return !!r && r.exitCode === 0 && r.stdout.toString().split('\n').some((l) => l.trim() === name);
}
