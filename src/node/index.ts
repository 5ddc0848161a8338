export type { NodeAccess, NodeExecResult, NodeTools } from './types.js';
export { CommandNodeAccess, DEFAULT_BACKUP_SUFFIX, parseSystemctlShow, type BackupOutcome } from './command-node.js';
export { DockerNodeAccess } from './docker.js';
export { SshNodeAccess } from './ssh.js';
export { nodeFromRef } from './from-ref.js';
export { NodeError } from './errors.js';
export { runProcess, runProcessOrThrow, ProcessError, shellQuote, formatArgv, explainExitCode, type ProcessResult, type ProcessOptions } from './process.js';
