import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeStyle, stripAnsi, truncate, visibleWidth, wrapLine } from '../../src/learn/text.js';

const color = makeStyle(true);

describe('wrapLine', () => {
  it('keeps the space after a short first word when the indent of later lines is wider than the lead', () => {
    const lines = wrapLine('  ✓ cleanup block cleanup/1 (/a/rather/long/path/to/the/lab.md:61:1)', 50, '    ');
    expect(lines[0]).toBe('  ✓ cleanup block cleanup/1');
    expect(lines[1]).toBe('    (/a/rather/long/path/to/the/lab.md:61:1)');
  });

  it('wraps at word boundaries within the width', () => {
    const lines = wrapLine('the quick brown fox jumps over the lazy dog', 15);
    expect(lines).toEqual(['the quick brown', 'fox jumps over', 'the lazy dog']);
  });

  it('keeps continuation indent and hard-breaks long words', () => {
    const lines = wrapLine('x ' + 'a'.repeat(30), 12, '  ');
    expect(lines.every((l) => visibleWidth(l) <= 12)).toBe(true);
    expect(lines.slice(1).every((l) => l.startsWith('  '))).toBe(true);
    expect(lines.join('').replace(/ /g, '')).toBe('x' + 'a'.repeat(30));
  });

  it('does not count escapes as width and never splits them', () => {
    const s = `${color.bold('bold words here')} and ${color.code('code spans')} too`;
    const lines = wrapLine(s, 12);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(12);
    expect(stripAnsi(lines.join(' '))).toBe('bold words here and code spans too');
  });

  it('never exceeds the width and keeps every word (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,25}$/), { minLength: 1, maxLength: 30 }), fc.integer({ min: 10, max: 100 }), (words, width) => {
        const lines = wrapLine(words.join(' '), width);
        expect(lines.every((l) => visibleWidth(l) <= width)).toBe(true);
        expect(lines.join('').replace(/ /g, '')).toBe(words.join(''));
      }),
    );
  });
});

describe('truncate', () => {
  it('cuts to the width and resets styling', () => {
    const t = truncate(color.bold('abcdefghij'), 4);
    expect(stripAnsi(t)).toBe('abcd');
    expect(t.endsWith('\x1b[0m')).toBe(true);
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('makeStyle', () => {
  it('emits no escapes without colour', () => {
    const plain = makeStyle(false);
    expect(plain.bold('x') + plain.fail('y')).toBe('xy');
    expect(color.bold('x')).not.toBe('x');
  });
});

describe('wide characters', () => {
  it('wraps CJK text by columns, not by characters', () => {
    const line = '日本語のテキストを折り返す'.repeat(3);
    const lines = wrapLine(line, 20);
    expect(lines.every((l) => visibleWidth(l) <= 20)).toBe(true);
    expect(lines.join('')).toBe(line);
    expect(visibleWidth(lines[0]!)).toBe(20);
  });

  it('never cuts an emoji sequence or a styled wide character in half', () => {
    const s = `${color.bold('状態')} 👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧 ok`;
    const t = truncate(s, 7);
    expect(visibleWidth(t)).toBeLessThanOrEqual(7);
    expect(stripAnsi(t)).toBe('状態 👨‍👩‍👧');
    expect(wrapLine('👨‍👩‍👧'.repeat(10), 10).map(stripAnsi)).toEqual(['👨‍👩‍👧'.repeat(5), '👨‍👩‍👧'.repeat(5)]);
  });

  it('counts escapes as nothing and wide characters as two', () => {
    expect(visibleWidth(`${color.ok('✅')} 日本`)).toBe(7);
  });
});
