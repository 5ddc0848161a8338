// JSON: the RunReport (schema: docs/report-schema.md, docs/report-schema.json), with each block's
// output bounded to its tail (src/report/bound.ts). One lab → one RunReport object; several labs
// in one command → an array of them, in the order they ran. The target is checked when the
// reporter is made (before the run) and written atomically after each lab; a failed write is
// kept for the CLI (problems()), never thrown into the run.
import { UsageError, type KubelabError } from '../errors.js';
import { boundReport, type BoundedRunReport } from './bound.js';
import { checkReportTarget, writeReportFile } from './file.js';
import type { Reporter, ReporterOptions } from './types.js';

export function createJsonReporter(opts: ReporterOptions = {}): Reporter {
  const file = opts.outputFile;
  if (!file) throw new UsageError('usage', 'the json reporter needs an output file', { hint: 'use --json FILE' });
  checkReportTarget(file, 'json');
  const reports: BoundedRunReport[] = [];
  let problem: KubelabError | undefined;
  return {
    name: 'json',
    async onRunEnd(e) {
      reports.push(boundReport(e.report, opts));
      const data = reports.length === 1 ? reports[0] : reports;
      problem = await writeReportFile(file, JSON.stringify(data, null, 2) + '\n', 'json').then(
        () => undefined,
        (err: KubelabError) => err,
      );
    },
    problems: () => (problem ? [problem] : []),
  };
}
