import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExpectedOutput } from '../../src/lab/model.js';
import { escapeLiteral, matchText, rewriteExpectedText } from '../../src/match/index.js';

const exp = (text: string, unordered = false): ExpectedOutput => ({ text, pos: { file: 'p.md', line: 1 }, unordered, stream: 'both', fromConsole: false });

// Pieces that exercise every syntax and normalisation rule, mixed with ordinary characters.
const piece = fc.constantFrom('a', 'b', ' ', '...', '{{', '}}', '{{x}}', '{{y:[ab]+}}', '{{{{', ' (re)', '(', '.*', '\\', '\x1b[31m', '\r', '\t', '<none>');
const lineArb = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));
const lineOrEllipsis = fc.oneof({ weight: 3, arbitrary: lineArb }, { weight: 1, arbitrary: fc.constant('...') });
const textArb = fc.array(lineOrEllipsis, { maxLength: 12 }).map((lines) => lines.join('\n'));
const plainLine = fc.array(fc.constantFrom('a', 'b', ' ', 'ab', '...', 'x y'), { maxLength: 4 }).map((p) => p.join(''));
const plainText = fc.array(plainLine, { maxLength: 12 }).map((lines) => lines.join('\n'));

function timed<T>(f: () => T): T {
  const started = performance.now();
  const result = f();
  expect(performance.now() - started).toBeLessThan(2000);
  return result;
}

describe('matching properties', () => {
  it('never throws and stays fast on arbitrary expected/actual text, ordered or not', () => {
    fc.assert(
      fc.property(textArb, textArb, fc.boolean(), (expected, actual, unordered) => {
        const r = timed(() => matchText(exp(expected, unordered), actual));
        expect(typeof r.ok).toBe('boolean');
        if (r.ok) expect(r.diff).toBeUndefined();
        else expect(r.diff).toMatch(/^--- expected \(p\.md:1\)\n\+\+\+ actual/);
      }),
      { numRuns: 400 },
    );
  });

  it('escaped output always matches the output it came from, with no captures', () => {
    fc.assert(
      fc.property(textArb, fc.boolean(), (actual, unordered) => {
        const r = matchText(exp(escapeLiteral(actual), unordered), actual);
        expect(r.ok).toBe(true);
        expect(r.captures).toEqual({});
      }),
      { numRuns: 400 },
    );
  });

  it('a text matches itself with any of its lines replaced by ...', () => {
    fc.assert(
      fc.property(plainText, fc.array(fc.nat(), { maxLength: 5 }), (actual, holes) => {
        const lines = escapeLiteral(actual).split('\n');
        for (const h of holes) if (lines.length > 0) lines[h % lines.length] = '...';
        expect(matchText(exp(lines.join('\n')), actual).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('rewritten expectations match the new output, and rewriting again changes nothing', () => {
    fc.assert(
      fc.property(textArb, textArb, fc.boolean(), (expected, actual, unordered) => {
        const rewritten = timed(() => rewriteExpectedText(exp(expected, unordered), actual));
        expect(matchText(exp(rewritten, unordered), actual).ok).toBe(true);
        expect(rewriteExpectedText(exp(rewritten, unordered), actual)).toBe(rewritten);
      }),
      { numRuns: 400 },
    );
  });

  it('handles many ... lines against long output quickly', () => {
    const actual = Array.from({ length: 3000 }, (_, k) => `line ${k % 7}`).join('\n');
    const expected = Array.from({ length: 200 }, (_, k) => (k % 2 ? '...' : `line ${k % 7}`)).join('\n') + '\nnever';
    const r = timed(() => matchText(exp(expected), actual));
    expect(r.ok).toBe(false);
    const ok = timed(() => matchText(exp(expected.replace(/\nnever$/, '\n...')), actual));
    expect(ok.ok).toBe(true);
  });
});
