// The cleanup phase, shared by runLab (end of a run) and finishJournals (`kubelab cleanup`):
//   1. undos registered by the steps, last first;
//   2. `cleanup`-flagged blocks the run reached (last first), then the Cleanup section in order;
//   3. undos of the cluster setup (deleting a cluster kubelab created), last first -- after the
//      cleanup blocks, which may need the cluster.
// Every item is journaled as done when it succeeds; failures are reported and kept for a retry.
import type { Block, Lab } from '../lab/model.js';
import type { CleanupResult, ExecContext, Executors, Shell } from './types.js';
import type { Reporter } from '../report/types.js';
import { dispatch } from '../report/types.js';
import type { Journal } from './journal.js';
import type { Redactor } from './redact.js';
import { runUndo } from './undo.js';
import { performance } from 'node:perf_hooks';

export interface CleanupPhaseInput {
  journal: Journal;
  lab?: Lab;
  /** Why the lab's cleanup blocks are unknown (the lab file could not be read again). */
  labProblem?: string;
  shell: () => Promise<Shell>;
  executors: Executors;
  context: (block: Block, shell: Shell) => ExecContext;
  reporters: readonly Reporter[];
  redactor: Redactor;
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

type Item = { kind: 'undo'; entry: Journal['stack']['entries'][number] } | { kind: 'block'; block: Block };

export function findBlock(lab: Lab, id: string): Block | undefined {
  for (const step of lab.steps) for (const b of step.blocks) if (b.id === id) return b;
  return lab.cleanup.find((b) => b.id === id);
}

export async function runCleanupPhase(input: CleanupPhaseInput): Promise<CleanupResult[]> {
  const { journal, lab, redactor } = input;
  const done = new Set(journal.data.cleanupDone);
  const blocks: Block[] = [];
  const missing: string[] = [];
  if (lab) {
    for (const id of [...journal.data.cleanupBlocks].reverse()) {
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
  const report = async (r: CleanupResult) => {
    const safe = redactor.fields(r, ['label', 'message', 'output']);
    results.push(safe);
    await dispatch(input.reporters, { kind: 'cleanup-end', result: safe });
  };
  const problems = [
    ...(input.labProblem ? [input.labProblem] : []),
    ...missing.map((id) => `cleanup block ${id} is no longer in ${journal.data.lab.file}; it was not run`),
  ];
  if (items.length === 0 && problems.length === 0) return results;
  await dispatch(input.reporters, { kind: 'cleanup-start', count: items.length + problems.length });

  let shell: Shell | undefined;
  const getShell = async () => (shell ??= await input.shell());
  const seen = new Set(items.flatMap((i) => (i.kind === 'undo' ? [i.entry.id] : [])));
  for (let n = 0; n < items.length; n++) {
    const item = items[n]!;
    if (item.kind === 'block' && n + 1 < items.length && items[n + 1]!.kind !== 'block') {
      // Undos that cleanup blocks registered run right after them, before the setup undos.
      const fresh = journal.stack.toRun('steps').filter((e) => !seen.has(e.id));
      for (const e of fresh) seen.add(e.id);
      items.splice(n + 1, 0, ...fresh.map((entry) => ({ kind: 'undo' as const, entry })));
    }
    const started = performance.now();
    if (item.kind === 'undo') {
      const { entry } = item;
      try {
        const out = await runUndo(entry.undo, { signal: input.signal, progress: input.progress, shell: entry.undo.kind === 'sh' ? await getShell() : undefined });
        journal.markUndo(entry, 'done');
        await report({ label: entry.undo.label, source: 'undo', status: 'passed', durationMs: performance.now() - started, output: out || undefined, pos: entry.undo.kind === 'sh' ? entry.undo.pos : undefined });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        journal.markUndo(entry, 'failed', message);
        const output = (e as { output?: string }).output;
        await report({ label: entry.undo.label, source: 'undo', status: 'failed', durationMs: performance.now() - started, message, output, pos: entry.undo.kind === 'sh' ? entry.undo.pos : undefined });
      }
      continue;
    }
    const { block } = item;
    const label = `cleanup block ${block.id}`;
    try {
      const sh = await getShell();
      const exec = input.executors[block.kind] as (b: Block, c: ExecContext) => ReturnType<Executors['sh']>;
      const out = await exec(block, input.context(block, sh));
      const passed = out.status === 'passed';
      if (passed) journal.markCleanupBlockDone(block.id);
      await report({ label, source: 'cleanup-block', status: passed ? 'passed' : 'failed', durationMs: performance.now() - started, message: passed ? undefined : out.message, output: out.output || undefined, pos: block.pos });
    } catch (e) {
      await report({ label, source: 'cleanup-block', status: 'failed', durationMs: performance.now() - started, message: e instanceof Error ? e.message : String(e), pos: block.pos });
    }
  }
  for (const message of problems) await report({ label: 'cleanup blocks', source: 'cleanup-block', status: 'failed', durationMs: 0, message });
  return results;
}
