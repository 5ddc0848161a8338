// Finishing one journal left by a run that could not clean up (crash, kill -9, --no-cleanup).
import { readFileSync } from 'node:fs';
import type { Lab } from '../lab/model.js';
import type { CleanupResult, Shell } from './types.js';
import { parseLab } from '../lab/parse.js';
import { Journal, isAlive, type FinishOptions } from './journal.js';
import { runCleanupPhase } from './cleanup-phase.js';
import { executors } from './executors/index.js';
import { Redactor } from './redact.js';
import { openShell } from './shell.js';

export async function finishJournal(path: string, opts: FinishOptions): Promise<CleanupResult[]> {
  let journal: Journal;
  try {
    journal = Journal.load(path);
  } catch (e) {
    return [{ label: `journal ${path}`, source: 'undo', status: 'failed', durationMs: 0, message: `cannot read the journal: ${(e as Error).message}; delete it once you have checked what it protected` }];
  }
  const { data } = journal;
  if (data.pid !== process.pid && isAlive(data.pid)) {
    return [{ label: `run ${data.runId} of ${data.lab.file}`, source: 'undo', status: 'failed', durationMs: 0, message: `that run is still going (process ${data.pid}); let it finish or stop it first` }];
  }
  let lab: Lab | undefined;
  let labProblem: string | undefined;
  try {
    lab = parseLab(readFileSync(data.lab.file, 'utf8'), data.lab.file);
  } catch (e) {
    labProblem = `cannot read ${data.lab.file} again for its cleanup blocks: ${(e as Error).message}`;
  }
  const env = { ...(process.env as Record<string, string>), ...data.vars };
  const redactor = new Redactor();
  let shell: Shell | undefined;
  const signal = opts.signal ?? new AbortController().signal;
  try {
    const results = await runCleanupPhase({
      journal,
      lab,
      labProblem,
      shell: async () => (shell ??= await openShell({ cwd: data.cwd, env })),
      executors,
      context: (block, sh) => ({
        lab: lab!,
        shell: sh,
        vars: { ...data.vars },
        registerUndo: async (undo) => journal.registerUndo(undo),
        dropUndo: async (id) => journal.dropUndo(id),
        signal,
        timeoutMs: block.attrs.timeout ?? lab?.timeout ?? 120_000,
        progress: () => undefined,
      }),
      reporters: opts.reporters ?? [],
      redactor,
      signal,
    });
    if (results.every((r) => r.status === 'passed') && journal.stack.unfinished === 0) journal.remove();
    return results;
  } finally {
    await shell?.close();
  }
}
