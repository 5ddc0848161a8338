// Strict reading and atomic replacing of lab files for `update`.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabError } from '../../src/errors.js';
import { replaceFileAtomic } from '../../src/update/file.js';
import { decodeLabSource as decodeLabStrict } from '../../src/lab/source.js';

const tmp = mkdtempSync(join(tmpdir(), 'kubelab-update-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function problem(bytes: number[]): LabError {
  try {
    decodeLabStrict(Uint8Array.from(bytes), 'lab.md');
  } catch (e) {
    return e as LabError;
  }
  throw new Error('decoded');
}

describe('decodeLabStrict', () => {
  it('decodes UTF-8 as readFile does, keeping a BOM', () => {
    const text = '\ufeff# Café ✓ 😀\r\n';
    expect(decodeLabStrict(Buffer.from(text, 'utf8'), 'lab.md')).toBe(text);
  });

  it('refuses invalid UTF-8 at the line and column of the first bad byte', () => {
    const e = problem([...Buffer.from('a\né\nxy'), 0xff]);
    expect(e).toBeInstanceOf(LabError);
    expect(e.code).toBe('not-utf8');
    expect(e.message).toMatch(/^lab\.md:3:3: the lab is not valid UTF-8 \(byte 0xff/);
    expect(e.pos).toEqual({ file: 'lab.md', line: 3, col: 3 });
    // overlong, surrogate, truncated sequences
    expect(problem([0x61, 0xc0, 0xaf]).pos?.col).toBe(2);
    expect(problem([0xed, 0xa0, 0x80]).pos?.col).toBe(1);
    expect(problem([0x61, 0x62, 0xe2, 0x9c]).pos?.col).toBe(3);
  });
});

describe('replaceFileAtomic', () => {
  it('replaces the content and keeps the mode, leaving no temp file', async () => {
    const dir = mkdtempSync(join(tmp, 'r-'));
    const file = join(dir, 'lab.md');
    writeFileSync(file, 'old', { mode: 0o604 });
    expect(await replaceFileAtomic(file, 'new')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o604);
    expect(readdirSync(dir)).toEqual(['lab.md']);
  });

  it('changes nothing when cancelled at the last moment', async () => {
    const dir = mkdtempSync(join(tmp, 'c-'));
    const file = join(dir, 'lab.md');
    writeFileSync(file, 'old');
    expect(await replaceFileAtomic(file, 'new', () => true)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['lab.md']);
  });
});
