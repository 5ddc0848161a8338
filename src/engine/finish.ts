// `kubelab cleanup`: finishing the journals left by runs that could not clean up (a crash, kill -9,
// --no-cleanup, a third Ctrl-C). First the dead run's lab shell and its jobs are ended (they may
// still be changing things); then cleanup runs in a shell restored from the run's state snapshot,
// so cleanup blocks see the variables and functions they would have seen in the run.
import type { Lab } from '../lab/model.js';
import type { CleanupResult } from '../model/report.js';
import type { Reporter } from '../report/types.js';
import type { Shell } from './types.js';
import type { BlockSession } from './context.js';
import { readFileSync } from 'node:fs';
import { parseLab } from '../lab/parse.js';
import { decodeLabSource } from '../lab/source.js';
import { Journal, isAlive, listJournals } from './journal.js';
import { runCleanupPhase } from './cleanup-phase.js';
import { Redactor } from './redact.js';
import { defaultConfig, type KubelabConfig } from '../config.js';
import { openShell } from './shell.js';
import { endProcessGroups } from './procs.js';
import { journalUndoSink } from './journal-sink.js';

export interface FinishOptions {
  stateDir: string;
  /** Base environment of a restored shell (the CLI's config; default defaultConfig().env). */
  env?: Record<string, string>;
  /** Tools to reach nodes and clusters (the CLI's config; default defaultConfig().tools). */
  tools?: KubelabConfig['tools'];
  reporters?: Reporter[];
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

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
  if (data.pid !== process.pid && data.processGroups?.length) {
    // The run died; its shell, the block it ran and that block's background jobs may not have.
    const { found } = await endProcessGroups(data.processGroups, { graceMs: 2000 });
    if (found > 0) opts.progress?.(`ended what was left running of run ${data.runId} (${found} process group(s))`);
  }
  let lab: Lab | undefined;
  let labProblem: string | undefined;
  if (data.cleanupSection) {
    // The Cleanup section as the run knew it, whatever became of the file since.
    lab = { file: data.lab.file, source: '', title: data.lab.title, id: data.lab.id, cluster: { provider: 'none' }, vars: {}, timeout: 120_000, steps: [], cleanup: data.cleanupSection };
  } else {
    try {
      lab = parseLab(decodeLabSource(readFileSync(data.lab.file), data.lab.file), data.lab.file);
    } catch (e) {
      labProblem = `cannot read ${data.lab.file} again for its cleanup blocks: ${(e as Error).message}`;
    }
  }
  const redactor = new Redactor();
  let shell: Shell | undefined;
  const signal = opts.signal ?? new AbortController().signal;
  const session = async (): Promise<BlockSession> => {
    // The run's variables, functions and options, as its last block left them.
    shell ??= await openShell({ cwd: data.cwd, env: { ...(opts.env ?? defaultConfig().env), ...data.vars }, restore: journal.shellState() });
    return {
      lab: lab ?? ({ file: data.lab.file, timeout: 120_000 } as Lab),
      shell,
      vars: { ...data.vars },
      undo: journalUndoSink(journal),
      signal,
      redactor,
      progress: (m) => opts.progress?.(redactor.redact(m)),
    };
  };
  try {
    const results = await runCleanupPhase({ journal, lab, labProblem, session, reporters: opts.reporters ?? [], signal, progress: opts.progress, tools: opts.tools ?? defaultConfig().tools });
    if (results.every((r) => r.status === 'passed') && journal.stack.unfinished === 0) journal.remove();
    return results;
  } finally {
    await shell?.close();
  }
}

/**
 * Finish every unfinished journal of a state directory (newest first). A journal is removed when
 * everything in it succeeded; failures are returned, never hidden.
 */
export async function finishJournals(opts: FinishOptions): Promise<CleanupResult[]> {
  const results: CleanupResult[] = [];
  for (const path of listJournals(opts.stateDir)) results.push(...(await finishJournal(path, opts)));
  return results;
}
