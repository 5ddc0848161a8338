// kubelab's one typed configuration: defaults <- $KUBELAB_CACHE/cluster.env (what `kubelab setup`
// or `npm run cluster:prepare` wrote) <- the environment <- flags. Built once where the CLI starts
// and passed down; nothing below src/cli reads process.env. API callers that pass no config get
// defaultConfig(), built the same way from process.env.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';

export interface KubelabConfig {
  /** Journals, progress, private kubeconfigs: --state-dir, $KUBELAB_STATE_DIR, ${XDG_STATE_HOME:-~/.local/state}/kubelab. */
  stateDir: string;
  /** Tools and node images kubelab prepared: $KUBELAB_CACHE or ~/.cache/kubelab. */
  cacheDir: string;
  /** The base environment of every lab shell (the user's environment). */
  env: Record<string, string>;
  tools: { docker: string; ssh: string; kind: string; kubectl: string };
  /** The kind node image to use (KUBELAB_NODE_IMAGE), else kind's own default. */
  nodeImage?: string;
  /**
   * Set when the configuration was loaded for one Kubernetes version (`loadConfig(..., { kubernetes })`):
   * that version (`v1.35.4`) and the file its tools came from, which may not exist yet.
   */
  kubernetes?: { version: string; envFile: string };
}

export interface ConfigFlags {
  stateDir?: string;
}

/** KEY=VALUE lines of a cluster.env file; {} when there is none. */
export function readEnvFile(path: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export function clusterEnvPath(cacheDir: string): string {
  return join(cacheDir, 'cluster.env');
}

/** What `kubelab setup --kubernetes VERSION` wrote for one version (docs/setup.md). */
export function versionEnvPath(cacheDir: string, version: string): string {
  return join(cacheDir, `cluster-${version}.env`);
}

export interface LoadConfigOptions {
  /**
   * Load the configuration of one Kubernetes version (`v1.35.4`): node image, kind and kubectl
   * from $KUBELAB_CACHE/cluster-VERSION.env, which wins over the environment (KUBELAB_NODE_IMAGE
   * and friends name the default version's tools). Without that file there is no node image: a
   * kind run must not fall back to another version's.
   */
  kubernetes?: string;
}

export function loadConfig(environment: NodeJS.ProcessEnv, flags: ConfigFlags = {}, cwd = '.', opts: LoadConfigOptions = {}): KubelabConfig {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(environment)) if (v !== undefined) env[k] = v;
  const home = env.HOME || homedir();
  const cacheDir = resolve(env.KUBELAB_CACHE || join(home, '.cache', 'kubelab'));
  const versionFile = opts.kubernetes === undefined ? undefined : versionEnvPath(cacheDir, opts.kubernetes);
  const file = readEnvFile(versionFile ?? clusterEnvPath(cacheDir));
  const pick = (key: string) => (versionFile ? file[key] || env[key] : env[key] || file[key]) || undefined;
  const stateDir = flags.stateDir
    ? resolve(cwd, flags.stateDir)
    : env.KUBELAB_STATE_DIR
      ? resolve(env.KUBELAB_STATE_DIR)
      : join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'kubelab');
  return {
    stateDir,
    cacheDir,
    env,
    tools: {
      docker: env.KUBELAB_DOCKER || 'docker',
      ssh: env.KUBELAB_SSH || 'ssh',
      kind: pick('KUBELAB_KIND') ?? 'kind',
      kubectl: pick('KUBELAB_KUBECTL') ?? 'kubectl',
    },
    nodeImage: versionFile ? file.KUBELAB_NODE_IMAGE || undefined : pick('KUBELAB_NODE_IMAGE'),
    ...(versionFile ? { kubernetes: { version: opts.kubernetes!, envFile: versionFile } } : {}),
  };
}

/** The configuration of an API caller that passed none: from process.env. */
export function defaultConfig(): KubelabConfig {
  return loadConfig(process.env);
}
