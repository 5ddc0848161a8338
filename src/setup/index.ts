// Cluster set-up (`kubelab setup`): docker, kind, the kind node image and kubectl per Kubernetes
// version. `run`/`learn` call ensureClusterTools before a kind lab.
export { ensureClusterTools, formatClusterEnv, type ClusterTools, type EnsureClusterToolsOptions, type SetupResult } from './setup.js';
export { formatSetupEvent } from './progress.js';
export { SetupError, type SetupErrorCode } from './errors.js';
export type { SetupEvent } from './types.js';
export type { NodeImageSource } from './node-image.js';
export { cacheRoot, layout, ROOT_BUILD_VERSION } from './cache.js';
export { DEFAULT_KUBERNETES, KUBERNETES_RELEASES, resolveKubernetes, resolveKubernetesList, type KubernetesRelease } from './versions.js';
