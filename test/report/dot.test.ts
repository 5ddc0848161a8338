import { describe, expect, it } from 'vitest';
import { createDotReporter } from '../../src/report/dot.js';
import type { RunEvent } from '../../src/engine/types.js';
import { capture, play } from './capture.js';
import { lab, result, runReport, sampleRun, shBlock, step, stepReport, eventsOf } from './events.js';

/** The events the runner emits: none for steps it never starts (before --from, after a failure). */
function withoutSteps(events: RunEvent[], indexes: number[]): RunEvent[] {
  const skip = (e: RunEvent) => ('step' in e && indexes.includes(e.step.index)) || (e.kind === 'step-start' && indexes.includes(e.index));
  return events.filter((e) => !skip(e));
}

function fourSteps() {
  const blocks = [1, 2, 3, 4].map((n) => shBlock(`s${n}/1`, n * 10, `echo ${n}`));
  const steps = blocks.map((b, i) => step(i, `Step ${i + 1}`, i * 10 + 8, [b]));
  return { l: lab(steps), blocks, steps };
}

describe('dot reporter', () => {
  it('prints one character per step, also for the steps that never started after a failure (.Fss)', async () => {
    const { l, blocks, steps } = fourSteps();
    const report = runReport(l, [
      stepReport(steps[0]!, [result(blocks[0]!)]),
      stepReport(steps[1]!, [result(blocks[1]!, { status: 'failed', message: 'exit code 1', exitCode: 1 })]),
      stepReport(steps[2]!, [result(blocks[2]!, { status: 'skipped', message: 'an earlier step failed' })], 'skipped'),
      stepReport(steps[3]!, [result(blocks[3]!, { status: 'skipped', message: 'an earlier step failed' })], 'skipped'),
    ]);
    const out = capture();
    await play(createDotReporter({ stream: out, isTTY: false, env: {} }), withoutSteps(eventsOf(l, report), [2, 3]));
    expect(out.text().split('\n')[0]).toBe('.Fss');
    expect(out.text()).toContain('exit code 1');
  });

  it('puts the steps before --from first, in step order (ss..)', async () => {
    const { l, blocks, steps } = fourSteps();
    const report = runReport(l, [
      stepReport(steps[0]!, [result(blocks[0]!, { status: 'skipped' })], 'skipped'),
      stepReport(steps[1]!, [result(blocks[1]!, { status: 'skipped' })], 'skipped'),
      stepReport(steps[2]!, [result(blocks[2]!)]),
      stepReport(steps[3]!, [result(blocks[3]!)]),
    ]);
    const out = capture();
    await play(createDotReporter({ stream: out, isTTY: false, env: {} }), withoutSteps(eventsOf(l, report), [0, 1]));
    expect(out.text().split('\n')[0]).toBe('ss..');
  });

  it('shows the failures and the summary of the sample run', async () => {
    const out = capture();
    await play(createDotReporter({ stream: out, isTTY: false, env: {} }), sampleRun().events);
    expect(out.text().split('\n')[0]).toMatch(/^\.Fs/);
    expect(out.text()).toContain('FAILED Demo lab');
  });
});
