import { describe, expect, it } from 'vitest';
import { normalizeLines, stripAnsi } from '../../src/match/normalize.js';

describe('stripAnsi', () => {
  it('removes colours, cursor moves, OSC hyperlinks and titles, charset selections', () => {
    expect(stripAnsi('\x1b[1;31mError\x1b[0m: x')).toBe('Error: x');
    expect(stripAnsi('a\x1b[2K\x1b[1Gb')).toBe('ab');
    expect(stripAnsi('\x1b]8;;https://k8s.io\x1b\\link\x1b]8;;\x1b\\')).toBe('link');
    expect(stripAnsi('\x1b]0;title\x07prompt')).toBe('prompt');
    expect(stripAnsi('\x1b(Bplain\x1b=')).toBe('plain');
    expect(stripAnsi('\x9b32mgreen')).toBe('green');
  });
  it('leaves text without escapes alone', () => {
    const s = 'NAME   READY   <none>';
    expect(stripAnsi(s)).toBe(s);
  });
});

describe('normalizeLines', () => {
  it('handles CRLF, trailing whitespace and trailing empty lines', () => {
    expect(normalizeLines('a  \r\nb\t\r\n\r\n\n')).toEqual(['a', 'b']);
  });
  it('keeps leading and inner empty lines', () => {
    expect(normalizeLines('\na\n\nb\n')).toEqual(['', 'a', '', 'b']);
  });
  it('applies bare carriage returns as a terminal does', () => {
    expect(normalizeLines('50%\r100%\n')).toEqual(['100%']);
    expect(normalizeLines('downloading\rdone')).toEqual(['doneloading']);
    expect(normalizeLines('progress\r        \rok')).toEqual(['ok']);
  });
  it('has no lines for empty or blank text', () => {
    expect(normalizeLines('')).toEqual([]);
    expect(normalizeLines('\n \n')).toEqual([]);
  });
});
