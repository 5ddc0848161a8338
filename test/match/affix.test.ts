// Literal prefixes/suffixes of patterns (unordered matching only tries lines sharing them), and
// unordered matching checked against a plain maximum matching over every (pattern, line) pair.
import { describe, expect, it } from 'vitest';
import { regexAffixes } from '../../src/match/affix.js';
import { alignUnordered } from '../../src/match/align.js';
import { matchLine, parseLine } from '../../src/match/pattern.js';

describe('regexAffixes', () => {
  it('reads plain characters and escaped punctuation at both ends', () => {
    expect(regexAffixes('web-1 \\d+s')).toEqual({ prefix: 'web-1 ', suffix: 's' });
    expect(regexAffixes('a\\.b.*c\\)')).toEqual({ prefix: 'a.b', suffix: 'c)' });
  });

  it('drops quantified characters, groups, classes and escapes that are not literal', () => {
    expect(regexAffixes('abc?d')).toEqual({ prefix: 'ab', suffix: 'd' });
    expect(regexAffixes('ab{2}c')).toEqual({ prefix: 'a', suffix: 'c' });
    expect(regexAffixes('(?<x>a)\\k<x>')).toEqual({ prefix: '', suffix: '' });
    expect(regexAffixes('x\\x41')).toEqual({ prefix: 'x', suffix: '' });
    expect(regexAffixes('\\u{1F600}z')).toEqual({ prefix: '', suffix: 'z' });
    expect(regexAffixes('\\p{L}+ end')).toEqual({ prefix: '', suffix: ' end' });
    expect(regexAffixes('a[b)]c')).toEqual({ prefix: 'a', suffix: 'c' });
    expect(regexAffixes('a\\12')).toEqual({ prefix: 'a', suffix: '' });
    expect(regexAffixes('x😀?')).toEqual({ prefix: 'x', suffix: '' });
  });

  it('has no affix with a top-level alternation, but keeps one around a grouped alternation', () => {
    expect(regexAffixes('ab|cd')).toEqual({ prefix: '', suffix: '' });
    expect(regexAffixes('a(b|c)d')).toEqual({ prefix: 'a', suffix: 'd' });
  });
});

/** Size of a maximum matching, by plain augmenting paths over every pair. */
function maxPairs(patterns: string[], actual: string[]): number {
  const parsed = patterns.map((p) => parseLine(p));
  const owner = new Array<number>(actual.length).fill(-1);
  const fits = (i: number, j: number) => matchLine(parsed[i]!, actual[j]!) !== null;
  const tryPair = (i: number, seen: Set<number>): boolean => {
    for (let j = 0; j < actual.length; j++) {
      if (seen.has(j) || !fits(i, j)) continue;
      seen.add(j);
      if (owner[j] === -1 || tryPair(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  let n = 0;
  for (let i = 0; i < parsed.length; i++) if (tryPair(i, new Set())) n++;
  return n;
}

describe('alignUnordered agrees with a plain maximum matching', () => {
  it('on random small blocks of literals, globs, captures and (re) lines', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const words = ['a', 'ab', 'b', 'ba', 'a b', 'b a', 'abc', 'x.y', 'é', '😀'];
    const shapes = ['a', 'ab', 'a...', '...b', '{{x}}', 'a {{x}}', 'a.? (re)', '\\S+ (re)', 'b\\w* (re)', '.*a (re)', 'x\\.y (re)', 'a|b (re)', '. (re)', '(?:a|b) \\S (re)'];
    for (let round = 0; round < 400; round++) {
      const patterns = Array.from({ length: 1 + rand(6) }, () => shapes[rand(shapes.length)]!);
      const actual = Array.from({ length: rand(7) }, () => words[rand(words.length)]!);
      const r = alignUnordered(patterns.map((p) => parseLine(p)), actual);
      const pairs = r.ops.filter((op) => op.kind === 'match').length;
      expect({ patterns, actual, pairs }).toEqual({ patterns, actual, pairs: maxPairs(patterns, actual) });
      expect(r.ok).toBe(pairs === patterns.length && pairs === actual.length);
    }
  });
});
