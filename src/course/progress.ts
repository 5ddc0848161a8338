// Each lab's progress in a course, for the course index (the page's and the terminal's): steps
// done from the learner's saved progress (src/learn/progress.ts), and whether the lab still has
// something to clean up (its undo journal is there). A lab is finished when both say so.
import type { CourseLab } from '../serve/course.js';
import { findProgress } from '../learn/progress.js';
import { labHasCleanupPending } from './shared-cluster.js';

export interface LabProgressView {
  index: number;
  title: string;
  /** The lab file as shown to the learner. */
  file: string;
  /** Steps in the lab, and how many of them are done. */
  total: number;
  done: number;
  /** 0-based step the learner is at; null when they never opened the lab. */
  step: number | null;
  complete: boolean;
  /** What the lab changed is still in place (its cleanup has not run, or failed). */
  cleanupPending: boolean;
}

export async function labProgressView(stateDir: string, entry: CourseLab): Promise<LabProgressView> {
  const { lab } = entry;
  const found = await findProgress(stateDir, entry.file, lab.source);
  const slugs = new Set(lab.steps.map((s) => s.slug));
  const done = found ? new Set(found.progress.done.filter((slug) => slugs.has(slug))).size : 0;
  const total = lab.steps.length;
  return {
    index: entry.index,
    title: entry.title,
    file: entry.display,
    total,
    done,
    step: found ? Math.min(found.progress.step, total - 1) : null,
    complete: total > 0 && done >= total,
    cleanupPending: labHasCleanupPending(stateDir, lab),
  };
}

export function courseProgress(stateDir: string, labs: readonly CourseLab[]): Promise<LabProgressView[]> {
  return Promise.all(labs.map((l) => labProgressView(stateDir, l)));
}

/** Every step done and nothing left to clean up. */
export function isFinished(p: LabProgressView): boolean {
  return p.complete && !p.cleanupPending;
}

/** One line of words for a lab's state: `3/7 steps done · in progress: step 4`. */
export function describeProgress(p: LabProgressView): string {
  const state = p.complete ? 'complete' : p.step === null ? 'not started' : `in progress: step ${p.step + 1} of ${p.total}`;
  return `${p.done}/${p.total} steps done · ${state}${p.cleanupPending ? ' · cleanup pending' : ''}`;
}
