// Compact: one character per step (. passed, F failed, E error, s skipped), then the failures in
// full and the summary. Quiet, but never hides the failing output.
import type { BlockResult } from '../engine/types.js';
import type { Reporter, ReporterOptions } from './types.js';
import { colorEnabled, painter } from './color.js';
import { formatBlockFailure, formatCleanup, formatSummary } from './terminal.js';

export function createDotReporter(opts: ReporterOptions = {}): Reporter {
  const stream = opts.stream ?? process.stdout;
  const env = opts.env ?? process.env;
  const isTTY = opts.isTTY ?? (stream as { isTTY?: boolean }).isTTY === true;
  const paint = painter(colorEnabled({ color: opts.color, isTTY, env }));
  let failures: BlockResult[] = [];
  return {
    name: 'dot',
    onRunStart() {
      failures = [];
    },
    onBlockEnd(e) {
      if (e.result.status === 'failed' || e.result.status === 'error') failures.push(e.result);
    },
    onStepEnd(e) {
      const s = e.report.status;
      stream.write(s === 'passed' ? paint('green', '.') : s === 'skipped' ? paint('dim', 's') : s === 'failed' ? paint('red', 'F') : paint('red', 'E'));
    },
    onCleanupEnd(e) {
      if (e.result.status === 'failed') stream.write('\n' + formatCleanup(e.result, paint));
    },
    onRunEnd(e) {
      stream.write('\n');
      for (const f of failures) stream.write(formatBlockFailure(f, paint));
      stream.write(formatSummary(e.report, paint));
    },
  };
}
