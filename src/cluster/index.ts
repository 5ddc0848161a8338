// Cluster providers by name. The engine calls getProvider(lab.cluster.provider).setup(...).
// kind and existing are loaded when a lab asks for them: they pull in the Kubernetes client and
// the process layer, which a `provider: none` lab never needs (start-up time).
import type { ClusterSpec } from '../lab/model.js';
import type { ClusterProvider } from './types.js';
import { LabError } from '../errors.js';

export const noneProvider: ClusterProvider = {
  name: 'none',
  async setup() {
    return undefined;
  },
};

function lazy(name: ClusterSpec['provider'], load: () => Promise<ClusterProvider>): ClusterProvider {
  return { name, setup: async (...args) => (await load()).setup(...args) };
}

const providers: { [K in ClusterSpec['provider']]: ClusterProvider } = {
  kind: lazy('kind', async () => (await import('./kind.js')).kindProvider),
  existing: lazy('existing', async () => (await import('./existing.js')).existingProvider),
  none: noneProvider,
};

export function getProvider(name: ClusterSpec['provider']): ClusterProvider {
  const p = providers[name];
  if (!p) throw new LabError('unknown-provider', `unknown cluster provider "${String(name)}" (known: ${Object.keys(providers).join(', ')})`, { hint: 'front matter cluster.provider: kind, existing or none' });
  return p;
}

export { resolveNodeName, type NodeInfo } from './resolve.js';
export { toolEnv, clusterEnvFile } from './env.js';
