// Cluster providers by name. The engine calls getProvider(lab.cluster.provider).setup(...).
import type { ClusterSpec } from '../lab/model.js';
import type { ClusterProvider } from './types.js';
import { kindProvider } from './kind.js';
import { existingProvider } from './existing.js';
import { LabError } from '../errors.js';

export const noneProvider: ClusterProvider = {
  name: 'none',
  async setup() {
    return undefined;
  },
};

const providers: { [K in ClusterSpec['provider']]: ClusterProvider } = {
  kind: kindProvider,
  existing: existingProvider,
  none: noneProvider,
};

export function getProvider(name: ClusterSpec['provider']): ClusterProvider {
  const p = providers[name];
  if (!p) throw new LabError('unknown-provider', `unknown cluster provider "${String(name)}" (known: ${Object.keys(providers).join(', ')})`, { hint: 'front matter cluster.provider: kind, existing or none' });
  return p;
}

export { KubeClusterHandle, listNodeInfo } from './handle.js';
export { resolveNodeName, type NodeInfo } from './resolve.js';
export { deleteKindCluster, kindClusters, kindKubeconfigPath, DEFAULT_KIND_CLUSTER } from './kind.js';
export { toolEnv, clusterEnvFile } from './env.js';
