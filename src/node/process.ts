// Run a program from an argv array (never a shell string) and collect its output as bytes.
import { spawn } from 'node:child_process';

export interface ProcessResult {
  exitCode: number;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

export interface ProcessOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
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
    default:
      return String(code);
  }
}

/**
 * Spawns `argv[0]` with `argv.slice(1)`. Resolves with the exit code (never rejects on a
 * non-zero exit); rejects only when the program cannot be started at all (ENOENT).
 */
export function runProcess(argv: string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(abortError(opts.signal));
      return;
    }
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, opts.timeoutMs)
      : undefined;
    const onAbort = () => kill();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      finish();
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      finish();
      if (opts.signal?.aborted && !timedOut) {
        reject(abortError(opts.signal));
        return;
      }
      resolve({
        exitCode: code ?? (signal ? 128 + signalNumber(signal) : 1),
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        timedOut,
      });
    });
    child.stdin.on('error', () => {
      /* the program may exit without reading its input */
    });
    child.stdin.end(opts.input ?? '');
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 0;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error ? reason : Object.assign(new Error(`aborted${reason ? ` (${String(reason)})` : ''}`), { name: 'AbortError' });
}

/** Quote one argument for a POSIX shell (ssh joins its remote argv into one shell string). */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
