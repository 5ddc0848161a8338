// The `existing` provider: a cluster the user already has (current or --context context). The
// kubeconfig is copied to a private file with that context current; a node is reached over ssh
// when the run maps it to a target (--ssh NODE=TARGET: the user said how), else with docker exec
// when it is a kind container here. The lab's shell gets the same map for its node_exec function.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../lab/model.js';
import type { ClusterHandle, ClusterProvider, ProviderOptions } from './types.js';
import { EnvironmentError, type KubelabError, UsageError } from '../errors.js';
import { loadKubeConfig, KubeClient } from '../kube/client.js';
import { DockerNodeAccess } from '../node/docker.js';
import { SshNodeAccess } from '../node/ssh.js';
import type { NodeTools } from '../node/types.js';
import { runProcess } from '../node/process.js';
import { KubeClusterHandle, listNodeInfo } from './handle.js';
import { defaultConfig } from '../config.js';
import { nodeExecEnv } from './env.js';
import { resolveNodeName, type NodeInfo } from './resolve.js';

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
    const ssh = { targets: resolveSshTargets(opts.sshTargets ?? {}, nodes), args: opts.sshConfig ? ['-F', opts.sshConfig] : [] };
    const env = nodeExecEnv(tools, ssh.targets, opts.sshConfig);
    return new KubeClusterHandle('existing', context, kubeconfigPath, context, async (node) => connectExisting(node, ssh, tools), config, env);
  },
};

/**
 * `--ssh` keys are node names or the aliases labs use (worker-0, control-plane): each is resolved
 * against the cluster's nodes now, so a typo fails before the first step. The map keeps both the
 * key as given and the node's name.
 */
export function resolveSshTargets(asked: Record<string, string>, nodes: NodeInfo[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, target] of Object.entries(asked)) {
    let node: NodeInfo;
    try {
      node = resolveNodeName(key, nodes);
    } catch (e) {
      throw new UsageError('ssh-unknown-node', `--ssh ${key}=${target}: ${(e as Error).message}`, { hint: (e as KubelabError).hint });
    }
    out[key] = target;
    out[node.name] = target;
  }
  return out;
}

async function connectExisting(node: NodeInfo, ssh: { targets: Record<string, string>; args: string[] }, tools: Required<NodeTools>) {
  const target = ssh.targets[node.name];
  if (target) return new SshNodeAccess(node.name, target, ssh.args, tools.ssh);
  if (await isKindNodeContainer(node.name, tools.docker)) return new DockerNodeAccess(node.name, node.name, tools.docker);
  throw new EnvironmentError('no-node-access', `node ${node.name} is neither a kind container here nor has an ssh target`, {
    hint: `say how to reach it: --ssh ${node.name}=root@${node.address ?? 'HOST'} (and --ssh-config FILE for its key or port)`,
  });
}

/** A running container named like the node, with kind's cluster label. */
export async function isKindNodeContainer(name: string, docker: string): Promise<boolean> {
  const r = await runProcess([docker, 'ps', '--filter', `name=^/?${name}$`, '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Names}}'], { timeoutMs: 20_000 }).catch(() => undefined);
  return !!r && r.exitCode === 0 && r.stdout.toString().split('\n').some((l) => l.trim() === name);
}
