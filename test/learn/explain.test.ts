import { describe, expect, it } from 'vitest';
import { explainMismatch, findDifferences } from '../../src/learn/explain.js';

describe('explainMismatch', () => {
  it('names the line and both values', () => {
    expect(explainMismatch('get yes\nlist no\n', 'get yes\nlist yes\n')).toEqual(['line 2: expected `list no`, you got `list yes`']);
  });

  it('reports missing and extra lines', () => {
    expect(explainMismatch('a\nb\nc', 'a\nc')).toEqual(['line 2: expected `b`, it is missing from your output']);
    expect(explainMismatch('a\nc', 'a\nb\nc')).toEqual(['after line 1: your output has an extra line `b`']);
  });

  it('says when there was no output', () => {
    expect(explainMismatch('yes', '')[0]).toMatch(/no output at all/);
  });

  it('ignores trailing whitespace and final newlines; equal texts have no differences', () => {
    expect(findDifferences('a  \nb\n\n', 'a\nb')).toEqual([]);
  });

  it('compares unordered output as a multiset of lines', () => {
    expect(findDifferences('x\ny', 'y\nx', { unordered: true })).toEqual([]);
    expect(explainMismatch('x\ny', 'y\nz', { unordered: true })).toEqual(['expected a line `x` (in any order), it is not in your output', 'your output has an extra line `z`']);
  });

  it('uses the matcher: lines matched by ... or (re) are not differences', () => {
    expect(findDifferences('NAME STATUS\n...\nweb-[0-9]+ Running (re)', 'NAME STATUS\na\nb\nweb-7 Running')).toEqual([]);
    expect(explainMismatch('NAME\nweb-[0-9]+ Running (re)\nend', 'NAME\nweb-7 Pending\nend')).toEqual(['line 2: expected `web-[0-9]+ Running (re)`, you got `web-7 Pending`']);
  });

  it('limits the number of sentences', () => {
    const lines = explainMismatch('1\n2\n3\n4\n5\n6\n7', 'a\nb\nc\nd\ne\nf\ng', { limit: 3 });
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('…and 4 more differences');
  });
});
