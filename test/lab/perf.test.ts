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

describe('performance', () => {
  it('parse + lint of a 5,000-step lab', () => {
    const src = generateLab(5000);
    let lab;
    const ms = time(() => {
      lab = parseLab(src, 'big.md');
      lintLab(src, 'big.md');
    });
    console.log(`parse + lint of 5,000 steps (${(src.length / 1024).toFixed(0)} KiB): ${ms.toFixed(0)} ms`);
    expect(lab!.steps).toHaveLength(5000);
    expect(lab!.steps[4999]!.blocks.map((b) => b.pos.line)).toEqual([src.split('\n').indexOf('## Step 4999') + 5, src.split('\n').indexOf('## Step 4999') + 13, src.split('\n').indexOf('## Step 4999') + 15]);
    // The budget is 300 ms on an idle machine (see the log line). This bound only catches
    // pathological slowdowns on a loaded CI box; the linear-growth test below catches quadratic ones.
    expect(ms).toBeLessThan(3000);
  });

  it('grows linearly: 8x the steps costs well under 8x squared', () => {
    const small = generateLab(1000);
    const big = generateLab(8000);
    parseLab(small + ' ', 'warm.md');
    const tSmall = Math.min(...[1, 2, 3].map((k) => time(() => lintLab(small + ' '.repeat(k), 's.md'))));
    const tBig = Math.min(...[1, 2].map((k) => time(() => lintLab(big + ' '.repeat(k), 'b.md'))));
    console.log(`1,000 steps: ${tSmall.toFixed(0)} ms, 8,000 steps: ${tBig.toFixed(0)} ms`);
    expect(tBig / tSmall).toBeLessThan(24);
  });
});
