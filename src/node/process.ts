// The process layer for the tools kubelab drives (docker, kind, kubectl, ssh): an argv array in,
// a finished process out, run by zx. Never one interpolated command string: each argument is
// quoted on its own. zx is imported on first use only (start-up cost: `kubelab --version` and
// labs without a cluster never run a tool), and through a configured instance: no global zx
// setting is read or changed.
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { stripVTControlCharacters } from 'node:util';
import type { Options as ZxOptions } from 'zx/core';
import { KubelabError } from '../errors.js';
import { formatDuration } from '../format.js';

export interface ProcessResult {
  /** The argv that ran. */
  argv: string[];
  /** The exit code; 128 + the signal's number when a signal ended the process. */
  exitCode: number;
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Milliseconds from start to exit. */
  duration: number;
  /** True when timeoutMs ran out and the process was killed. */
  timedOut: boolean;
}

export interface ProcessOptions {
  /**
   * stdin: bytes, or a stream that keeps it open until the stream ends (a lock held for as long
   * as we live); without it stdin is /dev/null.
   */
  input?: string | Buffer | Readable;
  /** Kill (SIGKILL) after this many ms; the result then says timedOut. */
  timeoutMs?: number;
  /** Aborting sends SIGTERM (SIGKILL after killGraceMs) and rejects with the signal's reason once the process has exited. */
  signal?: AbortSignal;
  /**
   * Run the program in a process group (and session) of its own and send the abort's and the timeout's signals
   * to the whole group: a build script and the compilers it started stop together. (The group
   * is then out of the terminal's reach: Ctrl-C reaches it through the signal only.)
   */
  processGroup?: boolean;
  /** The whole environment; without it the program inherits kubelab's own (as spawn does). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each line the program writes to stderr (ANSI sequences removed, blank lines skipped), as it comes. */
  onStderrLine?: (line: string) => void;
  /** The same for stdout. */
  onStdoutLine?: (line: string) => void;
  /** After an abort, how long the process gets to exit on SIGTERM before SIGKILL (default 10 s). */
  killGraceMs?: number;
}

/** A tool could not be started, failed or timed out. */
export class ProcessError extends KubelabError {
  readonly argv: string[];
  /** The command's exit code (127 when the program is not there), undefined when it timed out. (`exitCode` is the CLI's.) */
  readonly commandExitCode?: number;
  /** The last lines of stderr. */
  readonly stderrTail: string;

  constructor(
    code: 'command-not-found' | 'command-failed' | 'command-timed-out',
    argv: string[],
    detail: { exitCode?: number; stderr?: string | Buffer; why?: string; hint?: string; cause?: unknown },
  ) {
    const stderrTail = tailLines(detail.stderr?.toString() ?? '', 10);
    const why = detail.why ?? (detail.exitCode === undefined ? 'failed' : `exited with ${explainExitCode(detail.exitCode)}`);
    super(code, `\`${formatArgv(argv)}\` ${why}${stderrTail ? `:\n${stderrTail}` : ''}`, { hint: detail.hint, cause: detail.cause });
    this.argv = argv;
    this.commandExitCode = detail.exitCode;
    this.stderrTail = stderrTail;
  }

  /** The error for a finished process that failed (non-zero exit or timeout). */
  static fromResult(r: ProcessResult, timeoutMs?: number): ProcessError {
    if (r.timedOut) {
      return new ProcessError('command-timed-out', r.argv, { stderr: r.stderr, why: `timed out${timeoutMs ? ` after ${formatDuration(timeoutMs)}` : ''}` });
    }
    return new ProcessError('command-failed', r.argv, { exitCode: r.exitCode, stderr: r.stderr });
  }
}

/** Exit codes the shell gives meaning to, for messages (`127 (command not found)`). */
export function explainExitCode(code: number): string {
  switch (code) {
    case 126:
      return '126 (command not executable)';
    case 127:
      return '127 (command not found)';
    case 130:
      return '130 (interrupted)';
    case 137:
      return '137 (killed)';
    case 143:
      return '143 (terminated)';
  }
  const signal = code > 128 ? signalName(code - 128) : undefined;
  return signal ? `${code} (${signal})` : String(code);
}

/**
 * Runs `argv[0]` with `argv.slice(1)`. Resolves with the result whatever the exit code (and when
 * the timeout killed it). Rejects with a ProcessError `command-not-found` when the program is
 * not there, and with the signal's reason when aborted (only after the process has exited: a
 * cleanup must not race the command it undoes).
 */
export async function runProcess(argv: string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  if (!argv.length || !argv[0]) throw new TypeError('runProcess: empty argv');
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const env = opts.env;
  const cwd = opts.cwd ?? process.cwd();
  // No PATH given: zx's which looks in the inherited one.
  const program = findProgram(argv[0], env?.PATH, cwd, await loadZx());
  if (!program) {
    throw new ProcessError('command-not-found', argv, {
      exitCode: 127,
      why: `cannot run: ${argv[0]} is not installed (not found${argv[0].includes('/') ? ' or not executable' : ' in PATH'})`,
    });
  }
  if (opts.signal?.aborted) throw abortError(opts.signal);

  const { $ } = await loadZx();
  // Our own store: zx's ProcessOutput decodes each chunk apart (a UTF-8 character split between
  // chunks breaks) and has no bytes API for stdout alone.
  const store = { stdout: [] as Buffer[], stderr: [] as Buffer[], stdall: [] as Buffer[] };
  const input = opts.input === undefined || opts.input instanceof Readable ? opts.input : Buffer.from(opts.input);
  const group = opts.processGroup === true;
  // `exec` replaces the shell with the program: signals reach the program itself, and the
  // process zx waits for is the program. The resolved path cannot be read as an option of exec.
  const run = $({
    ...ZX_OPTIONS,
    cwd,
    // Without one, zx's default: the environment kubelab runs in.
    ...(env ? { env } : {}),
    input,
    // A group is signalled here, not by spawn (which would reach its leader only).
    signal: group ? undefined : opts.signal,
    detached: group,
    stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    store: store as unknown as ZxOptions['store'],
  });
  const p = run`exec ${[program, ...argv.slice(1)]}`;
  // A program may exit without reading its input: the broken pipe is not an error.
  p.child?.stdin?.on('error', () => {});
  if (opts.onStderrLine) forEachLine(p.child?.stderr, opts.onStderrLine);
  if (opts.onStdoutLine) forEachLine(p.child?.stdout, opts.onStdoutLine);
  const kill = (sig: NodeJS.Signals) => {
    const pid = p.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(group ? -pid : pid, sig);
    } catch {
      // Gone already.
    }
  };

  let timedOut = false;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        kill('SIGKILL');
      }, opts.timeoutMs)
    : undefined;
  let grace: NodeJS.Timeout | undefined;
  const onAbort = () => {
    // zx (through spawn's signal) sends the program SIGTERM; a group gets it from here. A program
    // that ignores it is killed.
    if (group) kill('SIGTERM');
    grace = setTimeout(() => kill('SIGKILL'), opts.killGraceMs ?? 10_000);
  };
  if (group && opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const out = await p;
    if (opts.signal?.aborted) throw abortError(opts.signal);
    if (out.exitCode === null && out.signal === null) {
      throw new ProcessError('command-failed', argv, { why: `could not be started: ${(out.cause as Error | null)?.message ?? 'unknown error'}`, cause: out.cause });
    }
    return {
      argv,
      exitCode: out.exitCode ?? 128 + (signalNumber(out.signal) ?? 0),
      signal: out.signal,
      stdout: Buffer.concat(store.stdout),
      stderr: Buffer.concat(store.stderr),
      duration: out.duration,
      timedOut,
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** runProcess, rejecting with a ProcessError (command, explained exit code, stderr's tail) unless the program exits 0. */
export async function runProcessOrThrow(argv: string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  const r = await runProcess(argv, opts);
  if (r.exitCode !== 0 || r.timedOut) throw ProcessError.fromResult(r, opts.timeoutMs);
  return r;
}

/** Quote one argument for a POSIX shell (ssh joins its remote argv into one shell string; zx's command line). */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as a user could paste it into a shell, for messages. */
export function formatArgv(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

type Zx = typeof import('zx/core');
let zx: Promise<Zx> | undefined;
const loadZx = (): Promise<Zx> => (zx ??= import('zx/core'));

// Every option a ZX_* environment variable or zx's import-time setup could change is set here,
// so the instance behaves the same whatever the environment: /bin/sh (not bash, whose BASH_ENV
// would run first), POSIX quoting, no `set -euo pipefail` prefix, no logging, no timeout.
const ZX_OPTIONS = {
  shell: '/bin/sh',
  quote: shellQuote,
  prefix: '',
  postfix: '',
  nothrow: true,
  quiet: true,
  verbose: false,
  log: () => {},
  preferLocal: false,
  detached: false,
  sync: false,
  halt: false,
  timeout: 0,
} satisfies Partial<ZxOptions>;

/** The program's path, or undefined when there is none (or it is not executable). */
function findProgram(name: string, path: string | undefined, cwd: string, z: Zx): string | undefined {
  if (name.includes('/')) {
    const file = isAbsolute(name) ? name : resolve(cwd, name);
    try {
      accessSync(file, fsConstants.X_OK);
      return statSync(file).isFile() ? file : undefined;
    } catch {
      return undefined;
    }
  }
  const found = z.which.sync(name, { path, nothrow: true });
  return found ? resolve(found) : undefined;
}

/** Calls onLine with each line of a stream as it comes, the last one too when it has no newline. */
function forEachLine(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const emit = (l: string) => {
    const t = stripVTControlCharacters(l).trim();
    if (t) onLine(t);
  };
  stream.on('data', (chunk: Buffer) => {
    pending += decoder.write(chunk);
    const lines = pending.split(/\r?\n|\r/);
    pending = lines.pop() ?? '';
    for (const l of lines) emit(l);
  });
  stream.on('end', () => emit(pending + decoder.end()));
}

function tailLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n').trim();
}

function signalNumber(signal: NodeJS.Signals | null): number | undefined {
  return signal ? (osConstants.signals as Record<string, number>)[signal] : undefined;
}

function signalName(n: number): string | undefined {
  return Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0];
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error ? reason : Object.assign(new Error(`aborted${reason ? ` (${String(reason)})` : ''}`), { name: 'AbortError' });
}
