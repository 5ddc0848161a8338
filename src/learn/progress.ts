// Where a learner stopped, per lab file (absolute path) and content hash, in the state dir:
// <stateDir>/learn/<path-hash>-<content-hash>.json. A lab that changed since keeps no exact
// match; `findProgress` then offers the old record so the learner resumes at the same step slug.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface Progress {
  /** Absolute path of the lab file. */
  file: string;
  contentHash: string;
  /** 0-based step index where the learner is. */
  step: number;
  stepSlug: string;
  /** Slugs of steps whose check passed. */
  done: string[];
  updatedAt: string;
}


const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

export function contentHash(source: string): string {
  return sha(source);
}

function dir(stateDir: string): string {
  return join(stateDir, 'learn');
}

function pathKey(file: string): string {
  return sha(resolve(file));
}

export function progressPath(stateDir: string, file: string, source: string): string {
  return join(dir(stateDir), `${pathKey(file)}-${contentHash(source)}.json`);
}

export type FoundProgress = { match: 'exact'; progress: Progress } | { match: 'changed'; progress: Progress } | undefined;

/** The saved progress of this lab file: for this exact content, else the latest of an older version. */
export async function findProgress(stateDir: string, file: string, source: string): Promise<FoundProgress> {
  const exact = await readProgress(progressPath(stateDir, file, source));
  if (exact) return { match: 'exact', progress: exact };
  let names: string[];
  try {
    names = await readdir(dir(stateDir));
  } catch {
    return undefined;
  }
  const prefix = `${pathKey(file)}-`;
  const older = (await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.json')).map((n) => readProgress(join(dir(stateDir), n)))))
    .filter((p): p is Progress => !!p)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return older[0] ? { match: 'changed', progress: older[0] } : undefined;
}

async function readProgress(path: string): Promise<Progress | undefined> {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as Progress;
    return typeof data.step === 'number' && typeof data.file === 'string' ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Save (atomically) and drop records of older versions of the same lab file. */
export async function saveProgress(stateDir: string, source: string, progress: Omit<Progress, 'contentHash' | 'updatedAt' | 'file'> & { file: string }): Promise<Progress> {
  const full: Progress = { ...progress, file: resolve(progress.file), contentHash: contentHash(source), updatedAt: new Date().toISOString() };
  const path = progressPath(stateDir, progress.file, source);
  await mkdir(dir(stateDir), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(full, null, 2) + '\n');
  await rename(tmp, path);
  await dropOthers(stateDir, progress.file, path);
  return full;
}

async function dropOthers(stateDir: string, file: string, keep: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir(stateDir));
  } catch {
    return;
  }
  const prefix = `${pathKey(file)}-`;
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.json') && join(dir(stateDir), n) !== keep).map((n) => rm(join(dir(stateDir), n), { force: true })));
}

/** Forget every saved position of this lab file. */
export async function clearProgress(stateDir: string, file: string): Promise<void> {
  await dropOthers(stateDir, file, '');
}

/** A lab's progress in words and numbers, for a course index (terminal or page). */
export interface LabProgressSummary {
  steps: number;
  /** Steps done (of this version of the lab). */
  done: number;
  /** 0-based step the learner is at, when they started. */
  at?: number;
  started: boolean;
  complete: boolean;
  /** The lab changed since the learner's last session. */
  changed: boolean;
}

export async function summarizeProgress(stateDir: string, file: string, lab: { source: string; steps: readonly { slug: string }[] }): Promise<LabProgressSummary> {
  const found = await findProgress(stateDir, file, lab.source);
  const steps = lab.steps.length;
  if (!found) return { steps, done: 0, started: false, complete: false, changed: false };
  const slugs = new Set(lab.steps.map((s) => s.slug));
  const done = new Set(found.progress.done.filter((d) => slugs.has(d))).size;
  return { steps, done, at: Math.min(found.progress.step, steps - 1), started: true, complete: steps > 0 && done >= steps, changed: found.match === 'changed' };
}
