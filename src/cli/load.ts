// Reading and parsing lab files for commands. Lab errors keep their file:line.
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseLab } from '../lab/parse.js';
import type { Lab } from '../lab/model.js';

/** The path to show for a lab: as given, or relative to cwd when that is shorter. */
export function displayPath(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

export async function readLabSource(file: string, cwd: string): Promise<{ source: string; path: string; display: string }> {
  const path = resolve(cwd, file);
  const display = displayPath(file, cwd);
  try {
    return { source: await readFile(path, 'utf8'), path, display };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new UsageError('lab-not-readable', `cannot read lab ${display}: ${why}`, { hint: 'give the path of a lab markdown file, e.g. labs/71-node-log-kubelet-authz.md' });
  }
}

/** Read and parse a lab; a lab with errors is refused (LabError with the first one's position). */
export async function loadLab(file: string, cwd: string): Promise<Lab> {
  const { source, display } = await readLabSource(file, cwd);
  return parseLab(source, display);
}
