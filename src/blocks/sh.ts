// The `sh` block (and each command of a `console` block): run the command in the lab's shell and
// judge its exit code and expected output. Its undo kind `sh` runs a journaled command.
import type { ShBlock } from '../lab/model.js';
import type { ExecContext, ExecOutcome, ShellRunResult } from '../engine/types.js';
import type { Undo } from '../model/undo.js';
import type { BlockModule, UndoHandler } from './types.js';
import { matchOutput, type MatchResult } from '../match/index.js';
import { formatPos } from '../errors.js';
import { formatDuration } from '../format.js';
import { explainExitCode } from '../node/process.js';
import { bashQuote } from '../engine/shell.js';

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

async function execute(block: ShBlock, ctx: ExecContext): Promise<ExecOutcome> {
  const run = await ctx.shell.run(block.command, {
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    onOutput: ctx.onOutput,
    // Compared as a terminal shows it: one pipe, so the order of stdout and stderr is exact.
    mergeStreams: block.expected?.stream === 'both',
  });
  const attempt = judge(block, run);
  const passed = attempt.exitOk && (attempt.match?.ok ?? true);
  // A block whose only problem is its output still reports what its matching lines captured;
  // executeBlock sets them only where the session's policy says so (update).
  const found = passed ? attempt.match?.captures : attempt.exitOk ? attempt.match?.partialCaptures : undefined;
  const captures = found && Object.keys(found).length ? found : undefined;
  let hint = passed ? undefined : failureHint(block, attempt);
  if (run.notice) hint = hint ? `${hint}; ${run.notice}` : run.notice;
  return {
    status: passed ? 'passed' : 'failed',
    command: block.command,
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    aborted: run.aborted,
    notice: run.notice,
    durationMs: run.durationMs,
    output: run.output,
    stdout: run.stdout,
    stderr: run.stderr,
    expected: block.expected?.text,
    expectedPos: block.expected?.pos,
    diff: attempt.match && !attempt.match.ok ? attempt.match.diff : undefined,
    message: passed ? undefined : failureReason(block, attempt, ctx),
    hint,
    captures,
  };
}

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

const SH_UNDO_TIMEOUT_MS = 120_000;

/** A journaled command (`sh` undo), run in the lab's shell from the directory it was registered in. */
export const shUndo: UndoHandler<Extract<Undo, { kind: 'sh' }>> = async (undo, opts) => {
  if (!opts.shell) throw new Error(`no shell to run \`${undo.command}\` in`);
  const shell = await opts.shell();
  for (const [k, v] of Object.entries(undo.env)) await shell.setEnv(k, v);
  const command = `if builtin cd -- ${bashQuote(undo.cwd)}; then\n${undo.command}\nfi`;
  const r = await shell.run(command, { timeoutMs: SH_UNDO_TIMEOUT_MS, signal: opts.signal, mergeStreams: true });
  if (r.exitCode !== 0) {
    const why = r.timedOut ? `timed out after ${formatDuration(SH_UNDO_TIMEOUT_MS)}` : `exit code ${r.exitCode ?? r.signal}`;
    throw Object.assign(new Error(`${why}: ${undo.command}`), { output: r.output });
  }
  return r.output;
};

/** A `{cleanup}` block reached by the run: executed like a Cleanup section block, in its turn. */
export const cleanupBlockUndo: UndoHandler<Extract<Undo, { kind: 'cleanup-block' }>> = async (undo, opts) => {
  if (!opts.runBlock) throw new Error(`cannot run cleanup block ${undo.block.id} here`);
  return opts.runBlock(undo.block, undo.cwd);
};

export const shBlock: BlockModule<ShBlock> = {
  kind: 'sh',
  attrs: ['exit', 'stream', 'unordered'],
  mutates: false,
  ownsTimeout: true,
  describe: (block) => block.command,
  execute,
  undo: { sh: shUndo, 'cleanup-block': cleanupBlockUndo },
};
