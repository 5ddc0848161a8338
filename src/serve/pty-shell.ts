// The lab's shell as a real terminal: one interactive bash in a pty (node-pty) that the learner
// types in (through the page's xterm) and that the engine runs blocks in (the `Shell` interface of
// src/engine/types.ts). Variables, functions and the working directory are one and the same for
// both. See ./pty-init.ts for the bash side and the side channel.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pty from 'node-pty';
import type { Shell, ShellRunResult } from '../engine/types.js';
import { bashQuote } from '../engine/shell.js';
import { shellProcesses, signalProcesses } from '../engine/procs.js';
import { EnvironmentError } from '../errors.js';
import { MARK, RUN_KEY, ptyInitScript } from './pty-init.js';
import { readTextIfExists } from '../files.js';

export interface PtyShellOptions {
  cwd: string;
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /** After Ctrl-C, how long a stopped block gets before its processes are killed (ms). Default 2000. */
  killGraceMs?: number;
  bash?: string;
}

type RunOpts = Parameters<Shell['run']>[1] & {};
type Mode = 'merge' | 'split' | 'quiet';

/** How much of the terminal's output is kept for a page that (re)connects. */
const REPLAY_MAX = 256 * 1024;
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Pending {
  token: string;
  done: () => void;
  /** The block was cut short (timeout, abort): Ctrl-C was sent. */
  stopped?: boolean;
  /** Whether bash took the run key (its __kl_pre made the block's output files). */
  started: () => boolean;
}

export class PtyShell implements Shell {
  private readonly term: pty.IPty;
  private readonly dir: string;
  private readonly listeners = new Set<(data: string) => void>();
  private readonly exitListeners = new Set<() => void>();
  private replay = '';
  /** Output that may end in the start of a marker. */
  private held = '';
  private atPrompt = false;
  private freshPrompt = false;
  private promptWaiters: (() => void)[] = [];
  private pending?: Pending;
  /** What the learner typed while a block ran: sent when it ends. */
  private typedAhead: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  exited = false;
  private readonly killGraceMs: number;
  /** Whether a block started by the engine is running (the page shows it; typing is queued). */
  running = false;

  constructor(opts: PtyShellOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'kubelab-pty-'));
    const rc = join(this.dir, 'rc');
    writeFileSync(rc, ptyInitScript(this.dir));
    this.killGraceMs = opts.killGraceMs ?? 2000;
    this.term = pty.spawn(opts.bash ?? 'bash', ['--noprofile', '--rcfile', rc, '-i'], {
      name: 'xterm-256color',
      cols: opts.cols ?? 100,
      rows: opts.rows ?? 30,
      cwd: opts.cwd,
      env: { ...opts.env, TERM: 'xterm-256color', KUBELAB_SHELL: '1' },
    });
    this.term.onData((d) => this.feed(d));
    this.term.onExit(() => {
      this.exited = true;
      this.atPrompt = false;
      this.pending?.done();
      for (const w of this.promptWaiters.splice(0)) w();
      for (const l of this.exitListeners) l();
    });
  }

  get pid(): number {
    return this.term.pid;
  }

  /** Wait for the first prompt. */
  async ready(timeoutMs = 10_000): Promise<void> {
    const ok = await Promise.race([this.whenAtPrompt().then(() => true), delay(timeoutMs).then(() => false)]);
    if (!ok) throw new EnvironmentError('shell-start', `bash did not show a prompt within ${timeoutMs} ms`, { hint: 'check that bash (4.4 or newer) is on PATH and runs' });
  }

  // ---- the terminal side ---------------------------------------------------------------------

  /** Listen to what the terminal shows (markers removed). Returns an unsubscribe function. */
  onData(listener: (data: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onExit(listener: () => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** The recent output, for a page that connects (or reloads). */
  history(): string {
    return this.replay;
  }

  /**
   * Keys the learner typed. While a block runs they are held and sent when it ends, except
   * Ctrl-C, which stops the block.
   */
  input(data: string): void {
    if (this.exited) return;
    if (this.running) {
      if (data.includes('\x03')) this.term.write('\x03');
      else this.typedAhead.push(data);
      return;
    }
    this.term.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.exited || !(cols > 0 && rows > 0)) return;
    this.term.resize(Math.min(Math.floor(cols), 500), Math.min(Math.floor(rows), 200));
  }

  private show(text: string): void {
    if (!text) return;
    this.replay += text;
    if (this.replay.length > REPLAY_MAX) this.replay = this.replay.slice(this.replay.length - REPLAY_MAX / 2);
    for (const l of this.listeners) l(text);
  }

  private feed(chunk: string): void {
    let s = this.held + chunk;
    this.held = '';
    let out = '';
    for (;;) {
      const i = s.indexOf(MARK);
      if (i < 0) {
        // Keep a tail that could be the start of a marker.
        const esc = s.lastIndexOf('\x1b');
        if (esc >= 0 && MARK.startsWith(s.slice(esc))) {
          out += s.slice(0, esc);
          this.held = s.slice(esc);
        } else out += s;
        break;
      }
      const end = s.indexOf('\x07', i + MARK.length);
      if (end < 0) {
        out += s.slice(0, i);
        this.held = s.slice(i);
        break;
      }
      out += s.slice(0, i);
      // Show what came before the marker first: a block's output precedes its `done`.
      this.show(out);
      out = '';
      this.marker(s.slice(i + MARK.length, end));
      s = s.slice(end + 1);
    }
    this.show(out);
  }

  private marker(what: string): void {
    if (what === 'idle') {
      // A block stopped before bash took its run key (the key was lost: Ctrl-C flushed it) has no
      // `done` to come: the prompt is its end.
      if (this.pending?.stopped && !this.pending.started()) {
        this.pending.done();
        return;
      }
      if (this.freshPrompt) {
        // After Ctrl-C cut a bound command short, bash shows its prompt with the terminal still in
        // cooked mode (keys echoed twice, the run key printed). An empty line gets a proper one.
        this.freshPrompt = false;
        this.term.write('\r');
        return;
      }
      this.atPrompt = true;
      const waiters = this.promptWaiters;
      this.promptWaiters = [];
      for (const w of waiters) w();
    } else if (what === 'busy') {
      this.atPrompt = false;
      if (this.pending) this.freshPrompt = true;
    } else if (what.startsWith('done;') && this.pending?.token === what.slice(5)) this.pending.done();
  }

  private whenAtPrompt(): Promise<void> {
    if (this.atPrompt) return Promise.resolve();
    return new Promise((resolve) => this.promptWaiters.push(resolve));
  }

  /** Whether bash waits at its prompt (no command of the learner's is running). */
  get idle(): boolean {
    return this.atPrompt && !this.running;
  }

  // ---- the engine side (Shell) ---------------------------------------------------------------

  run(command: string, opts: RunOpts = {}): Promise<ShellRunResult> {
    return this.enqueue(() => this.exec(command, opts.mergeStreams ? 'merge' : 'split', opts));
  }

  private enqueue<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async exec(command: string, mode: Mode, opts: RunOpts = {}): Promise<ShellRunResult> {
    if (this.closed || this.exited) throw new EnvironmentError('shell-exited', 'the lab\'s terminal has ended', { hint: 'reload the page to start a new one' });
    // A command the learner typed is still running: the block waits for the prompt.
    await this.whenAtPrompt();
    if (this.exited) throw new EnvironmentError('shell-exited', 'the lab\'s terminal has ended', { hint: 'reload the page to start a new one' });
    const started = performance.now();
    const token = randomBytes(6).toString('hex');
    const base = join(this.dir, token);
    writeFileSync(`${base}.cmd`, command);
    writeFileSync(join(this.dir, 'next'), `${token} ${mode}\n`);
    let stopped: 'timeout' | 'abort' | undefined;
    let timer: NodeJS.Timeout | undefined;
    let killer: NodeJS.Timeout | undefined;
    const visible = mode !== 'quiet';
    if (visible) this.running = true;
    await new Promise<void>((resolve) => {
      const stop = (why: 'timeout' | 'abort') => {
        if (stopped) return;
        stopped = why;
        if (this.pending?.token === token) this.pending.stopped = true;
        // What a learner would do: Ctrl-C; then, if the block ignores it, kill what it started.
        this.term.write('\x03');
        killer = setTimeout(() => {
          if (this.pending?.token === token && !this.pending.started()) this.pending.done();
          else signalProcesses(shellProcesses(this.term.pid), this.term.pid, 'SIGKILL');
        }, this.killGraceMs);
      };
      const onAbort = () => stop('abort');
      this.pending = {
        token,
        started: () => existsSync(`${base}.out`),
        done: () => {
          if (timer) clearTimeout(timer);
          if (killer) clearTimeout(killer);
          opts.signal?.removeEventListener('abort', onAbort);
          this.pending = undefined;
          resolve();
        },
      };
      if (opts.timeoutMs !== undefined && opts.timeoutMs > 0 && Number.isFinite(opts.timeoutMs)) timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
      if (opts.signal) {
        if (opts.signal.aborted) queueMicrotask(onAbort);
        else opts.signal.addEventListener('abort', onAbort, { once: true });
      }
      this.term.write(RUN_KEY);
    });
    const read = (ext: string) => readTextIfExists(`${base}.${ext}`) ?? '';
    const exitText = read('exit');
    const result: ShellRunResult = {
      exitCode: stopped || this.exited || exitText === '' ? null : Number(exitText),
      signal: stopped ? 'SIGINT' : this.exited ? 'SIGHUP' : null,
      timedOut: stopped === 'timeout',
      stdout: read('out'),
      stderr: mode === 'merge' ? '' : read('err'),
      output: read('all') || read('out') + read('err'),
      durationMs: performance.now() - started,
    };
    if (stopped) result.aborted = stopped === 'abort';
    if (this.exited) result.notice = 'the lab\'s terminal ended (the shell exited); the next block starts a new one, without the variables of this one';
    for (const ext of ['cmd', 'out', 'err', 'all', 'exit']) rmSync(`${base}.${ext}`, { force: true });
    if (visible) {
      this.running = false;
      const typed = this.typedAhead.join('');
      this.typedAhead = [];
      if (typed) this.term.write(typed);
    }
    return result;
  }

  private async quiet(command: string): Promise<ShellRunResult> {
    return this.enqueue(() => this.exec(command, 'quiet'));
  }

  async setEnv(name: string, value: string): Promise<void> {
    if (!NAME_RE.test(name)) throw new Error(`not a shell variable name: ${JSON.stringify(name)}`);
    const r = await this.quiet(`builtin export ${name}=${bashQuote(value)}`);
    if (r.exitCode !== 0) throw new Error(`could not set ${name} in the shell: ${r.output.trim() || `exit ${r.exitCode}`}`);
  }

  async cwd(): Promise<string> {
    return (await this.quiet(`builtin printf '%s' "$PWD"`)).stdout;
  }

  async env(): Promise<Record<string, string>> {
    const r = await this.quiet('command -p env -0');
    const env: Record<string, string> = {};
    for (const entry of r.stdout.split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.exited) {
      const gone = new Promise<void>((r) => this.onExit(r));
      const left = shellProcesses(this.term.pid);
      this.term.kill('SIGHUP');
      await Promise.race([gone, delay(1000)]);
      if (!this.exited) this.term.kill('SIGKILL');
      signalProcesses(left, this.term.pid, 'SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}


function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

/** Open the lab's shell in a pty and wait for its first prompt. */
export async function openPtyShell(opts: PtyShellOptions): Promise<PtyShell> {
  const shell = new PtyShell(opts);
  try {
    await shell.ready();
  } catch (e) {
    await shell.close();
    throw e;
  }
  return shell;
}
