// The cleanup phase, shared by runLab (end of a run), learn mode and `kubelab cleanup` (a journal
// left by a crashed or interrupted run):
//   1. undos registered by the steps, last first: `{cleanup}` blocks the run reached are among
//      them, in their turn, and undos a cleanup block registers run right after it;
//   2. the Cleanup section's blocks, in order;
//   3. undos of the cluster setup (deleting a cluster kubelab created), last first: after the
//      cleanup blocks, which may need the cluster.
// Cleanup blocks go through executeBlock like any block (their timeout, exit code, expected
// output and retry), with `set -u` on: an unset variable fails the block instead of expanding to
// nothing (`rm -rf "$WORKDIR/"*`). Every item is journaled as done when it succeeds; failures are
// reported and kept for a retry.
//
// That order is kept where it matters and no further: undos on independent targets (a node's
// file, a cluster's objects, another node) run at the same time; undos on one target keep their
// last-first order; whatever runs in the shell (`{cleanup}` blocks, `sh` undos, the Cleanup
// section) and deleting a cluster keep their place relative to everything (see undoTarget). Each
// undo was journaled before its action and is marked done only when it succeeded, so a crash
// with several undos under way leaves them all pending for `kubelab cleanup`.
import { performance } from 'node:perf_hooks';
import type { Block, Lab } from '../lab/model.js';
import type { CleanupResult } from '../model/report.js';
import type { Reporter } from '../report/types.js';
import { dispatch } from '../report/types.js';
import type { Journal } from './journal.js';
import type { BlockSession } from './context.js';
import { executeBlock } from './execute.js';
import { runUndo, SERIAL, targetsMeet, undoTarget, type CleanupTarget, type UndoRunOptions } from './undo.js';
import { bashQuote } from './shell.js';
import { describeBlock } from '../blocks/registry.js';

export interface CleanupPhaseInput {
  journal: Journal;
  lab?: Lab;
  /** Why the lab's cleanup blocks are unknown (the lab file could not be read again). */
  labProblem?: string;
  /** The session cleanup blocks run in; opened on first need (the run's own, or a restored one). */
  session: () => Promise<BlockSession>;
  reporters: readonly Reporter[];
  /** Interrupts cleanup itself (only a forced quit does). */
  signal?: AbortSignal;
  progress?: (message: string) => void;
  /** The tools undos reach nodes and clusters with (the run's config). */
  tools?: UndoRunOptions['tools'];
}

type Item = { kind: 'undo'; entry: Journal['stack']['entries'][number] } | { kind: 'block'; block: Block };

export function findBlock(lab: Lab, id: string): Block | undefined {
  for (const step of lab.steps) for (const b of step.blocks) if (b.id === id) return b;
  return lab.cleanup.find((b) => b.id === id);
}

/** A cleanup item's label: what it ran, on one short line. */
export function cleanupLabel(block: Block): string {
  const text = describeBlock(block).trim();
  const first = text.split('\n')[0]!;
  const short = first.length > 72 ? `${first.slice(0, 71)}…` : first;
  return text.includes('\n') ? `${short} …` : short;
}

export async function runCleanupPhase(input: CleanupPhaseInput): Promise<CleanupResult[]> {
  const { journal, lab } = input;
  const done = new Set(journal.data.cleanupDone);
  const blocks: Block[] = [];
  const missing: string[] = [];
  if (lab) {
    // Journals of earlier versions listed reached `{cleanup}` blocks apart from the undos.
    for (const id of [...(journal.data.cleanupBlocks ?? [])].reverse()) {
      const b = findBlock(lab, id);
      if (b) blocks.push(b);
      else missing.push(id);
    }
    blocks.push(...lab.cleanup);
  }
  const items: Item[] = [
    ...journal.stack.toRun('steps').map((entry) => ({ kind: 'undo' as const, entry })),
    ...blocks.filter((b) => !done.has(b.id)).map((block) => ({ kind: 'block' as const, block })),
    ...journal.stack.toRun('setup').map((entry) => ({ kind: 'undo' as const, entry })),
  ];
  const results: CleanupResult[] = [];
  let session: BlockSession | undefined;
  let opening: Promise<BlockSession> | undefined;
  const getSession = (): Promise<BlockSession> =>
    (opening ??= (async () => {
      const s = await input.session();
      await s.shell.run('set -u', { timeoutMs: 10_000 });
      return (session = s);
    })());
  // Items end in any order when they run side by side: reports go out one at a time, as each ends.
  let reported: Promise<void> = Promise.resolve();
  const report = (r: CleanupResult): Promise<void> => {
    const safe = session ? session.redactor.fields(r, ['label', 'message', 'output']) : r;
    results.push(safe);
    return (reported = reported.then(() => dispatch(input.reporters, { kind: 'cleanup-end', result: safe })).catch(() => undefined));
  };
  const problems = [
    ...(input.labProblem ? [input.labProblem] : []),
    ...missing.map((id) => `cleanup block ${id} is no longer in ${journal.data.lab.file}; it was not run`),
  ];
  if (items.length === 0 && problems.length === 0) return results;
  await dispatch(input.reporters, { kind: 'cleanup-start', count: items.length + problems.length });

  /** Runs a cleanup block; returns its output, throws (with `output`) when it did not pass. */
  const runBlock = async (block: Block, cwd?: string): Promise<string> => {
    const s = await getSession();
    if (cwd !== undefined) await s.shell.run(`builtin cd -- ${bashQuote(cwd)}`, { timeoutMs: 10_000 });
    const r = await executeBlock(s, undefined, block, { phase: 'cleanup' });
    if (r.status !== 'passed') throw Object.assign(new Error(r.message ?? `cleanup block ${block.id} ${r.status}`), { output: r.output, hint: r.hint });
    return r.output;
  };
  const undoOptions: UndoRunOptions = {
    tools: input.tools,
    signal: input.signal,
    progress: input.progress,
    shell: async () => (await getSession()).shell,
    runBlock,
  };

  const seen = new Set(items.flatMap((i) => (i.kind === 'undo' ? [i.entry.id] : [])));
  const undosRegisteredSince = () => {
    const fresh = journal.stack.toRun('steps').filter((e) => !seen.has(e.id));
    for (const e of fresh) seen.add(e.id);
    return fresh.map((entry) => ({ kind: 'undo' as const, entry }));
  };
  const runItem = async (item: Item): Promise<void> => {
    const started = performance.now();
    if (item.kind === 'undo') {
      const { entry } = item;
      const pos = entry.undo.kind === 'sh' || entry.undo.kind === 'cleanup-block' ? entry.undo.pos : undefined;
      const source = entry.undo.kind === 'cleanup-block' ? 'cleanup-block' : 'undo';
      try {
        const out = await runUndo(entry.undo, undoOptions);
        journal.markUndo(entry, 'done');
        await report({ label: entry.undo.label, source, status: 'passed', durationMs: performance.now() - started, output: out || undefined, pos });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        journal.markUndo(entry, 'failed', message);
        await report({ label: entry.undo.label, source, status: 'failed', durationMs: performance.now() - started, message, output: (e as { output?: string }).output, pos });
      }
      return;
    }
    const { block } = item;
    try {
      const out = await runBlock(block);
      journal.markCleanupBlockDone(block.id);
      await report({ label: cleanupLabel(block), source: 'cleanup-block', status: 'passed', durationMs: performance.now() - started, output: out || undefined, pos: block.pos });
    } catch (e) {
      await report({ label: cleanupLabel(block), source: 'cleanup-block', status: 'failed', durationMs: performance.now() - started, message: e instanceof Error ? e.message : String(e), output: (e as { output?: string }).output, pos: block.pos });
    }
  };
  const targetOf = (item: Item): CleanupTarget => (item.kind === 'undo' ? undoTarget(item.entry.undo) : SERIAL);

  // Items start in order; each waits only for the earlier items whose targets meet its own. A
  // serial item waits for everything before it, and nothing after it starts until it is done:
  // the undos it registers (a `{cleanup}` block's) run right after it.
  let running: { target: CleanupTarget; done: Promise<void> }[] = [];
  // runItem reports its item's failure itself; a rejection here is the journal failing to write:
  // it ends the phase (as it did when items ran one by one), once what was under way has ended.
  const settle = async () => {
    const ended = await Promise.allSettled(running.map((r) => r.done));
    running = [];
    const broken = ended.find((e) => e.status === 'rejected');
    if (broken) throw broken.reason;
  };
  for (let n = 0; n < items.length; n++) {
    const item = items[n]!;
    const target = targetOf(item);
    if (target.serial) {
      await settle();
      await runItem(item);
      if (item.kind === 'block' || item.entry.undo.kind === 'cleanup-block') items.splice(n + 1, 0, ...undosRegisteredSince());
      continue;
    }
    const before = running.filter((r) => targetsMeet(r.target, target)).map((r) => r.done);
    running.push({ target, done: Promise.allSettled(before).then(() => runItem(item)) });
  }
  await settle();
  await reported;
  for (const message of problems) await report({ label: 'cleanup blocks', source: 'cleanup-block', status: 'failed', durationMs: 0, message });
  return results;
}
