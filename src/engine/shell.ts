// The persistent bash session of a run: one bash process, like a learner's terminal. Variables,
// functions and `cd` of one block persist to the next; each block gets its own exit code,
// stdout, stderr and interleaved output. See ./shell-init.ts for the bash side and the protocol.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Shell, ShellRunResult } from './types.js';
import { INIT_SCRIPT, STATE_COMPLETE } from './shell-init.js';
import { bootId, processStartTime, shellProcesses, shellProcessesShared, signalProcesses, tryKill, uptimeSeconds, type ShellProcessGroups } from './procs.js';
import { EnvironmentError } from '../errors.js';
import { readTextIfExists } from '../files.js';

export interface ShellOptions {
  cwd: string;
  env: Record<string, string>;
  /** After SIGTERM, how long a stopped block's processes get before SIGKILL (ms). Default 2000. */
  killGraceMs?: number;
  /** Path of bash (default `bash` on PATH). */
  bash?: string;
  /**
   * What a block's result keeps of its output (each of stdout, stderr, output), in characters:
   * the first `keepHead` and the last `keepTail`; the rest is cut (counted in `cutBytes`), so a
   * block printing gigabytes does not fill memory. Every chunk still goes to `onOutput`.
   * Defaults: 1 MiB and 8 MiB.
   */
  keepHead?: number;
  keepTail?: number;
  /** A state from `Shell.snapshot()` to start with (variables, functions, options, cwd). */
  restore?: string;
  /**
   * Closing: how long the scan for what the shell left running may wait to be shared with other
   * shells that close (ms, default 0: the next turn of the event loop). A grading closes many.
   */
  reapShareMs?: number;
}

type Stream = 'stdout' | 'stderr';
type OutputListener = (stream: Stream, chunk: string) => void;
type RunOpts = Parameters<Shell['run']>[1] & {};

const RS = 0x1e;
const GS = 0x1d;
const TRACE_MARK = Buffer.from('KLx');
const EMPTY = Buffer.alloc(0);

/** Quote for bash: a single-quoted word. */
export function bashQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quote for bash as $'...': every byte kept, only backslash and single quote escaped. */
export function ansiQuote(s: string): string {
  return `$'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

const INLINE_MAX = 16 * 1024;
/** How long a stopped shell that is saving its state may take beyond the kill grace. */
const SAVE_GRACE_MS = 15_000;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The text of one stream of a block, bounded: the first `head` characters and a rolling last
 * `tail`, with the UTF-8 bytes cut between them counted.
 */
export class BoundedText {
  private readonly parts: string[] = [];
  private headLen = 0;
  /** Index in `parts` where the rolling tail starts (parts before it are the head, never cut). */
  private tailFrom = -1;
  private tailLen = 0;
  cutBytes = 0;

  constructor(
    private readonly head: number,
    private readonly tail: number,
  ) {}

  push(text: string): void {
    if (this.tailFrom < 0) {
      const room = this.head - this.headLen;
      if (text.length <= room) {
        this.parts.push(text);
        this.headLen += text.length;
        return;
      }
      const at = safeCut(text, room);
      if (at > 0) this.parts.push(text.slice(0, at));
      this.headLen += at;
      this.tailFrom = this.parts.length;
      text = text.slice(at);
    }
    this.parts.push(text);
    this.tailLen += text.length;
    while (this.tailLen > this.tail) {
      const first = this.parts[this.tailFrom]!;
      const excess = this.tailLen - this.tail;
      if (first.length <= excess) {
        this.parts.splice(this.tailFrom, 1);
        this.tailLen -= first.length;
        this.cutBytes += Buffer.byteLength(first);
      } else {
        const at = safeCut(first, excess);
        this.cutBytes += Buffer.byteLength(first.slice(0, at));
        // (A slice keeps its chunk alive: one chunk at most, at the front.)
        this.parts[this.tailFrom] = first.slice(at);
        this.tailLen -= at;
        break;
      }
    }
  }

  text(): string {
    return this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
  }
}

/** `at`, or one more when `at` would split a surrogate pair. */
function safeCut(s: string, at: number): number {
  const c = s.charCodeAt(at);
  return c >= 0xdc00 && c <= 0xdfff && at > 0 ? at + 1 : at;
}

type Collected = Record<Stream | 'output', BoundedText>;

interface Pending {
  token: string;
  prefix: Record<Stream, Buffer>;
  stdout: BoundedText;
  stderr: BoundedText;
  output: BoundedText;
  done: Record<Stream, boolean>;
  exitCode?: number;
  onOutput?: OutputListener;
  finish: () => void;
}

/** One bash process and the parsing of its two output streams. */
class BashProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  readonly identity: ShellProcessGroups;
  current?: Pending;
  exited = false;
  /** Exited and its last output delivered. */
  dead = false;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  readonly whenExited: Promise<void>;
  /** Exited, and its last output delivered to the block that was running. */
  readonly whenDead: Promise<void>;
  private readonly ended: Record<Stream, boolean> = { stdout: false, stderr: false };
  readonly whenDrained: Promise<void>;
  private held: Record<Stream, Buffer> = { stdout: EMPTY, stderr: EMPTY };
  private traceHeld: Record<Stream, Buffer> = { stdout: EMPTY, stderr: EMPTY };
  private readonly decoders: Record<Stream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  /** Output that arrived between blocks (background jobs): shown with the next block. */
  stray: Collected;

  constructor(
    bash: string,
    cwd: string,
    env: Record<string, string>,
    dir: string,
    restore: boolean,
    readonly collect: () => Collected,
  ) {
    this.stray = collect();
    this.child = spawn(bash, ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    if (this.child.pid === undefined) throw new EnvironmentError('no-bash', `could not start ${bash}`, { hint: 'install bash (4.4 or newer) and put it on PATH' });
    this.pid = this.child.pid;
    this.identity = { pid: this.pid, startTime: processStartTime(this.pid), bootId: bootId() };
    this.whenExited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      });
      this.child.once('error', () => {
        this.exited = true;
        resolve();
      });
    });
    this.whenDead = this.whenExited.then(async () => {
      // Give the pipes a moment to deliver what bash wrote before dying (background jobs may
      // keep them open: do not wait for those).
      await Promise.race([this.whenDrained, delay(300)]);
      this.flush();
      this.dead = true;
      this.current?.finish();
    });
    const drained = (s: Stream) =>
      new Promise<void>((resolve) => {
        this.child[s].once('close', () => {
          this.ended[s] = true;
          resolve();
        });
      });
    this.whenDrained = Promise.all([drained('stdout'), drained('stderr')]).then(() => undefined);
    this.child.stdout.on('data', (b: Buffer) => this.feed('stdout', b));
    this.child.stderr.on('data', (b: Buffer) => this.feed('stderr', b));
    this.child.stdin.on('error', () => {
      /* bash died; the exit handler reports it */
    });
    let boot = `__kl_dir=${bashQuote(dir)}; builtin source ${bashQuote(join(dir, 'init'))}\n`;
    if (restore) {
      const state = join(dir, 'state');
      boot += `{ builtin source ${bashQuote(state)}; __kl_setup; command rm -f ${bashQuote(state)}; } >/dev/null 2>&1\n`;
    }
    this.child.stdin.write(boot);
  }

  write(line: string): void {
    if (!this.exited) this.child.stdin.write(line);
  }

  private emit(s: Stream, bytes: Buffer): void {
    if (this.traceHeld[s].length) {
      bytes = Buffer.concat([this.traceHeld[s], bytes]);
      this.traceHeld[s] = EMPTY;
    }
    if (bytes.length === 0) return;
    if (bytes.indexOf(GS) >= 0) bytes = this.untrace(s, bytes);
    const text = this.decoders[s].write(bytes);
    if (text) this.push(s, text);
  }

  /**
   * xtrace prefixes: bash repeats PS4's first character once per level, and the engine's PS4
   * starts with the marker GS "KLx" <c> RS (see __kl_b). n GS then the marker become n-2 times
   * <c> (the block runs one eval deeper than a terminal; the real PS4 follows the marker). An
   * incomplete marker at the end is held for the next chunk.
   */
  private untrace(s: Stream, buf: Buffer): Buffer {
    const parts: Buffer[] = [];
    let from = 0;
    let i = buf.indexOf(GS);
    while (i >= 0) {
      let j = i;
      while (j < buf.length && buf[j] === GS) j++;
      const rest = buf.length - j;
      const end = rest >= 4 && buf[j] === 0x4b && buf[j + 1] === 0x4c && buf[j + 2] === 0x78 ? buf.indexOf(RS, j + 3) : -1;
      if (end >= 0 && end - (j + 3) <= 4) {
        parts.push(buf.subarray(from, i));
        const c = buf.subarray(j + 3, end);
        for (let n = j - i - 2; n > 0; n--) parts.push(c);
        from = end + 1;
        i = buf.indexOf(GS, from);
        continue;
      }
      if (end < 0 && rest < 8 && TRACE_MARK.subarray(0, Math.min(rest, 3)).equals(buf.subarray(j, j + Math.min(rest, 3))) && buf.indexOf(RS, j) < 0) {
        // Maybe a marker cut by the chunk's end.
        parts.push(buf.subarray(from, i));
        this.traceHeld[s] = Buffer.from(buf.subarray(i));
        return Buffer.concat(parts);
      }
      i = buf.indexOf(GS, j);
    }
    if (from === 0) return buf;
    parts.push(buf.subarray(from));
    return Buffer.concat(parts);
  }

  /** At a block's end: held bytes that did not become a trace marker are output. */
  private flushTrace(s: Stream): void {
    const held = this.traceHeld[s];
    if (!held.length) return;
    this.traceHeld[s] = EMPTY;
    const text = this.decoders[s].write(held);
    if (text) this.push(s, text);
  }

  private push(s: Stream, text: string): void {
    const p = this.current;
    const sink = p ?? this.stray;
    sink[s].push(text);
    sink.output.push(text);
    p?.onOutput?.(s, text);
  }

  private feed(s: Stream, chunk: Buffer): void {
    let buf = this.held[s].length ? Buffer.concat([this.held[s], chunk]) : chunk;
    this.held[s] = EMPTY;
    while (buf.length) {
      const p = this.current;
      if (!p || p.done[s]) {
        this.emit(s, buf);
        return;
      }
      const prefix = p.prefix[s];
      const i = buf.indexOf(prefix);
      if (i < 0) {
        // Keep a tail that could be the start of the marker until more bytes arrive.
        const j = buf.lastIndexOf(RS);
        if (j >= 0 && buf.length - j < prefix.length && prefix.subarray(0, buf.length - j).equals(buf.subarray(j))) {
          this.emit(s, buf.subarray(0, j));
          this.held[s] = Buffer.from(buf.subarray(j));
        } else this.emit(s, buf);
        return;
      }
      const end = buf.indexOf(RS, i + prefix.length);
      if (end < 0) {
        this.emit(s, buf.subarray(0, i));
        this.held[s] = Buffer.from(buf.subarray(i));
        return;
      }
      this.emit(s, buf.subarray(0, i));
      this.flushTrace(s);
      const tail = this.decoders[s].end();
      if (tail) this.push(s, tail);
      if (s === 'stdout') p.exitCode = Number(buf.subarray(i + prefix.length, end).toString('latin1'));
      p.done[s] = true;
      buf = buf.subarray(end + 1);
      if (p.done.stdout && p.done.stderr) p.finish();
    }
  }

  /** After bash died: whatever is still held is output, not a marker. */
  flush(): void {
    for (const s of ['stdout', 'stderr'] as const) {
      const held = this.held[s];
      this.held[s] = EMPTY;
      this.emit(s, held);
      this.flushTrace(s);
      const tail = this.decoders[s].end();
      if (tail) this.push(s, tail);
    }
  }
}

class PersistentShell implements Shell {
  private proc!: BashProcess;
  private readonly dir: string;
  get stateDir(): string {
    return this.dir;
  }
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Notices not yet on a result (e.g. from a restart during setEnv): the next run() gets them. */
  private notices: string[] = [];
  private readonly killGraceMs: number;
  private readonly bash: string;

  constructor(private readonly opts: ShellOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'kubelab-sh-'));
    writeFileSync(join(this.dir, 'init'), INIT_SCRIPT);
    this.killGraceMs = opts.killGraceMs ?? 2000;
    this.bash = opts.bash ?? 'bash';
  }

  async start(restore: boolean): Promise<void> {
    const head = this.opts.keepHead ?? 1024 * 1024;
    const tail = this.opts.keepTail ?? 8 * 1024 * 1024;
    const collect = (): Collected => ({ stdout: new BoundedText(head, tail), stderr: new BoundedText(head, tail), output: new BoundedText(head, tail) });
    this.proc = new BashProcess(this.bash, this.opts.cwd, this.opts.env, this.dir, restore, collect);
    const r = await this.exec('', {}, false);
    if (r.exitCode !== 0) {
      const why = r.output.trim() || `exit ${r.exitCode ?? r.signal}`;
      throw new EnvironmentError('shell-start', `bash did not start: ${why}`, { hint: 'check that bash (4.4 or newer) is on PATH and runs' });
    }
  }

  run(command: string, opts: RunOpts = {}): Promise<ShellRunResult> {
    return this.enqueue(command, opts, false);
  }

  /** Internal blocks (setEnv, cwd, env, snapshot) keep their notices for the next run(). */
  private enqueue(command: string, opts: RunOpts, internal: boolean): Promise<ShellRunResult> {
    const next = this.queue.then(() => this.exec(command, opts, true, internal));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async exec(command: string, opts: RunOpts, restartOnExit = true, internal = false): Promise<ShellRunResult> {
    if (this.closed) throw new Error('shell is closed');
    if (this.proc.exited && restartOnExit) {
      // The shell died between blocks (a background job killed it, or it was replaced): this
      // block runs in a new one, and its result says so.
      const p = this.proc;
      this.addNotice(await this.replace(p, p.exitCode !== null ? `the shell exited with code ${p.exitCode} after the last block` : `the shell was killed by ${p.exitSignal ?? 'a signal'} after the last block`));
    }
    const proc = this.proc;
    const started = performance.now();
    const token = randomBytes(6).toString('hex');
    const stray = proc.stray;
    proc.stray = proc.collect();
    let stopped: 'timeout' | 'abort' | undefined;
    let lostState = false;
    let dieRequested = false;
    const dieFile = join(this.dir, 'die');
    const savingFile = join(this.dir, 'saving');

    const result = await new Promise<ShellRunResult & { stopped?: 'timeout' | 'abort' }>((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let ticker: NodeJS.Timeout | undefined;
      const pending: Pending = {
        token,
        // stdout: RS KLo<token>:<exit code> RS; stderr: RS KLe<token> RS.
        prefix: { stdout: Buffer.from(`\x1eKLo${token}:`), stderr: Buffer.from(`\x1eKLe${token}`) },
        stdout: stray.stdout,
        stderr: stray.stderr,
        output: stray.output,
        done: { stdout: false, stderr: false },
        onOutput: opts.onOutput,
        finish: () => settle(),
      };
      const settle = () => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (ticker) clearInterval(ticker);
        opts.signal?.removeEventListener('abort', onAbort);
        if (proc.current === pending) proc.current = undefined;
        const exitedNow = proc.exited && !(pending.done.stdout && pending.done.stderr);
        resolve({
          exitCode: stopped ? null : exitedNow ? proc.exitCode : (pending.exitCode ?? null),
          signal: stopped ? 'SIGTERM' : exitedNow ? proc.exitSignal : null,
          timedOut: stopped === 'timeout',
          stdout: pending.stdout.text(),
          stderr: pending.stderr.text(),
          output: pending.output.text(),
          ...(pending.output.cutBytes ? { cutBytes: pending.output.cutBytes } : {}),
          durationMs: performance.now() - started,
          stopped,
        });
      };

      const stop = (why: 'timeout' | 'abort') => {
        if (stopped || settled) return;
        stopped = why;
        const stopAt = performance.now();
        const up = uptimeSeconds();
        // Background jobs of earlier blocks (their process groups) live on, as after Ctrl-C.
        const jobs = new Set((readTextIfExists(join(this.dir, 'jobs')) ?? '').split('\n').filter(Boolean).map(Number));
        const since = up === undefined ? undefined : up - (stopAt - started) / 1000;
        const round = (sig: NodeJS.Signals) => {
          if (proc.exited) return;
          // USR1 first: bash runs the trap as soon as the killed foreground job is gone.
          tryKill(proc.pid, 'SIGUSR1');
          signalProcesses(shellProcesses(proc.pid, since).filter((p) => !jobs.has(p.pgid)), proc.pid, sig);
        };
        // A process of the block in bash's own process group is a command substitution (or a
        // process substitution): bash is inside the expansion of a command, and once that child
        // is gone it would run the command with what it got (the USR1 trap comes too late to skip
        // it). So bash itself gets SIGTERM first: it exits from within the expansion (its EXIT
        // trap saves the state for the next shell), before the command runs. The children get
        // the next round.
        const inExpansion = shellProcesses(proc.pid, since).some((p) => p.pgid === proc.pid);
        if (inExpansion) tryKill(proc.pid, 'SIGTERM');
        else round('SIGTERM');
        ticker = setInterval(() => {
          const waited = performance.now() - stopAt;
          if (waited > this.killGraceMs * 1.5) {
            // A shell saving its state (a slow machine) gets more time; it exits when done.
            if (waited < this.killGraceMs * 1.5 + SAVE_GRACE_MS && existsSync(savingFile)) return;
            // A shell that ignores our signals (traps of the lab's own) or never gets control back.
            lostState = true;
            tryKill(-proc.pid, 'SIGKILL');
            tryKill(proc.pid, 'SIGKILL');
            return;
          }
          round(waited > this.killGraceMs ? 'SIGKILL' : 'SIGTERM');
          // Still running after the skip trap had its chance: a builtin loop. Exit (state saved).
          if (waited > 250) {
            if (!dieRequested) {
              dieRequested = true;
              writeFileSync(dieFile, '');
            }
            tryKill(proc.pid, 'SIGUSR2');
          }
        }, 50);
      };
      const onAbort = () => stop('abort');

      proc.current = pending;
      if (proc.dead) return settle();
      if (opts.timeoutMs !== undefined && opts.timeoutMs > 0 && Number.isFinite(opts.timeoutMs)) timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
      if (opts.signal) {
        if (opts.signal.aborted) queueMicrotask(onAbort);
        else opts.signal.addEventListener('abort', onAbort, { once: true });
      }
      if (proc.exited) return;
      // Small commands travel inline (a file write costs milliseconds on some filesystems); bash
      // reads a pipe byte by byte, so big ones go through a file.
      let load: string;
      if (command.length <= INLINE_MAX) load = `__kl_cmd=${ansiQuote(command)}; __kl_b`;
      else {
        const file = join(this.dir, `cmd-${token}`);
        writeFileSync(file, command);
        load = `__kl_b ${bashQuote(file)}; command rm -f ${bashQuote(file)}`;
      }
      // Redirections on the eval itself: an `exec >file` in a block lasts for that block only,
      // and every block starts with the session's own stdout and stderr.
      const redirect = opts.mergeStreams ? ' >&"$__kl_o" 2>&1' : ' >&"$__kl_o" 2>&"$__kl_x"';
      proc.write(`{ ${load}; } 2>/dev/null; builtin eval "$__kl_cmd" </dev/null${redirect}; { __kl_e ${token} $?; } 2>/dev/null\n`);
    });

    // Only for the block that was being stopped: the next stop gives the skip trap its chance again.
    if (dieRequested) rmSync(dieFile, { force: true });
    const { stopped: _s, ...res } = result;
    if (proc.exited && !this.closed && restartOnExit) {
      const what = stopped
        ? stopped === 'timeout'
          ? 'the block was stopped'
          : 'the block was interrupted'
        : res.exitCode !== null
          ? `the shell exited with code ${res.exitCode}`
          : `the shell was killed by ${res.signal ?? 'a signal'}`;
      this.addNotice(await this.replace(proc, what, lostState));
    } else if (proc.exited) await this.reap(proc);
    if (stopped) res.aborted = stopped === 'abort';
    if (this.notices.length && !internal) {
      res.notice = this.notices.join('; and ');
      this.notices = [];
    }
    return res;
  }

  private addNotice(notice: string): void {
    if (!this.notices.includes(notice)) this.notices.push(notice);
  }

  /**
   * A new shell for one that exited: with the state the old one saved (at its exit, or before an
   * `exec` replaced it). Returns the notice for the learner.
   */
  private async replace(proc: BashProcess, what: string, lostState = false): Promise<string> {
    await proc.whenDead;
    rmSync(join(this.dir, 'saving'), { force: true });
    const execd = (readTextIfExists(join(this.dir, 'exec')) ?? '').trim();
    rmSync(join(this.dir, 'exec'), { force: true });
    const hadState = !lostState && this.savedStateComplete();
    await this.reap(proc);
    if (execd) what = `\`${execd.split('\n')[0]!.slice(0, 60)}\` replaced the shell`;
    await this.start(hadState);
    return hadState
      ? `${what}; kubelab started a new shell with the same variables, functions and working directory (background jobs were stopped)`
      : `${what}; kubelab started a new shell: variables, functions and the working directory set by earlier blocks are lost`;
  }

  /** The dead shell saved its whole state (a save cut short is removed, never restored). */
  private savedStateComplete(): boolean {
    const path = join(this.dir, 'state');
    const text = readTextIfExists(path) ?? '';
    if (text.endsWith(`${STATE_COMPLETE}\n`)) return true;
    rmSync(path, { force: true });
    return false;
  }

  /** Stop what a dead shell left behind (its background jobs): a closed terminal hangs them up. */
  private async reap(proc: BashProcess): Promise<void> {
    const left = await shellProcessesShared(proc.pid, this.opts.reapShareMs);
    if (!left.length) return;
    signalProcesses(left, -1, 'SIGTERM');
    // A kept (ref'd) timer: with the dead shell's pipes closed it may be the only thing keeping
    // the process alive, and an unref'd one let Node exit 0 in the middle of an interrupted run.
    await new Promise((r) => setTimeout(r, 100));
    const still = shellProcesses(proc.pid);
    if (still.length) signalProcesses(still, -1, 'SIGKILL');
  }

  async setEnv(name: string, value: string): Promise<void> {
    if (!NAME_RE.test(name)) throw new Error(`not a shell variable name: ${JSON.stringify(name)}`);
    const r = await this.enqueue(`builtin export ${name}=${bashQuote(value)}`, {}, true);
    if (r.exitCode !== 0) throw new Error(`could not set ${name} in the shell: ${r.output.trim() || `exit ${r.exitCode}`}`);
  }

  async cwd(): Promise<string> {
    const r = await this.enqueue(`builtin printf '%s' "$PWD"`, {}, true);
    return r.stdout;
  }

  async env(): Promise<Record<string, string>> {
    const r = await this.enqueue('command -p env -0', {}, true);
    const env: Record<string, string> = {};
    for (const entry of r.stdout.split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
  }

  processGroups(): ShellProcessGroups {
    return this.proc.identity;
  }

  async snapshot(opts: { exclude?: readonly string[] } = {}): Promise<string> {
    const file = join(this.dir, `snapshot-${randomBytes(6).toString('hex')}`);
    const skip = (opts.exclude ?? []).filter((n) => NAME_RE.test(n));
    try {
      const r = await this.enqueue(`{ __kl_skip=${bashQuote(` ${skip.join(' ')} `)}; __kl_state ${bashQuote(file)}; unset __kl_skip; } 2>/dev/null`, {}, true);
      const text = readTextIfExists(file) ?? '';
      if (!text.endsWith(`${STATE_COMPLETE}\n`)) throw new Error(`could not save the shell's state: ${r.output.trim() || `exit ${r.exitCode ?? r.signal}`}`);
      return text;
    } finally {
      rmSync(file, { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    const proc = this.proc;
    if (proc && !proc.exited) {
      // No state to save for a next shell (the lab's own EXIT trap still runs, as when a terminal closes).
      proc.write('__kl_closing=1; builtin exit 0\n');
      proc.child.stdin.end();
      await Promise.race([proc.whenExited, delay(1000)]);
      if (!proc.exited) {
        tryKill(-proc.pid, 'SIGKILL');
        tryKill(proc.pid, 'SIGKILL');
        await Promise.race([proc.whenExited, delay(1000)]);
      }
    }
    if (proc) await this.reap(proc);
    // Off the main thread: a grading closes many shells at once.
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A wait that never keeps the process alive on its own. */
function delay(ms: number): Promise<void> {
  return sleep(ms, undefined, { ref: false });
}

/** Open the run's persistent bash session. */
export async function openShell(opts: ShellOptions): Promise<Shell> {
  const shell = new PersistentShell(opts);
  try {
    if (opts.restore !== undefined) writeFileSync(join(shell.stateDir, 'state'), opts.restore);
    await shell.start(opts.restore !== undefined);
  } catch (e) {
    await shell.close().catch(() => undefined);
    throw e;
  }
  return shell;
}
