// The counts a RunReport carries in `summary`, derived from its steps and cleanup results.
import type { CleanupResult, RunReport, StepReport, StepStatus } from './types.js';

export function summarize(steps: readonly StepReport[], cleanup: readonly CleanupResult[]): RunReport['summary'] {
  const count = (s: StepStatus) => steps.filter((r) => r.status === s).length;
  const blocks = steps.flatMap((s) => s.blocks);
  const possible = blocks.reduce((n, b) => n + (b.points ?? 0), 0);
  const earned = blocks.reduce((n, b) => n + (b.status === 'passed' ? (b.points ?? 0) : 0), 0);
  return {
    steps: steps.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    errors: count('error'),
    cleanupFailures: cleanup.filter((c) => c.status === 'failed').length,
    ...(possible > 0 ? { points: { earned, possible } } : {}),
  };
}
