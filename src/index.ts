// The programmatic API. The CLI is built on these; a course's own vitest suite can use them too.
export * from './lab/model.js';
export * from './engine/types.js';
export * from './errors.js';
export type { Reporter, ReporterOptions } from './report/types.js';
export type { ClusterHandle, ClusterProvider, ProviderOptions } from './cluster/types.js';
export type { NodeAccess, NodeExecResult } from './node/types.js';
