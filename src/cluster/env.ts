// Where kind, the node image and docker come from: the environment, else the cluster.env that
// this repository's `npm run cluster:prepare` writes (${KUBELAB_CACHE:-~/.cache/kubelab}/cluster.env).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';

export interface ToolEnv {
  kind: string;
  kubectl: string;
  docker: string;
  nodeImage?: string;
}

export function clusterEnvFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.KUBELAB_CACHE || join(homedir(), '.cache', 'kubelab'), 'cluster.env');
}

/** KEY=VALUE lines (optionally `export`, quotes), as the prepare script writes them. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    if (i <= 0) continue;
    let v = line.slice(i + 1).trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[line.slice(0, i).trim()] = v;
  }
  return out;
}

export function toolEnv(env: NodeJS.ProcessEnv = process.env): ToolEnv {
  let file: Record<string, string> = {};
  try {
    file = parseEnvFile(readFileSync(clusterEnvFile(env), 'utf8'));
  } catch {
    /* no prepared cluster environment: PATH and kind's defaults */
  }
  const pick = (k: string) => env[k] || file[k] || undefined;
  return {
    kind: pick('KUBELAB_KIND') ?? 'kind',
    kubectl: pick('KUBELAB_KUBECTL') ?? 'kubectl',
    docker: env.KUBELAB_DOCKER || 'docker',
    nodeImage: pick('KUBELAB_NODE_IMAGE'),
  };
}

/**
 * The lab shell's PATH with the prepared kubectl's directory first (cluster.env's
 * KUBELAB_KUBECTL, built at the cluster's version), so `kubectl` in a lab is that one
 * rather than whatever older client the machine has. Empty when none was prepared.
 */
export function shellPathEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const { kubectl } = toolEnv(env);
  if (!isAbsolute(kubectl)) return {};
  return { PATH: `${dirname(kubectl)}${delimiter}${env.PATH ?? ''}` };
}
