// analyzeLab: the lab and its lint findings from one pass; nothing remembered between calls.
import { describe, expect, it } from 'vitest';
import { analyzeLab, lintLab, parseLab } from '../../src/lab/parse.js';

const clean = '# Lab\n\n## Step one\n\n```sh\necho hi\n```\n\n```output\nhi\n```\n';
const warned = '# Lab\n\n## Step one\n\n```sh { points=2 }\necho hi\n```\n';
const broken = '# Lab\n\n## Step one\n\n```sh { timeout=banana }\necho hi\n```\n';

describe('analyzeLab', () => {
  it.each([
    ['a clean lab', clean],
    ['a lab with findings', warned],
    ['a lab with an error', broken],
    ['a lab without steps', '# Only prose\n\nNothing to run.\n'],
  ])('%s: the diagnostics are lintLab’s, the model is parseLab’s when it parses', (_what, source) => {
    const a = analyzeLab(source, 'lab.md');
    expect(a.diagnostics).toEqual(lintLab(source, 'lab.md'));
    const errors = a.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'no-steps');
    if (errors.length) expect(() => parseLab(source, 'lab.md')).toThrow(errors[0]!.message);
    else expect(a.lab).toEqual(parseLab(source, 'lab.md'));
  });

  it('keeps no state between calls: each caller gets its own model and findings', () => {
    const first = analyzeLab(warned, 'lab.md');
    // What one caller does to its results never shows in another's.
    first.lab.steps[0]!.title = 'changed';
    first.lab.steps[0]!.blocks.length = 0;
    first.diagnostics[0]!.pos.line = 999;
    first.diagnostics.length = 0;
    const parsed = parseLab(warned, 'lab.md');
    expect(parsed.steps[0]!.title).toBe('Step one');
    expect(parsed.steps[0]!.blocks).toHaveLength(1);
    const again = analyzeLab(warned, 'lab.md');
    expect(again.diagnostics.length).toBeGreaterThan(0);
    expect(again.diagnostics[0]!.pos.line).not.toBe(999);
    expect(parseLab(warned, 'lab.md')).not.toBe(parsed);
  });

  it('a finding’s position is its own, not a block’s', () => {
    const a = analyzeLab(warned, 'lab.md');
    for (const d of a.diagnostics) for (const b of a.lab.steps.flatMap((s) => s.blocks)) expect(d.pos).not.toBe(b.pos);
  });
});
