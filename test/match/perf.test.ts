import { describe, expect, it } from 'vitest';
import type { ExpectedOutput } from '../../src/lab/model.js';
import { matchText } from '../../src/match/index.js';

const exp = (text: string, unordered = false): ExpectedOutput => ({ text, pos: { file: 'bench.md', line: 1 }, unordered, stream: 'both', fromConsole: false });

// A 500-step lab's worth of typical blocks: kubectl tables with ..., captures and (re) lines.
function typicalBlock(k: number): { expected: ExpectedOutput; actual: string } {
  const rows = Array.from({ length: 20 }, (_, r) => `web-${k}-${r}   1/1     Running   0          ${r + 5}s`);
  const actual = ['NAME          READY   STATUS    RESTARTS   AGE', ...rows].join('\n') + '\n';
  const expected = ['NAME ... AGE', '...', `web-${k}-7   1/1     Running   0          ... (re)`.replace(' ... (re)', ' \\d+s (re)'), `{{pod}}   1/1     Running   0          ...`, '...'].join('\n');
  return { expected: exp(expected, k % 5 === 0), actual };
}

describe('matching speed', () => {
  it('matches 500 typical blocks (and explains 500 failures) well within a second each way', () => {
    const blocks = Array.from({ length: 500 }, (_, k) => typicalBlock(k));
    let started = performance.now();
    for (const b of blocks) expect(matchText(b.expected, b.actual).ok).toBe(true);
    const okMs = performance.now() - started;
    started = performance.now();
    for (const b of blocks) expect(matchText(b.expected, b.actual.replace('Running', 'Pending').replace(/^NAME/, 'X')).ok).toBe(false);
    const failMs = performance.now() - started;
    console.log(`500 matching blocks: ${okMs.toFixed(1)} ms; 500 failing blocks with diffs: ${failMs.toFixed(1)} ms`);
    expect(okMs).toBeLessThan(1000);
    expect(failMs).toBeLessThan(2000);
  });

  it('finds a few lines in 100,000 lines of output quickly, and explains a miss', () => {
    const actual = Array.from({ length: 100_000 }, (_, k) => `event ${k} Normal Scheduled pod/web-${k % 97}`).join('\n');
    let started = performance.now();
    const r = matchText(exp('...\nevent 5000 ... pod/{{pod}}\n...\nevent 99999 Normal ...'), actual);
    const okMs = performance.now() - started;
    expect(r).toMatchObject({ ok: true, captures: { pod: `web-${5000 % 97}` } });
    started = performance.now();
    const miss = matchText(exp('...\nevent 5000 ... pod/{{pod}}\n...\nnever\n...\nevent 99999 Normal ...'), actual);
    const failMs = performance.now() - started;
    expect(miss.ok).toBe(false);
    expect(miss.diff).toContain('-never');
    console.log(`100,000 lines: match ${okMs.toFixed(1)} ms, mismatch with diff ${failMs.toFixed(1)} ms`);
    expect(okMs + failMs).toBeLessThan(5000);
  });
});
