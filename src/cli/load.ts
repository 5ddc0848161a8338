// Reading and parsing lab files for commands. Lab errors keep their file:line.
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { LabError, UsageError } from '../errors.js';
import { lintLab, parseLab } from '../lab/parse.js';
import type { Diagnostic, Lab } from '../lab/model.js';

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

/**
 * Parse a lab and refuse it when lint finds errors (the first one is thrown, with its position;
 * `kubelab lint` shows them all).
 */
export async function loadLab(file: string, cwd: string): Promise<Lab> {
  const { source, display } = await readLabSource(file, cwd);
  const errors = lintLab(source, display).filter((d) => d.severity === 'error');
  if (errors.length > 0) throw diagnosticError(errors);
  const lab = parseLab(source, display);
  // The engine runs the shell in the lab's directory; give it the real path, keep the display name.
  return lab;
}

export function diagnosticError(errors: Diagnostic[]): LabError {
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''}; run \`kubelab lint\` to see them all)` : '';
  return new LabError('lab', `${first.message}${more}`, { pos: first.pos, hint: first.hint });
}
