// Reading and replacing a lab file for `kubelab update`, so that nothing but the rewritten text
// changes: the bytes are read strictly (a lab that is not UTF-8 would be written back with U+FFFD
// in place of what was there), and the new text goes to the real file behind a symlink, with its
// mode and owner, by a temp file in the same directory renamed over it (never half-written).
// When src/lab/source.ts gets its fatal UTF-8 reader, decodeLabStrict should become that reader.
import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LabError } from '../errors.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * `bytes` as text, as `readFile(path, 'utf8')` would give it (BOM kept) but refusing invalid
 * UTF-8: LabError `lab-not-utf8` at the line and column of the first bad byte.
 */
export function decodeLabStrict(bytes: Uint8Array, file: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, at);
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < before.length; k++) {
      if (before[k] === 0x0a) {
        line++;
        lineStart = k + 1;
      }
    }
    const col = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at)).length + 1;
    const pos = { file, line, col };
    throw new LabError('lab-not-utf8', `${file}:${line}:${col}: not valid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, '0')}); update does not rewrite it`, {
      pos,
      hint: 'save the lab as UTF-8 (e.g. `iconv -f latin1 -t utf-8`), then run `kubelab update` again',
    });
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let k = 0;
  while (k < b.length) {
    const c = b[k]!;
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return k;
    if (k + need >= b.length) return k;
    // Second byte ranges exclude overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let n = 1; n <= need; n++) {
      const x = b[k + n]!;
      if (n === 1 ? x < lo || x > hi : x < 0x80 || x > 0xbf) return k;
    }
    k += need + 1;
  }
  return b.length;
}

/** The lab's text, strictly decoded (see decodeLabStrict). `file` is the name for messages. */
export async function readLabStrict(path: string, file: string): Promise<string> {
  return decodeLabStrict(await readFile(path), file);
}

/**
 * Replace the file at `path` (or, when it is a symlink, the file it points to) with `text`:
 * a temp file next to the target, with the target's mode (and owner, when we may set it),
 * flushed to disk, then renamed over the target. On any failure the target is untouched and
 * the temp file removed. `cancelled` is asked at the last moment (an interrupt): when it says
 * true, nothing is replaced and the result is false.
 */
export async function replaceFileAtomic(path: string, text: string, cancelled: () => boolean = () => false): Promise<boolean> {
  const target = await realpath(path);
  const st = await stat(target);
  const tmp = join(dirname(target), `.${basename(target)}.kubelab-update-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      await fh.writeFile(text, 'utf8');
      if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || st.gid !== process.getgid?.())) {
        // Only root may give a file away; a group we belong to is allowed. Best effort either way.
        await fh.chown(st.uid, st.gid).catch(() => fh.chown(-1, st.gid).catch(() => undefined));
      }
      // After chown (which may clear set-id bits), and explicitly: the umask applied at creation.
      await fh.chmod(st.mode & 0o7777);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (cancelled()) return false;
    await rename(tmp, target);
    renamed = true;
    return true;
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}
