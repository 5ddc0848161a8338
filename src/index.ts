// The programmatic API. The CLI is built on these; a course's own vitest suite can use them too:
//   import { parseLab, runLab } from 'kubelab';
export * from './lab/model.js';
export * from './engine/types.js';
export * from './errors.js';
export { parseLab, lintLab } from './lab/parse.js';
export { runLab } from './engine/runner.js';
export { finishJournals } from './engine/journal.js';
export { createReporter, REPORTERS, type ReporterName } from './report/index.js';
export { dispatch } from './report/types.js';
export { runCli } from './cli.js';
export { VERSION } from './version.js';
export type { Reporter, ReporterOptions } from './report/types.js';
export type { ClusterHandle, ClusterProvider, ProviderOptions } from './cluster/types.js';
export type { NodeAccess, NodeExecResult } from './node/types.js';
