import type { SourcePos } from './lab/model.js';

/**
 * Every error kubelab means to show a user. `code` is stable (for JSON reports and tests),
 * `hint` says what to do next, `pos` says where in a lab. Only src/cli.ts turns these into
 * exit codes and one-line messages; everything else throws them.
 */
export class KubelabError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly pos?: SourcePos;
  /** Exit code the CLI uses when this error ends a command. */
  readonly exitCode: number;

  constructor(code: string, message: string, opts: { hint?: string; pos?: SourcePos; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = opts.hint;
    this.pos = opts.pos;
    this.exitCode = opts.exitCode ?? 2;
  }
}

/** A problem with a lab file (front matter, attributes, fences). Exit 2. */
export class LabError extends KubelabError {}

/** A problem with the command line. Exit 2. */
export class UsageError extends KubelabError {}

/** A problem with the environment: no docker, no kubeconfig context, unreachable cluster. Exit 2. */
export class EnvironmentError extends KubelabError {}

/** The run was interrupted by a signal (after cleanup). Exit 130 (SIGINT) or 143 (SIGTERM). */
export class InterruptedError extends KubelabError {
  readonly signal: 'SIGINT' | 'SIGTERM';
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super('interrupted', `interrupted by ${signal}; cleanup ran`, { exitCode: signal === 'SIGINT' ? 130 : 143 });
    this.signal = signal;
  }
}

/** `file:line[:col]` for messages. */
export function formatPos(pos: SourcePos | undefined): string {
  if (!pos) return '';
  return pos.col ? `${pos.file}:${pos.line}:${pos.col}` : `${pos.file}:${pos.line}`;
}
