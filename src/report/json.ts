// JSON: the RunReport as is (schema: docs/report-schema.md, docs/report-schema.json). One lab →
// one RunReport object; several labs in one command → an array of them, in the order they ran.
import { UsageError } from '../errors.js';
import type { RunReport } from '../engine/types.js';
import { writeAtomic } from './junit.js';
import type { Reporter, ReporterOptions } from './types.js';

export function createJsonReporter(opts: ReporterOptions = {}): Reporter {
  const file = opts.outputFile;
  if (!file) throw new UsageError('usage', 'the json reporter needs an output file', { hint: 'use --json FILE' });
  const reports: RunReport[] = [];
  return {
    name: 'json',
    async onRunEnd(e) {
      reports.push(e.report);
      const data = reports.length === 1 ? reports[0] : reports;
      await writeAtomic(file, JSON.stringify(data, null, 2) + '\n');
    },
  };
}
