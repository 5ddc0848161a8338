// The processes set-up runs, through the one process layer (src/node/process.ts) with the
// set-up's environment; never throwing on an exit code: callers look at exitCode. Every command
// runs in a process group of its own that an abort or a timeout stops whole, so an interrupted
// build leaves no `go build` behind.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ProcessError, runProcess } from '../node/process.js';
import { SetupError } from './errors.js';

export interface RunOptions {
  /** Extra environment for this command. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Stop the command's whole process group after this many ms (exitCode is then not 0). */
  timeoutMs?: number;
  /** Each line the command writes on stderr (progress of the build scripts), as it comes. */
  onStderrLine?: (line: string) => void;
}

/** A finished command, its output as text. */
export interface CommandOutput {
  /** The exit code; 127 when the program is not there, 128 + the signal's number when a signal ended it. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Proc {
  readonly env: NodeJS.ProcessEnv;
  /**
   * Runs argv (no shell parsing: each element is one argument). Never throws on an exit code;
   * rejects with the signal's reason when the set-up is interrupted, once the command's process
   * group has stopped.
   */
  run(argv: readonly string[], opts?: RunOptions): Promise<CommandOutput>;
  /** The absolute path of a command on this PATH, or undefined. */
  which(command: string): string | undefined;
  /**
   * Holds an exclusive flock(1) on `file` (the same lock `flock FILE` in a shell script takes)
   * until the returned release() is called or this process ends. Calls onWait when another
   * holder makes it wait.
   */
  lock(file: string, onWait: () => void): Promise<() => void>;
}

export function createProc(opts: { env: NodeJS.ProcessEnv; signal?: AbortSignal }): Proc {
  return {
    env: opts.env,
    async run(argv, runOpts = {}) {
      try {
        const r = await runProcess([...argv], {
          env: { ...opts.env, ...runOpts.env },
          cwd: runOpts.cwd,
          timeoutMs: runOpts.timeoutMs,
          signal: opts.signal,
          processGroup: true,
          onStderrLine: runOpts.onStderrLine,
        });
        return { exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
      } catch (e) {
        // A missing program is an exit code like any other here (what a shell would say).
        if (e instanceof ProcessError && e.code === 'command-not-found') return { exitCode: 127, stdout: '', stderr: `${argv[0]}: command not found` };
        throw e;
      }
    },
    async lock(file, onWait) {
      if (!findOnPath('flock', opts.env.PATH ?? '')) {
        throw new SetupError('SETUP_STEP_FAILED', 'flock is not installed (no `flock` on PATH): set-up takes a lock so that two runs do not build at once', { hint: "install util-linux (Debian's package has flock), then run `kubelab setup` again" });
      }
      // flock holds the lock while `cat` reads our stdin: release() ends it, and so does our own
      // death (the pipe closes), so a killed set-up never leaves the lock held.
      const stdin = new PassThrough();
      const stopWaiting = new AbortController();
      let locked!: () => void;
      const acquired = new Promise<void>((resolve) => (locked = resolve));
      const holder = runProcess(['flock', file, 'sh', '-c', 'echo locked; exec cat'], {
        env: opts.env,
        input: stdin,
        signal: stopWaiting.signal,
        killGraceMs: 2000,
        onStdoutLine: (line) => line === 'locked' && locked(),
      });
      const abort = () => stopWaiting.abort(new SetupInterrupt());
      const waiting = setTimeout(onWait, 300);
      if (opts.signal?.aborted) abort();
      else opts.signal?.addEventListener('abort', abort, { once: true });
      // What ended flock before it said `locked` (never a rejection: it ends when released, too).
      const ended = holder.then(
        (out) => new Error(`flock ${file}: ${tailOf(decode(out)) || `exit code ${out.exitCode}`}`),
        (e: unknown) => e,
      );
      try {
        const failure = await Promise.race([acquired.then(() => undefined), ended]);
        if (failure !== undefined) throw failure;
      } finally {
        clearTimeout(waiting);
        opts.signal?.removeEventListener('abort', abort);
      }
      return () => void stdin.end();
    },
    which(command) {
      return findOnPath(command, opts.env.PATH ?? '');
    },
  };
}

const decode = (r: { exitCode: number; stdout: Buffer; stderr: Buffer }): CommandOutput => ({ exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') });

export function findOnPath(command: string, path: string): string | undefined {
  if (isAbsolute(command)) return isExecutable(command) ? command : undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Thrown when the set-up's signal was aborted while it waited. */
export class SetupInterrupt extends Error {
  constructor() {
    super('interrupted');
  }
}

/** The last lines of a command's output, for an error message. */
export function tailOf(out: CommandOutput, lines = 15): string {
  return (out.stderr + out.stdout).trimEnd().split('\n').slice(-lines).join('\n');
}
