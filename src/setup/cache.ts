// Where set-up keeps what it made, under ${KUBELAB_CACHE:-~/.cache/kubelab}. Pure path arithmetic.
//
//   cluster.env                  the default version's result (what the engine reads)
//   cluster-v1.35.4.env          each version's result
//   prepare.lock                 one set-up at a time per cache (flock; test/cluster/prepare.sh used the same)
//   dockerd.log                  dockerd's log when set-up started it
//   kind-v0.32.0/kind            kind, per kind release
//   kubectl-v1.36.1/kubectl      kubectl, per Kubernetes version
//   stamps/no-pull               this machine could not pull kindest/node once: build from then on
//   build/ stamps/ images/ logs/ the node-image build of v1.36.1 (the cache root is its build root)
//   versions/v1.35.4/{build,stamps,images,logs}/   the node-image build of each other version
//
// The node-image recipe keeps one stamp per part and deletes node image tarballs other than the one
// it just made, so two versions cannot share a build root. v1.36.1 keeps the cache root because
// that is where caches made before the version table hold it: they are reused as they are.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The version whose node-image build lives in the cache root (see above). */
export const ROOT_BUILD_VERSION = 'v1.36.1';

export function cacheRoot(env: NodeJS.ProcessEnv): string {
  return env.KUBELAB_CACHE || join(homedir(), '.cache', 'kubelab');
}

export function layout(cache: string) {
  return {
    cache,
    lock: join(cache, 'prepare.lock'),
    noPullStamp: join(cache, 'stamps', 'no-pull'),
    defaultEnvFile: join(cache, 'cluster.env'),
    envFile: (version: string) => join(cache, `cluster-${version}.env`),
    kindDir: (kindVersion: string) => join(cache, `kind-${kindVersion}`),
    kindBin: (kindVersion: string) => join(cache, `kind-${kindVersion}`, 'kind'),
    kubectlBin: (version: string) => join(cache, `kubectl-${version}`, 'kubectl'),
    /** The KUBELAB_CACHE the node-image recipe runs with for this version. */
    buildRoot: (version: string) => (version === ROOT_BUILD_VERSION ? cache : join(cache, 'versions', version)),
  };
}

export type CacheLayout = ReturnType<typeof layout>;
