// Report files (--json, --junit): checked before the run, so a long run is not wasted on a path
// that cannot be written, and written atomically at the end (a temp file beside the target, then
// rename), so a reader never sees half a report. When the write fails anyway, the reporter keeps
// the error for the CLI (exit 2, path, reason, hint) and an older report at that path is moved
// aside (`FILE.stale`), so it cannot pass for this run's.
import { accessSync, constants, existsSync, renameSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { KubelabError } from '../errors.js';

/** What failed, in words (no errno codes, no stack). */
export function writeErrorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EFBIG':
      return 'the file is too large (file size limit)';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENAMETOOLONG':
      return 'the file name is too long';
    default:
      return (e as Error).message ?? String(e);
  }
}

/** Which report a file holds: how messages name it and the flag that sets it. */
export type ReportFormat = 'json' | 'junit';

const WHAT: Record<ReportFormat, { name: string; flag: string }> = {
  json: { name: 'JSON report', flag: '--json' },
  junit: { name: 'JUnit report', flag: '--junit' },
};

export class ReportWriteError extends KubelabError {
  constructor(
    readonly file: string,
    format: ReportFormat,
    reason: string,
    extra = '',
  ) {
    super('report-not-written', `cannot write the ${WHAT[format].name} to ${file}: ${reason}${extra}`, {
      hint: `give ${WHAT[format].flag} the path of a file in a directory you can write to`,
      exitCode: 2,
    });
  }
}

/** Turn an fs error into a coded error for `checkReportTarget` callers. */
function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * Throws ReportWriteError when `file` obviously cannot be written: it is a directory, a part of
 * its path is a file, or the directory it would go in (or the nearest existing ancestor, which
 * the write creates the rest of) is not writable.
 */
export function checkReportTarget(file: string, format: ReportFormat): void {
  try {
    const target = statOrUndefined(file);
    if (target?.isDirectory()) throw errnoError('EISDIR', 'is a directory');
    let dir = dirname(file);
    for (;;) {
      const st = statOrUndefined(dir);
      if (st) {
        if (!st.isDirectory()) throw errnoError('ENOTDIR', `${dir} is not a directory`);
        accessSync(dir, constants.W_OK | constants.X_OK);
        return;
      }
      const parent = dirname(dir);
      if (parent === dir) return;
      dir = parent;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const blocker = code === 'ENOTDIR' ? firstFileOnPath(file) : undefined;
    throw new ReportWriteError(file, format, writeErrorReason(e), blocker ? ` (${blocker} is a file)` : '');
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The first ancestor of `file` that exists and is not a directory. */
function firstFileOnPath(file: string): string | undefined {
  const chain: string[] = [];
  for (let d = dirname(file); ; d = dirname(d)) {
    chain.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of chain) {
    try {
      if (!statSync(d).isDirectory()) return d;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Write `text` to `file` atomically: a temp file in the same directory, then rename. On failure
 * the temp file is removed, an older file at `file` is moved to `FILE.stale` (when possible),
 * and a ReportWriteError says what happened.
 */
export async function writeReportFile(file: string, text: string, format: ReportFormat): Promise<void> {
  // Short and fixed, so that a long report name still leaves room for it (NAME_MAX is 255).
  const tmp = join(dirname(file), `.kubelab-report-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(file), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
      // mkdir -p over a file says EEXIST: a part of the path is a file.
      throw e.code === 'EEXIST' ? Object.assign(e, { code: 'ENOTDIR' }) : e;
    });
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const blocker = (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? firstFileOnPath(file) : undefined;
    throw new ReportWriteError(file, format, writeErrorReason(e), `${blocker ? ` (${blocker} is a file)` : ''}${setAsideStale(file)}`);
  }
}

/** Move an older report out of the way; say where it went, or that it could not be moved. */
function setAsideStale(file: string): string {
  try {
    if (!existsSync(file) || !statSync(file).isFile()) return '';
  } catch {
    return '';
  }
  try {
    renameSync(file, `${file}.stale`);
    return `; the report of an earlier run that was there is now ${file}.stale`;
  } catch {
    return `; ${file} still holds the report of an EARLIER run`;
  }
}
