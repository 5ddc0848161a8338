// Compact: one character per step, in step order (. passed, F failed, E error, s skipped, also
// the steps that never started: `--from`, after a failure, an interrupt), then the failures in
// full and the summary. Quiet, but never hides the failing output.
import type { BlockResult, StepStatus } from '../engine/types.js';
import type { Lab } from '../lab/model.js';
import type { Reporter, ReporterOptions } from './types.js';
import { boundBlockResult } from './bound.js';
import { colorEnabled, painter } from './color.js';
import { formatBlockFailure, formatCleanup, formatSummary } from './terminal.js';
import { safeStream } from './stream.js';

export function createDotReporter(opts: ReporterOptions = {}): Reporter {
  const stream = safeStream(opts.stream ?? process.stdout);
  const env = opts.env ?? process.env;
  const isTTY = opts.isTTY ?? (stream as { isTTY?: boolean }).isTTY === true;
  const paint = painter(colorEnabled({ color: opts.color, isTTY, env }));
  const char = (s: StepStatus) => (s === 'passed' ? paint('green', '.') : s === 'skipped' ? paint('dim', 's') : s === 'failed' ? paint('red', 'F') : paint('red', 'E'));
  let failures: BlockResult[] = [];
  let lab: Lab | undefined;
  // Steps 0..shown-1 have their character; a step that starts later fills the gap with `s`.
  let shown = 0;
  return {
    name: 'dot',
    onRunStart(e) {
      failures = [];
      lab = e.lab;
      shown = 0;
    },
    onStepStart(e) {
      if (e.index > shown) stream.write(char('skipped').repeat(e.index - shown));
      shown = Math.max(shown, e.index);
    },
    onBlockEnd(e) {
      if (e.result.status === 'failed' || e.result.status === 'error') failures.push(boundBlockResult(e.result, opts));
    },
    onStepEnd(e) {
      stream.write(char(e.report.status));
      shown = Math.max(shown, e.report.index + 1);
    },
    onCleanupEnd(e) {
      if (e.result.status === 'failed') stream.write('\n' + formatCleanup(e.result, paint, lab, opts.maxOutputBytes));
    },
    onRunEnd(e) {
      // The steps that never started, unless the run could not start at all (the error says it).
      if (!(e.report.error && shown === 0)) stream.write(e.report.steps.slice(shown).map((s) => char(s.status)).join(''));
      stream.write('\n');
      for (const f of failures) stream.write(formatBlockFailure(f, paint, opts.maxOutputBytes));
      stream.write(formatSummary(e.report, paint));
    },
  };
}
