// The tools a cluster lab uses, as the typed configuration (src/config.ts) has them: kind, kubectl
// and docker from the environment, else the cluster.env that `kubelab setup` writes. Nothing here
// reads process.env: the caller gives the environment.
import { parseEnv } from 'node:util';
import { delimiter, dirname, isAbsolute } from 'node:path';
import { clusterEnvPath, loadConfig, type KubelabConfig } from '../config.js';
import type { NodeTools } from '../node/types.js';

export interface ToolEnv {
  kind: string;
  kubectl: string;
  docker: string;
  ssh: string;
  nodeImage?: string;
}

export function clusterEnvFile(env: NodeJS.ProcessEnv): string {
  return clusterEnvPath(loadConfig(env).cacheDir);
}

/** KEY=VALUE lines (optionally `export`, quotes, comments), as `kubelab setup` writes them. */
export function parseEnvFile(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}

export function toolEnv(env: NodeJS.ProcessEnv): ToolEnv {
  return toolsOf(loadConfig(env));
}

export function toolsOf(config: KubelabConfig): ToolEnv {
  return { ...config.tools, ...(config.nodeImage ? { nodeImage: config.nodeImage } : {}) };
}

/**
 * The lab shell's PATH with the prepared kubectl's directory first (cluster.env's
 * KUBELAB_KUBECTL, built at the cluster's version), so `kubectl` in a lab is that one
 * rather than whatever older client the machine has. Empty when none was prepared.
 */
export function shellPathEnv(config: Pick<KubelabConfig, 'tools' | 'env'>): Record<string, string> {
  const { kubectl } = config.tools;
  if (!isAbsolute(kubectl)) return {};
  return { PATH: `${dirname(kubectl)}${delimiter}${config.env.PATH ?? ''}` };
}

/**
 * The environment the lab shell's node_exec function reads (src/engine/shell-init.ts): the
 * programs, and the ssh targets as NODE=TARGET lines. Set even when empty, so that a value from
 * the user's environment never decides how a node is reached.
 */
export function nodeExecEnv(tools: Required<NodeTools>, sshTargets: Record<string, string>, sshConfig?: string): Record<string, string> {
  return {
    KUBELAB_DOCKER: tools.docker,
    KUBELAB_SSH: tools.ssh,
    KUBELAB_SSH_CONFIG: sshConfig ?? '',
    KUBELAB_NODE_SSH: Object.entries(sshTargets).map(([node, target]) => `${node}=${target}`).join('\n'),
  };
}
