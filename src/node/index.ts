export type { BackupOutcome, NodeAccess, NodeExecResult, NodeTools, ReadyProbe, ReadyVerdict, RestartOptions, RestartOutcome, RestoreOutcome, ServiceStatus } from './types.js';
export { CommandNodeAccess, DEFAULT_BACKUP_SUFFIX, parseSystemctlShow, ServiceWaitError, sha256 } from './command-node.js';
export { DockerNodeAccess } from './docker.js';
export { SshNodeAccess } from './ssh.js';
export { nodeFromRef } from './from-ref.js';
export { NodeError } from './errors.js';
export { runProcess, runProcessOrThrow, ProcessError, shellQuote, formatArgv, explainExitCode, type ProcessResult, type ProcessOptions } from './process.js';
