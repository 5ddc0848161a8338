// The learner fixtures parse with the real parser into the shapes the learner tests rely on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/parse.js';
import { mainBlocks, verifyBlocks } from '../../src/learn/session.js';

describe('test/fixtures/learn/basics.md', () => {
  it('has three steps: run, verify with hint and solution, expected output', () => {
    const lab = parseLab(readFileSync('test/fixtures/learn/basics.md', 'utf8'), 'test/fixtures/learn/basics.md');
    if (process.env.DUMP) console.log(JSON.stringify(lab, null, 1));
    expect(lab.cluster.provider).toBe('none');
    expect(lab.steps.map((s) => s.title)).toEqual(['Say hello', 'Make a file', 'Count lines']);
    expect(mainBlocks(lab.steps[0]!)).toHaveLength(1);
    expect(verifyBlocks(lab.steps[1]!)).toHaveLength(1);
    expect(lab.steps[1]!.blocks.filter((b) => b.attrs.hint)).toHaveLength(1);
    expect(lab.steps[1]!.blocks.filter((b) => b.attrs.solution)).toHaveLength(1);
    expect(lab.cleanup).toHaveLength(1);
  });
});
