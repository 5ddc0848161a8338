// The `sh` block: run the command in the lab's shell, check its exit code and expected output,
// retry when asked, export captures into the shell.
import type { ShBlock } from '../../lab/model.js';
import type { ExecContext, ExecOutcome, Executor, ShellRunResult } from '../types.js';
import { matchOutput, type MatchResult } from '../../match/index.js';
import { formatPos } from '../../errors.js';
import { explainExitCode } from '../../node/process.js';

/** `90s`, `2m`, `1m30s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
}

const FIRST_RETRY_DELAY_MS = 200;
const MAX_RETRY_DELAY_MS = 5_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

interface Attempt {
  run: ShellRunResult;
  match?: MatchResult;
  exitOk: boolean;
}

function judge(block: ShBlock, run: ShellRunResult): Attempt {
  const expectExit = block.attrs.exit ?? 0;
  const exitOk = !run.timedOut && run.exitCode === expectExit;
  const match = block.expected && !run.timedOut && !run.aborted ? matchOutput(block.expected, run) : undefined;
  return { run, match, exitOk };
}

export const shExecutor: Executor<ShBlock> = async (block, ctx: ExecContext): Promise<ExecOutcome> => {
  const started = Date.now();
  const retryMs = block.attrs.retry ?? 0;
  const deadline = started + retryMs;
  let delay = FIRST_RETRY_DELAY_MS;
  let attempts = 0;
  let last: Attempt;
  for (;;) {
    attempts++;
    const run = await ctx.shell.run(block.command, {
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      onOutput: ctx.onOutput,
      // Compared as a terminal shows it: one pipe, so the order of stdout and stderr is exact.
      mergeStreams: block.expected?.stream === 'both',
    });
    last = judge(block, run);
    const ok = last.exitOk && (last.match?.ok ?? true);
    if (ok || run.timedOut || run.aborted || ctx.signal.aborted || retryMs <= 0) break;
    if (Date.now() + delay > deadline) break;
    ctx.progress(`${block.id}: not yet (${failureReason(block, last, ctx)}); retrying in ${formatDuration(delay)}`);
    await sleep(delay, ctx.signal);
    if (ctx.signal.aborted) break;
    delay = Math.min(Math.round(delay * 1.6), MAX_RETRY_DELAY_MS);
  }

  const { run, match } = last;
  const passed = last.exitOk && (match?.ok ?? true);
  const captures = passed && match && Object.keys(match.captures).length ? match.captures : undefined;
  if (captures) {
    for (const [name, value] of Object.entries(captures)) {
      ctx.vars[name] = value;
      await ctx.shell.setEnv(name, value);
    }
  }
  let message: string | undefined;
  let hint: string | undefined;
  if (!passed) {
    message = failureReason(block, last, ctx);
    if (retryMs > 0 && attempts > 1) message += ` (after ${attempts} attempts in ${formatDuration(Date.now() - started)})`;
    hint = failureHint(block, last);
  }
  if (run.notice) hint = hint ? `${hint}; ${run.notice}` : run.notice;
  return {
    status: passed ? 'passed' : 'failed',
    command: block.command,
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    attempts,
    durationMs: Date.now() - started,
    output: run.output,
    stdout: run.stdout,
    stderr: run.stderr,
    expected: block.expected?.text,
    expectedPos: block.expected?.pos,
    diff: match && !match.ok ? match.diff : undefined,
    message,
    hint,
    captures,
  };
};

function failureReason(block: ShBlock, a: Attempt, ctx: ExecContext): string {
  const { run } = a;
  if (run.aborted) return 'interrupted';
  if (run.timedOut) return `timed out after ${formatDuration(ctx.timeoutMs)}`;
  const expectExit = block.attrs.exit ?? 0;
  if (!a.exitOk) {
    const got = run.exitCode === null ? `killed by ${run.signal ?? 'a signal'}` : `exit code ${explainExitCode(run.exitCode)}`;
    return `${got}, expected ${expectExit}`;
  }
  if (a.match && !a.match.ok && block.expected) return `output differs from ${formatPos(block.expected.pos)}`;
  return 'failed';
}

function failureHint(block: ShBlock, a: Attempt): string | undefined {
  const { run } = a;
  if (run.aborted) return undefined;
  if (run.timedOut) return 'raise the block\'s timeout (`timeout=5m`) or the lab\'s default, or make the command finish sooner';
  if (!a.exitOk && run.exitCode === 127) return 'a command was not found: install it or fix PATH';
  if (!a.exitOk) return block.attrs.exit === undefined ? 'if this exit code is what the lab means, add `exit=N` to the block' : undefined;
  if (a.match && !a.match.ok) return 'see the diff (- expected, + actual); if the new output is right, `kubelab update` rewrites the lab';
  return undefined;
}
