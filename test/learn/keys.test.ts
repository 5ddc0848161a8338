import { describe, expect, it } from 'vitest';
import { PasteBuffer, decodeKeys } from '../../src/learn/keys.js';

describe('decodeKeys', () => {
  it('decodes letters, arrows, enter and control keys', () => {
    const { keys } = decodeKeys('r\x1b[C\x1b[D\x1b[A\x1bOB\r\x03\x04\x7f\x1b[6~');
    expect(keys.map((k) => (k.name === 'char' ? k.ch : k.name))).toEqual(['r', 'right', 'left', 'up', 'down', 'enter', 'ctrl-c', 'ctrl-d', 'backspace', 'pagedown']);
  });

  it('keeps a bracketed paste whole, even split across chunks', () => {
    const a = decodeKeys('\x1b[200~line 1\r\n\r\nline');
    expect(a.keys).toEqual([]);
    const b = decodeKeys(' 3\x1b[201~x', a.rest);
    expect(b.keys).toEqual([{ name: 'paste', text: 'line 1\n\nline 3' }, { name: 'char', ch: 'x' }]);
  });

  it('swallows unknown CSI sequences', () => {
    expect(decodeKeys('\x1b[99;5uq').keys).toEqual([{ name: 'char', ch: 'q' }]);
  });
});

describe('PasteBuffer', () => {
  it('collects lines until an empty line', () => {
    const b = new PasteBuffer();
    const feed = (s: string) => decodeKeys(s).keys.map((k) => b.feed(k)).filter(Boolean);
    expect(feed('\r')).toEqual([]); // a stray Enter before anything is ignored
    expect(feed('yes\rno\r')).toEqual([]);
    expect(feed('\r')).toEqual(['done']);
    expect(b.text()).toBe('yes\nno');
  });

  it('ends on Ctrl-D with the partial line and cancels on Esc', () => {
    const b = new PasteBuffer();
    for (const k of decodeKeys('ab\x7fc').keys) b.feed(k);
    expect(b.feed({ name: 'ctrl-d' })).toBe('done');
    expect(b.text()).toBe('ac');
    expect(new PasteBuffer().feed({ name: 'escape' })).toBe('cancel');
  });
});
