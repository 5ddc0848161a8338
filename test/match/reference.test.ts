// Differential tests: the DP matchers against obviously-correct (exponential) references.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignOrdered } from '../../src/match/align.js';
import { matchLine, matchSegments, parseLine, type Segment } from '../../src/match/pattern.js';

/** Plain recursive backtracking with `...` lazy: the semantics alignOrdered promises. */
function referenceOrdered(patterns: string[], actual: string[], i = 0, j = 0): boolean {
  if (i === patterns.length) return j === actual.length;
  const p = parseLine(patterns[i]!);
  if (p.kind === 'ellipsis') return referenceOrdered(patterns, actual, i + 1, j) || (j < actual.length && referenceOrdered(patterns, actual, i, j + 1));
  return j < actual.length && matchLine(p, actual[j]!) !== null && referenceOrdered(patterns, actual, i + 1, j + 1);
}

/** The same segments as a JS regex: `...` → `.*?`, `{{n}}` → `(\S+)`. */
function referenceRegex(segments: Segment[]): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = segments
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return s.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        case 'any':
          return '.*?';
        case 'capture':
          names.push(s.name);
          return '(\\S+)';
      }
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

describe('differential', () => {
  const small = fc.array(fc.constantFrom('a', 'b', 'a b', '...', 'a...', '{{x}}', '{{x}} b', ''), { maxLength: 7 });
  const lines = fc.array(fc.constantFrom('a', 'b', 'a b', 'ab', 'b a', ''), { maxLength: 7 });

  it('ordered block matching agrees with plain backtracking', () => {
    fc.assert(
      fc.property(small, lines, (patterns, actual) => {
        const got = alignOrdered(patterns.map((p) => parseLine(p)), actual).ok;
        expect(got).toBe(referenceOrdered(patterns, actual));
      }),
      { numRuns: 2000 },
    );
  });

  it('in-line matching and its captures agree with the equivalent regex', () => {
    const piece = fc.constantFrom('a', 'b', ' ', '-', '...', '{{x}}', '{{y}}');
    const text = fc.array(fc.constantFrom('a', 'b', ' ', '-'), { maxLength: 10 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), text, (parts, line) => {
        const p = parseLine(parts.join(''));
        if (p.kind !== 'glob') return;
        const { regex, names } = referenceRegex(p.segments);
        const m = regex.exec(line);
        const got = matchSegments(p.segments, line);
        expect(got !== null).toBe(m !== null);
        if (m && got) {
          const expected: Record<string, string> = {};
          names.forEach((n, k) => (expected[n] = m[k + 1]!));
          expect(got).toEqual(expected);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
