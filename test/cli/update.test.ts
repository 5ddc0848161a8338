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
    const { updates, refused, otherFailures, notRun } = planUpdates(l, report);
    expect(updates.map((u) => [u.block.id, u.actual])).toEqual([
      ['s/1', 'a\n'],
      ['u/1', 'new\n'],
    ]);
    // A secret block's output is never written, and it says so (issue 8).
    expect(refused.map((r) => [r.block.id, r.reason])).toEqual([['t/2', expect.stringMatching(/secret/)]]);
    expect(otherFailures.map((r) => r.id)).toEqual(['s/2', 't/1', 'u/2']);
    // Only blocks stopped by a real failure count as not run (hint blocks never run).
    expect(notRun).toBe(1);
  });

  it('holds back every later mismatch once a block that sets captures failed, whatever the reason (issue 8)', () => {
    const before = withExpected(shBlock('s/1', 10, 'echo early'), 'old');
    const pods = withExpected(shBlock('s/2', 20, 'kubectl get pod'), '{{pod}} Running\nstale');
    const same = withExpected(shBlock('s/3', 30, 'echo $pod'), 'web-1');
    const later = withExpected(shBlock('t/1', 40, 'kubectl logs $pod'), 'hello');
    const steps = [step(0, 'S', 8, [before, pods, same]), step(1, 'T', 38, [later])];
    const l = lab(steps);
    const diff = '-x\n+y\n';
    const report = runReport(l, [
      stepReport(steps[0]!, [
        result(before, { status: 'failed', diff, output: 'early\n' }),
        result(pods, { status: 'failed', diff, output: 'web-1 Running\nfresh\n' }),
        result(same, { status: 'failed', diff, output: '\n' }),
      ]),
      stepReport(steps[1]!, [result(later, { status: 'failed', diff, output: 'error: no pod\n' })]),
    ]);
    const plan = planUpdates(l, report);
    // The block itself is rewritten (its capture line still matches: see rewriteLab), earlier ones too.
    expect(plan.updates.map((u) => u.block.id)).toEqual(['s/1', 's/2']);
    expect(plan.refused.map((r) => r.block.id)).toEqual(['s/3', 't/1']);
    expect(plan.refused[0]!.reason).toMatch(/after s\/2 \(labs\/demo\.md:20\).*\{\{pod\}\}/);
    expect(plan.refused[0]!.hint).toMatch(/kubelab update labs\/demo\.md/);

    // Captures that were set (a future engine may set them after an output-only mismatch) hold nothing back.
    const set = runReport(l, [
      stepReport(steps[0]!, [
        result(before, { status: 'failed', diff, output: 'early\n' }),
        result(pods, { status: 'failed', diff, output: 'web-1 Running\nfresh\n', captures: { pod: 'web-1' } }),
        result(same, { status: 'failed', diff, output: 'web-2\n' }),
      ]),
      stepReport(steps[1]!, [result(later, { status: 'failed', diff, output: 'hi\n' })]),
    ]);
    expect(planUpdates(l, set).updates.map((u) => u.block.id)).toEqual(['s/1', 's/2', 's/3', 't/1']);

    // A capturing block that did not run because an earlier block of its step failed sets nothing either.
    const broken = shBlock('s/0', 5, 'false');
    const steps2 = [step(0, 'S', 4, [broken, pods]), step(1, 'T', 38, [later])];
    const l2 = lab(steps2);
    const skipped = runReport(l2, [
      stepReport(steps2[0]!, [result(broken, { status: 'failed', exitCode: 1 }), result(pods, { status: 'skipped', message: AFTER_FAILED_BLOCK })]),
      stepReport(steps2[1]!, [result(later, { status: 'failed', diff, output: 'error: no pod\n' })]),
    ]);
    expect(planUpdates(l2, skipped).refused.map((r) => r.block.id)).toEqual(['t/1']);
  });
});
