// The processes set-up runs, through one configured zx instance per set-up (its environment,
// quiet, never throwing: callers look at exitCode). An abort stops the whole process tree, so an
// interrupted build leaves no `go build` behind.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { $ as zx$, type ProcessOutput } from 'zx/core';
import { SetupError } from './errors.js';

export interface RunOptions {
  /** Extra environment for this command. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Each line the command writes on stderr (progress of the build scripts), as it comes. */
  onStderrLine?: (line: string) => void;
}

export interface Proc {
  readonly env: NodeJS.ProcessEnv;
  /** Runs argv (no shell parsing: each element is one argument). Never throws on an exit code. */
  run(argv: readonly string[], opts?: RunOptions): Promise<ProcessOutput>;
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
  const base = zx$({ env: opts.env, quiet: true, nothrow: true, verbose: false, shell: '/bin/bash', stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    env: opts.env,
    async run(argv, runOpts = {}) {
      const $ = base({ env: { ...opts.env, ...runOpts.env }, ...(runOpts.cwd ? { cwd: runOpts.cwd } : {}), ...(runOpts.timeoutMs ? { timeout: runOpts.timeoutMs, timeoutSignal: 'SIGTERM' as const } : {}) });
      const p = $`${argv}`;
      let settled = false;
      if (runOpts.onStderrLine) {
        let rest = '';
        const onLine = runOpts.onStderrLine;
        p.stderr.on('data', (chunk: Buffer) => {
          const lines = (rest + chunk.toString('utf8')).split('\n');
          rest = lines.pop() ?? '';
          for (const l of lines) onLine(l);
        });
        p.stderr.on('end', () => rest && onLine(rest));
      }
      const stop = () => {
        if (!settled) p.kill('SIGTERM').catch(() => undefined);
      };
      if (opts.signal?.aborted) stop();
      opts.signal?.addEventListener('abort', stop, { once: true });
      try {
        return await p;
      } finally {
        settled = true;
        opts.signal?.removeEventListener('abort', stop);
      }
    },
    async lock(file, onWait) {
      if (!findOnPath('flock', opts.env.PATH ?? '')) {
        throw new SetupError('SETUP_STEP_FAILED', 'flock is not installed (no `flock` on PATH): set-up takes a lock so that two runs do not build at once', { hint: "install util-linux (Debian's package has flock), then run `kubelab setup` again" });
      }
      const p = base({ stdio: ['pipe', 'pipe', 'pipe'] })`flock ${file} sh -c ${'echo locked; exec cat'}`;
      let abort = () => {};
      const waiting = setTimeout(onWait, 300);
      try {
        await new Promise<void>((resolve, reject) => {
          p.stdout.once('data', () => resolve());
          p.then((out) => reject(new Error(`flock ${file}: ${tailOf(out) || `exit code ${out.exitCode}`}`)), reject);
          abort = () => {
            p.kill('SIGTERM').catch(() => undefined);
            reject(new SetupInterrupt());
          };
          if (opts.signal?.aborted) abort();
          else opts.signal?.addEventListener('abort', abort, { once: true });
        });
      } finally {
        clearTimeout(waiting);
        opts.signal?.removeEventListener('abort', abort);
      }
      return () => void p.stdin.end();
    },
    which(command) {
      return findOnPath(command, opts.env.PATH ?? '');
    },
  };
}

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
export function tailOf(out: ProcessOutput, lines = 15): string {
  return (out.stderr + out.stdout).trimEnd().split('\n').slice(-lines).join('\n');
}
