import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/engine/summary.js';
import type { BlockResult, StepReport } from '../../src/engine/types.js';

const block = (status: BlockResult['status'], points?: number): BlockResult => ({
  id: 'x/1', kind: 'sh', pos: { file: 'l.md', line: 1 }, status, command: 'true', timedOut: false, attempts: 1, durationMs: 1, output: '', stdout: '', stderr: '', ...(points === undefined ? {} : { points }),
});
const step = (status: StepReport['status'], blocks: BlockResult[]): StepReport => ({ index: 0, title: 't', slug: 't', pos: { file: 'l.md', line: 1 }, status, durationMs: 1, blocks });

describe('summarize', () => {
  it('counts steps by status and failed cleanups, and points only where blocks carry them', () => {
    const s = summarize(
      [step('passed', [block('passed', 2)]), step('failed', [block('failed', 3)]), step('skipped', []), step('error', [block('error')])],
      [{ label: 'u', source: 'undo', status: 'failed', durationMs: 1 }, { label: 'v', source: 'undo', status: 'passed', durationMs: 1 }],
    );
    expect(s).toEqual({ steps: 4, passed: 1, failed: 1, skipped: 1, errors: 1, cleanupFailures: 1, points: { earned: 2, possible: 5 } });
    expect(summarize([step('passed', [block('passed')])], [])).toEqual({ steps: 1, passed: 1, failed: 0, skipped: 0, errors: 0, cleanupFailures: 0 });
  });
});
