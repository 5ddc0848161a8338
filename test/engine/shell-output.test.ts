// What a block's result keeps of a big output: bounded (head + rolling tail, bytes cut counted),
// while every chunk still streams to onOutput. Real bash.
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { BoundedText, openShell } from '../../src/engine/shell.js';

describe('BoundedText', () => {
  it('keeps everything under the bound', () => {
    const t = new BoundedText(4, 6);
    for (const c of ['ab', 'cd', 'ef', 'gh']) t.push(c);
    expect(t.text()).toBe('abcdefgh');
    expect(t.cutBytes).toBe(0);
  });

  it('keeps the head and the last characters, and counts UTF-8 bytes cut', () => {
    const t = new BoundedText(3, 4);
    for (const c of ['abcde', 'fgh', 'éé', 'ijkl', 'm']) t.push(c);
    // head "abc", tail "jklm"; cut "defghééi" = 8 chars, 10 bytes.
    expect(t.text()).toBe('abcjklm');
    expect(t.cutBytes).toBe(10);
  });

  it('never splits a surrogate pair', () => {
    const t = new BoundedText(1, 2);
    t.push('a😀b😀');
    expect(t.text()).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});

describe('a block with a big output', () => {
  it('keeps a bounded result, streams every chunk, and the shell goes on', async () => {
    const sh = await openShell({ cwd: tmpdir(), env: process.env as Record<string, string>, keepHead: 1000, keepTail: 5000 });
    try {
      let streamed = 0;
      let last = '';
      const r = await sh.run('echo start; head -c 3000000 /dev/zero | tr "\\0" x; echo; echo end', {
        onOutput: (_s, c) => {
          streamed += c.length;
          last = (last + c).slice(-10);
        },
      });
      expect(streamed).toBe(6 + 3_000_001 + 4);
      expect(last).toBe('xxxxx\nend\n');
      expect(r.output.length).toBe(6000);
      expect(r.stdout).toBe(r.output);
      expect(r.output.startsWith('start\nxxx')).toBe(true);
      expect(r.output.endsWith('xxx\nend\n')).toBe(true);
      expect(r.cutBytes).toBe(6 + 3_000_001 + 4 - 6000);
      expect(r.exitCode).toBe(0);
      const n = await sh.run('echo next');
      expect(n.output).toBe('next\n');
      expect(n.cutBytes).toBeUndefined();
    } finally {
      await sh.close();
    }
  });
});
