// What a command gets from src/cli.ts instead of touching process globals: input and output
// streams, the environment, whether stdout is a TTY, the interrupt signal, and where to put its
// exit code.
import type { Command } from 'commander';
import { loadConfig, type KubelabConfig } from '../config.js';

/** The CLI's input. A terminal also has isTTY and setRawMode (single-key input). */
export interface CliInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface CliContext {
  /** Input for interactive commands (`learn`); src/cli.ts passes process.stdin. */
  stdin?: CliInput;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (live progress, colour). */
  isTTY: boolean;
  /** Whether stdout output is coloured (NO_COLOR/FORCE_COLOR honoured). */
  color: boolean;
  /** Whether stderr messages are coloured. */
  colorStderr: boolean;
  cwd: string;
  /** Aborted with reason 'SIGINT' or 'SIGTERM' by src/cli.ts. */
  signal: AbortSignal;
  /** --debug (or KUBELAB_DEBUG=1): stack traces for unexpected errors. */
  debug: boolean;
  /** The command's exit code; commands set it, src/cli.ts uses it. */
  exitCode: number;
}

/**
 * What Ctrl-C (SIGINT) or SIGTERM does while a command runs. src/cli.ts aborts ctx.signal on the
 * first one and says `first` on stderr; the `quitAt`-th one quits at once (children killed, exit
 * 130/143) after saying `quit`. A command whose work is quick or harmless to cut short quits at
 * the first.
 */
export interface InterruptHandling {
  /** Said after the first signal when that does not quit: what the command does now. */
  first: string;
  /** Said after the second signal when that does not quit yet either. */
  second?: string;
  /** Said when quitting at once ('' for nothing): what is left undone. */
  quit: string;
  /** Which signal quits at once: 1 (the first), 2 or 3. */
  quitAt: 1 | 2 | 3;
}

/** Commands that change a cluster and clean up (run, update): the first signal stops and cleans up. */
export const CLEANUP_INTERRUPT: InterruptHandling = {
  first: 'stopping the lab and cleaning up…',
  second: 'cleanup in progress, press Ctrl-C again to force quit (cleanup would not finish)',
  quit: 'quitting without finishing cleanup. What the lab changed is still in place; run `kubelab cleanup` to undo it.',
  quitAt: 3,
};

/** Commands that only read (lint, list, report, doctor): an interrupt quits at once. */
export const QUIT_INTERRUPT: InterruptHandling = { first: '', quit: '', quitAt: 1 };

/** A CLI command: one module each under src/cli/commands/, registered from commands/index.ts. */
export interface CliCommand {
  readonly name: string;
  register(program: Command, ctx: CliContext): void;
  /** How it handles an interrupt; default CLEANUP_INTERRUPT. */
  readonly interrupt?: InterruptHandling;
}

/** The worse of two exit codes: interrupted (130/143) > lab/usage error (2) > failed (1) > passed (0). */
export function worstExitCode(a: number, b: number): number {
  const rank = (c: number) => (c === 130 || c === 143 ? 4 : c === 2 ? 3 : c === 0 ? 0 : c === 1 ? 1 : 2);
  return rank(b) > rank(a) ? b : a;
}

/** Why a file could not be read or written, in words. */
export function fileErrorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'ENOTDIR' ? 'a part of the path is a file, not a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EEXIST' ? 'a file of that name exists' : (e as Error).message;
}

/** The command's configuration: the environment it was given, its --state-dir flag. */
export function configOf(ctx: Pick<CliContext, 'env' | 'cwd'>, flags: { stateDir?: string } = {}): KubelabConfig {
  return loadConfig(ctx.env, { stateDir: flags.stateDir }, ctx.cwd);
}
