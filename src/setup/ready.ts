// What set-up already made for a version, checked without making anything and without the cache's
// lock: the env file it wrote, the kind and kubectl it names, the node image in docker. `run` and
// `learn` use a ready version as it is (a build of another version holding the lock does not make
// them wait), `--no-setup` and `kubelab doctor` say what is missing.
import { accessSync, constants, readFileSync } from 'node:fs';
import { parseEnvFile } from '../cluster/env.js';
import { cacheRoot, layout } from './cache.js';
import { createProc } from './proc.js';
import type { ClusterTools } from './setup.js';
import type { KubernetesRelease } from './versions.js';

export type Readiness = { ready: true; tools: ClusterTools } | { ready: false; missing: string };

/**
 * Whether `kubelab setup` finished `release` in this cache: its cluster-VERSION.env (or, for a
 * cache made before there were several versions, a cluster.env of that version) names a kind and
 * kubectl that are executable files and a node image docker has.
 */
export async function clusterToolsReadiness(release: KubernetesRelease, env: NodeJS.ProcessEnv): Promise<Readiness> {
  const paths = layout(cacheRoot(env));
  const values = [paths.envFile(release.version), paths.defaultEnvFile].map(readValues).find((v) => v?.KUBELAB_K8S_VERSION === release.version);
  if (!values) return { ready: false, missing: `Kubernetes ${release.version} was never set up in ${paths.cache}` };
  const { KUBELAB_KIND: kind = '', KUBELAB_KUBECTL: kubectl = '', KUBELAB_NODE_IMAGE: nodeImage = '' } = values;
  for (const [what, file] of [['kind', kind], ['kubectl', kubectl]] as const) {
    if (!isExecutable(file)) return { ready: false, missing: `its ${what} (${file || 'none recorded'}) is gone` };
  }
  if (!nodeImage) return { ready: false, missing: 'no node image recorded' };
  const proc = createProc({ env });
  if (!proc.which('docker')) return { ready: false, missing: 'docker is not installed' };
  const inspect = await proc.run(['docker', 'image', 'inspect', '--format', '{{.Id}}', nodeImage], { timeoutMs: 30_000 });
  if (inspect.exitCode !== 0) {
    const why = inspect.stderr.trim().split('\n').pop() ?? '';
    return { ready: false, missing: /no such image/i.test(why) ? `docker has no image ${nodeImage}` : `docker cannot be asked for ${nodeImage}: ${why || `exit ${inspect.exitCode}`}` };
  }
  return {
    ready: true,
    tools: {
      version: release.version,
      kindVersion: values.KUBELAB_KIND_VERSION || release.kind,
      kind,
      kubectl,
      nodeImage,
      pauseImage: values.KUBELAB_PAUSE_IMAGE ?? '',
      nodeImageSource: values.KUBELAB_NODE_SOURCE === 'pulled' ? 'pulled' : 'built',
      envFile: paths.envFile(release.version),
    },
  };
}

function readValues(file: string): Record<string, string> | undefined {
  try {
    return parseEnvFile(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  if (!file) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
