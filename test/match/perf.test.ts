import { describe, expect, it } from 'vitest';
import type { ExpectedOutput } from '../../src/lab/model.js';
import { matchText } from '../../src/match/index.js';
import { alignUnordered } from '../../src/match/align.js';
import { parseLine } from '../../src/match/pattern.js';

const exp = (text: string, unordered = false): ExpectedOutput => ({ text, pos: { file: 'bench.md', line: 1 }, unordered, stream: 'both', fromConsole: false });

// A 500-step lab's worth of typical blocks: kubectl tables with ..., captures and (re) lines.
function typicalBlock(k: number): { expected: ExpectedOutput; actual: string } {
  const rows = Array.from({ length: 20 }, (_, r) => `web-${k}-${r}   1/1     Running   0          ${r + 5}s`);
  const actual = ['NAME          READY   STATUS    RESTARTS   AGE', ...rows].join('\n') + '\n';
  const expected = ['NAME ... AGE', '...', `web-${k}-7   1/1     Running   0          ... (re)`.replace(' ... (re)', ' \\d+s (re)'), `{{pod}}   1/1     Running   0          ...`, '...'].join('\n');
  return { expected: exp(expected, k % 5 === 0), actual };
}

describe('matching speed', () => {
  it('matches 500 typical blocks (and explains 500 failures) with one diff per failure (speed: npm run bench)', () => {
    const blocks = Array.from({ length: 500 }, (_, k) => typicalBlock(k));
    let started = performance.now();
    for (const b of blocks) expect(matchText(b.expected, b.actual).ok).toBe(true);
    const okMs = performance.now() - started;
    started = performance.now();
    for (const b of blocks) expect(matchText(b.expected, b.actual.replace('Running', 'Pending').replace(/^NAME/, 'X')).ok).toBe(false);
    const failMs = performance.now() - started;
    console.log(`500 matching blocks: ${okMs.toFixed(1)} ms; 500 failing blocks with diffs: ${failMs.toFixed(1)} ms`);
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
  });
});

describe('unordered matching of thousands of pattern lines', () => {
  const n = 3000;
  const shapes: Record<string, { expected: string[]; actual: string[] }> = {
    // Every pattern has its own literal prefix.
    'distinct prefixes': { expected: Array.from({ length: n }, (_, k) => `row-${k} \\d+ (re)`), actual: Array.from({ length: n }, (_, k) => `row-${(k * 7) % n} ${k}`) },
    // Only a literal suffix tells the lines apart.
    'distinct suffixes': { expected: Array.from({ length: n }, (_, k) => `\\S+ ${k} (re)`), actual: Array.from({ length: n }, (_, k) => `row ${(k * 7) % n}`) },
    // One pattern that fits every line, 3,000 times (was minutes: every search walked every pairing).
    'one pattern fitting every line': { expected: Array.from({ length: n }, () => 'row-\\d+ ok (re)'), actual: Array.from({ length: n }, (_, k) => `row-${k} ok`) },
    'captures fitting every line': { expected: Array.from({ length: n }, () => 'row-{{id}} ok'), actual: Array.from({ length: n }, (_, k) => `row-${k} ok`) },
  };

  for (const [name, { expected, actual }] of Object.entries(shapes)) {
    it(`${name}: matches, and fails on one changed line, in bounded work`, () => {
      const patterns = expected.map((line) => parseLine(line));
      const ok = alignUnordered(patterns, [...actual].reverse());
      const failed = alignUnordered(patterns, [...actual.slice(1), 'zzz']);
      expect(ok.ok).toBe(true);
      expect(failed.ok).toBe(false);
      expect(failed.gaveUp).toBeUndefined();
      expect(failed.ops.filter((op) => op.kind === 'missing')).toHaveLength(1);
      expect(failed.ops.filter((op) => op.kind === 'extra')).toEqual([{ kind: 'extra', act: n - 1 }]);
      // Pattern tests plus search steps: about n·n at most (the old search needed up to n·n·n).
      expect(ok.work! + failed.work!).toBeLessThan(4 * n * n);
    });
  }

  it('needs about one test per line when prefixes, suffixes or identical patterns tell the lines apart', () => {
    for (const name of ['distinct prefixes', 'distinct suffixes', 'one pattern fitting every line']) {
      const { expected, actual } = shapes[name]!;
      const r = alignUnordered(expected.map((line) => parseLine(line)), actual);
      expect(r.ok).toBe(true);
      expect(r.work!).toBeLessThan(10 * n);
    }
  });

  it('gives up at the work bound with a message, as a failed match', () => {
    const patterns = Array.from({ length: 200 }, () => parseLine('.* (re)'));
    const actual = Array.from({ length: 199 }, (_, k) => `line ${k}`);
    const r = alignUnordered(patterns, actual, 5_000);
    expect(r.ok).toBe(false);
    expect(r.gaveUp).toMatch(/unordered match gave up after 5,000 steps/);
    expect(r.work!).toBeLessThanOrEqual(5_000);
    // Through matchText the reason comes first, then the diff.
    const text = matchText(exp(Array.from({ length: 3000 }, () => 'x (re)').join('\n'), true), Array.from({ length: 2999 }, () => 'x').join('\n'));
    expect(text.ok).toBe(false);
    expect(text.diff).not.toMatch(/^note:/);
  });
});
