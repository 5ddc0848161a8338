import { describe, expect, it } from 'vitest';
import { lintLab } from '../../src/lab/parse.js';
import { parseRange, RangeSyntaxError, satisfies } from '../../src/versions/range.js';
import { lines, lintSummary } from '../lab/helpers.js';

const VERSIONS = ['v1.34.9', 'v1.35.0', 'v1.35.4', 'v1.36.0', 'v1.36.1', 'v1.36.3', 'v1.37.2', 'v1.38.0', 'v2.0.0'];
const matching = (range: string) => VERSIONS.filter((v) => satisfies(v, parseRange(range)));

describe('version ranges', () => {
  it.each([
    ['1.36', ['v1.36.0', 'v1.36.1', 'v1.36.3']],
    ['v1.36', ['v1.36.0', 'v1.36.1', 'v1.36.3']],
    ['=1.36.1', ['v1.36.1']],
    ['1.36.1', ['v1.36.1']],
    ['>=1.36', ['v1.36.0', 'v1.36.1', 'v1.36.3', 'v1.37.2', 'v1.38.0', 'v2.0.0']],
    ['>1.36', ['v1.37.2', 'v1.38.0', 'v2.0.0']],
    ['>1.36.1', ['v1.36.3', 'v1.37.2', 'v1.38.0', 'v2.0.0']],
    ['<1.36', ['v1.34.9', 'v1.35.0', 'v1.35.4']],
    ['<=1.36', ['v1.34.9', 'v1.35.0', 'v1.35.4', 'v1.36.0', 'v1.36.1', 'v1.36.3']],
    ['<=1.36.1', ['v1.34.9', 'v1.35.0', 'v1.35.4', 'v1.36.0', 'v1.36.1']],
    ['>=1.35 <1.38', ['v1.35.0', 'v1.35.4', 'v1.36.0', 'v1.36.1', 'v1.36.3', 'v1.37.2']],
    ['>= 1.35  < 1.37', ['v1.35.0', 'v1.35.4', 'v1.36.0', 'v1.36.1', 'v1.36.3']],
    ['1.35 || 1.37', ['v1.35.0', 'v1.35.4', 'v1.37.2']],
    ['1.35||>=1.38', ['v1.35.0', 'v1.35.4', 'v1.38.0', 'v2.0.0']],
    ['>=1.36 <1.35', []],
  ])('%s', (range, expected) => {
    expect(matching(range)).toEqual(expected);
  });

  it.each([
    ['', 0, /empty/],
    ['1', 0, /major\.minor/],
    ['>=', 2, /must be followed by a version/],
    ['>=1.36 <', 8, /`<` must be followed/],
    ['1.36.x', 4, /unexpected `\.x`/],
    ['~1.36', 0, /expected a version/],
    ['1.35 ||', 5, /`\|\|` needs a version on each side/],
    ['|| 1.35', 0, /`\|\|` needs/],
    ['>=1.3x', 5, /unexpected `x`/],
    ['1.35, 1.36', 4, /unexpected `,`/],
  ])('%j is an error at offset %i', (range, offset, message) => {
    let err: unknown;
    try {
      parseRange(range);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RangeSyntaxError);
    expect((err as RangeSyntaxError).offset).toBe(offset);
    expect((err as Error).message).toMatch(message);
  });
});

describe('front matter `kubernetes:`', () => {
  const step = ['', '## S', '```sh', 'true', '```'];

  it('takes a version or a range', () => {
    for (const value of ['1.36', '"1.36"', '">=1.36"', "'>=1.35 <1.38'", '1.35 || 1.37', '<1.38', 'v1.36.1']) {
      expect(lintSummary(lines('---', `kubernetes: ${value}`, '---', ...step)), value).toEqual([]);
    }
  });

  it('a bad range is an error at its column, quoted or not', () => {
    expect(lintSummary(lines('---', 'kubernetes: "1.36 || >=1.3x"', '---', ...step))).toEqual(['2:27 error front-matter-type']);
    expect(lintSummary(lines('---', 'kubernetes: 1.36 || ~1.37', '---', ...step))).toEqual(['2:21 error front-matter-type']);
    const [d] = lintLab(lines('---', 'title: T', 'kubernetes: "1.36 || >=1.3x"', '---', ...step), 'lab.md');
    expect(d!.message).toBe('front matter `kubernetes: 1.36 || >=1.3x` is not a version range: unexpected `x` after version 1.3: versions are major.minor or major.minor.patch');
    expect(d!.hint).toMatch(/">=1.36"/);
  });

  it('an unquoted `>=` range is a YAML error whose hint says to quote it', () => {
    const [d] = lintLab(lines('---', 'kubernetes: >=1.36', '---', ...step), 'lab.md');
    expect(d!.code).toBe('front-matter-yaml');
    expect(d!.hint).toBe('quote a range that starts with `>`: kubernetes: ">=1.36"');
  });

  it('a range outside kubelab\'s table is fine (a lab for an existing cluster)', () => {
    expect(lintSummary(lines('---', 'kubernetes: ">=1.50"', '---', ...step))).toEqual([]);
  });
});
