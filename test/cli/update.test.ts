// Which failed blocks `kubelab update` rewrites: data in, data out.
import { describe, expect, it } from 'vitest';
import { planUpdates } from '../../src/cli/commands/update.js';
import { AFTER_FAILED_BLOCK } from '../../src/engine/mismatch.js';
import type { ShBlock } from '../../src/lab/model.js';
import { attrs, FILE, lab, result, runReport, shBlock, step, stepReport } from '../report/events.js';

function withExpected(b: ShBlock, text: string, stream: 'both' | 'stdout' | 'stderr' = 'both'): ShBlock {
  return { ...b, expected: { text, pos: { file: FILE, line: b.pos.line + 4 }, unordered: false, stream, fromConsole: false } };
}

describe('planUpdates', () => {
  it('takes output-only mismatches (with the selected stream) and leaves real failures', () => {
    const mismatch = withExpected(shBlock('s/1', 10, 'echo a'), 'b', 'stdout');
    const wrongExit = withExpected(shBlock('s/2', 20, 'false'), 'x');
    const timedOut = withExpected(shBlock('t/1', 30, 'sleep 9'), 'x');
    const secret = { ...withExpected(shBlock('t/2', 40, 'token'), 'x'), attrs: attrs({ secret: true }) };
    const expectedExit = { ...withExpected(shBlock('u/1', 50, 'exit 3'), 'old'), attrs: attrs({ exit: 3 }) };
    const broken = shBlock('u/2', 60, 'false');
    const later = shBlock('u/3', 70, 'echo later');
    const hint = { ...shBlock('u/4', 80, 'echo hint'), attrs: attrs({ hint: true }) };
    const steps = [step(0, 'S', 8, [mismatch, wrongExit]), step(1, 'T', 28, [timedOut, secret]), step(2, 'U', 48, [expectedExit, broken, later, hint])];
    const l = lab(steps);
    const diff = '-x\n+y\n';
    const report = runReport(l, [
      stepReport(steps[0]!, [result(mismatch, { status: 'failed', diff, stdout: 'a\n', stderr: 'warn\n', output: 'a\nwarn\n' }), result(wrongExit, { status: 'failed', exitCode: 1, diff })]),
      stepReport(steps[1]!, [result(timedOut, { status: 'failed', timedOut: true, exitCode: null, diff }), result(secret, { status: 'failed', diff })]),
      stepReport(steps[2]!, [
        result(expectedExit, { status: 'failed', exitCode: 3, diff, output: 'new\n' }),
        result(broken, { status: 'failed', exitCode: 1 }),
        result(later, { status: 'skipped', message: AFTER_FAILED_BLOCK }),
        result(hint, { status: 'skipped', message: 'hint' }),
      ]),
    ]);
    const { updates, otherFailures, notRun } = planUpdates(l, report);
    expect(updates.map((u) => [u.block.id, u.actual])).toEqual([
      ['s/1', 'a\n'],
      ['u/1', 'new\n'],
    ]);
    expect(otherFailures.map((r) => r.id)).toEqual(['s/2', 't/1', 't/2', 'u/2']);
    // Only blocks stopped by a real failure count as not run (hint blocks never run).
    expect(notRun).toBe(1);
  });
});
