// Reading and replacing a lab file for `kubelab update`, so that nothing but the rewritten text
// changes: the bytes are read strictly (a lab that is not UTF-8 would be written back with U+FFFD
// in place of what was there), and the new text goes to the real file behind a symlink, with its
// mode and owner, by a temp file in the same directory renamed over it (never half-written).
import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeLabSource } from '../lab/source.js';

/** The lab's text, strictly decoded (decodeLabSource). `file` is the name for messages. */
export async function readLabStrict(path: string, file: string): Promise<string> {
  return decodeLabSource(await readFile(path), file);
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
