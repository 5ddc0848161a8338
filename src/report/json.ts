// JSON: the RunReport (schema: docs/report-schema.md, docs/report-schema.json), with each block's
// output bounded to its tail (src/report/bound.ts). One lab → one RunReport object; several labs
// in one command → an array of them, in the order they ran. A run over Kubernetes versions or a
// shard (`runSet` given) → a RunSet: the runs, the plan and the version × step matrix. The target
// is checked when the reporter is made (before the run) and written atomically after each lab
// (and by finish() when no lab ended, so a shard with nothing to run still writes its run set); a failed write is
// kept for the CLI (problems()), never thrown into the run.
import { UsageError, type KubelabError } from '../errors.js';
import type { RunSet } from '../model/report.js';
import { runSet } from '../versions/matrix.js';
import { boundReport, type BoundedRunReport } from './bound.js';
import { checkReportTarget, writeReportFile } from './file.js';
import type { Reporter, ReporterOptions } from './types.js';

export interface JsonReporterOptions extends ReporterOptions {
  /** Write a RunSet of these labs and planned pairs (`kubelab run --kubernetes`/`--shard`). */
  runSet?: Pick<RunSet, 'labs' | 'pairs' | 'shard'>;
}

export type JsonReporter = Reporter & {
  /** Write the file if no run has ended (an empty run set or array); else it is written already. */
  finish(): Promise<void>;
};

export function createJsonReporter(opts: JsonReporterOptions = {}): JsonReporter {
  const file = opts.outputFile;
  if (!file) throw new UsageError('usage', 'the json reporter needs an output file', { hint: 'use --json FILE' });
  checkReportTarget(file, 'json');
  const reports: BoundedRunReport[] = [];
  let problem: KubelabError | undefined;
  let written = false;
  const write = async () => {
    written = true;
    const data = opts.runSet ? runSet({ ...opts.runSet, runs: reports }) : reports.length === 1 ? reports[0] : reports;
    problem = await writeReportFile(file, JSON.stringify(data, null, 2) + '\n', 'json').then(
      () => undefined,
      (err: KubelabError) => err,
    );
  };
  return {
    name: 'json',
    async onRunEnd(e) {
      reports.push(boundReport(e.report, opts));
      await write();
    },
    finish: async () => (written ? undefined : write()),
    problems: () => (problem ? [problem] : []),
  };
}
