// Reading and parsing lab files for commands. Lab errors keep their file:line.
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseLab, requireSteps } from '../lab/parse.js';
import { decodeLabSource } from '../lab/source.js';
import type { Lab } from '../lab/model.js';

/** The path to show for a lab: as given, or relative to cwd when that is shorter. */
export function displayPath(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * The one way commands read a lab file: its bytes, decoded as strict UTF-8 (invalid bytes are a
 * LabError at their line and column, see decodeLabSource).
 */
export async function readLabSource(file: string, cwd: string): Promise<{ source: string; path: string; display: string }> {
  const path = resolve(cwd, file);
  const display = displayPath(file, cwd);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new UsageError('lab-not-readable', `cannot read lab ${display}: ${why}`, { hint: 'give the path of a lab markdown file, e.g. labs/71-node-log-kubelet-authz.md' });
  }
  return { source: decodeLabSource(bytes, display), path, display };
}

/**
 * Read and parse a lab for a command that runs it (run, update, list, learn, grade): a lab with
 * errors, or with nothing to run, is refused (LabError with the position).
 */
export async function loadLab(file: string, cwd: string): Promise<Lab> {
  const { source, display } = await readLabSource(file, cwd);
  return requireSteps(parseLab(source, display));
}
