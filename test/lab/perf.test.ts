import { describe, expect, it } from 'vitest';
import { lintLab, parseLab } from '../../src/lab/parse.js';

/** A lab with `n` steps, each with prose, a named command, its output and a console block. */
export function generateLab(n: number): string {
  const parts = ['---', 'title: Big', 'timeout: 90s', '---', '# Big lab', '', 'Intro.', ''];
  for (let i = 0; i < n; i++) {
    parts.push(`## Step ${i}`, '', 'Run the *command* and check `it`.', '', `\`\`\`sh { name=s${i} timeout=30s }`, `echo hello ${i}`, '```', '```output', `hello ${i}`, '```', '', '```console', '$ echo a', 'a', '$ echo b', 'b', '```', '');
  }
  parts.push('## Cleanup', '', '```sh', 'echo bye', '```', '');
  return parts.join('\n');
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

// Speed targets (300 ms for 5,000 steps) are measured by bench/index.ts, not asserted here: a test
// suite running in parallel on a loaded CI machine cannot time things reliably. What stays here is
// behaviour: a big lab parses right, and the cost grows linearly (a quadratic step shows as a
// ratio 16x bigger than a linear one, far beyond any load noise).
describe('performance', () => {
  it('parses and lints a 5,000-step lab', () => {
    const src = generateLab(5000);
    let lab;
    const ms = time(() => {
      lab = parseLab(src, 'big.md');
      lintLab(src, 'big.md');
    });
    console.log(`parse + lint of 5,000 steps (${(src.length / 1024).toFixed(0)} KiB): ${ms.toFixed(0)} ms`);
    expect(lab!.steps).toHaveLength(5000);
    const heading = src.split('\n').indexOf('## Step 4999');
    expect(lab!.steps[4999]!.blocks.map((b: { pos: { line: number } }) => b.pos.line)).toEqual([heading + 5, heading + 13, heading + 15]);
  });

  it('grows linearly: 16x the steps costs well under 16x squared', () => {
    const small = generateLab(500);
    const big = generateLab(8000);
    parseLab(small + ' ', 'warm.md');
    // The fastest of a few runs: the one least disturbed by other processes and GC.
    const tSmall = Math.min(...[1, 2, 3, 4, 5].map((k) => time(() => lintLab(small + ' '.repeat(k), 's.md'))));
    const tBig = Math.min(...[1, 2, 3].map((k) => time(() => lintLab(big + ' '.repeat(k), 'b.md'))));
    console.log(`500 steps: ${tSmall.toFixed(1)} ms, 8,000 steps: ${tBig.toFixed(0)} ms (x${(tBig / tSmall).toFixed(1)}; linear 16, quadratic 256)`);
    expect(tBig / tSmall).toBeLessThan(64);
  }, 120_000);
});
