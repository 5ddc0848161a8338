// The terminal's course index, data in and lines out: progress per lab, the shared cluster's
// fate in words, the keys that apply, everything within the width; and what a key or line means.
import { describe, expect, it } from 'vitest';
import { formatCourseIndex, nextLab, parseCourseChoice, type CourseIndexView } from '../../src/course/terminal-index.js';
import { makeStyle, visibleWidth } from '../../src/learn/text.js';
import type { LabProgressView } from '../../src/course/progress.js';

const progress = (index: number, done: number, total: number, extra: Partial<LabProgressView> = {}): LabProgressView => ({
  index,
  title: `Lab number ${index + 1} with a title long enough to need cutting at eighty columns for sure`,
  file: `labs/${index}.md`,
  total,
  done,
  step: done ? done - 1 : null,
  complete: done === total,
  cleanupPending: false,
  ...extra,
});

const view: CourseIndexView = {
  title: 'Node logs and kubelet authorization',
  labs: [progress(0, 8, 8), progress(1, 3, 8, { cleanupPending: true }), progress(2, 0, 8)],
  clusters: [{ name: 'kubelab', labs: [0, 1, 2], running: true, ownedByCourse: true, keep: false }],
};

describe('the course index in a terminal', () => {
  it('fits 80 columns, marks the next lab, and says what becomes of the shared cluster', () => {
    const lines = formatCourseIndex(view, makeStyle(false), 80, true);
    for (const l of lines) expect(visibleWidth(l), l).toBeLessThanOrEqual(80);
    const text = lines.join('\n');
    const flat = lines.join(' ');
    expect(text).toContain('✓ 1. Lab number 1');
    expect(text).toContain('› 2. Lab number 2');
    expect(text).toContain('[####------] 3/8 steps done · in progress: step 3 of 8 · cleanup pending');
    expect(flat).toContain('kind cluster kubelab (running) is shared by 3 labs: this course created it; it is deleted when every lab on it is finished');
    expect(lines.at(-1)).toBe('1-3: open a lab · Enter: lab 2 · d: delete the cluster · q: quit');
  });

  it('offers no delete for a cluster the course did not create, and says it is left alone', () => {
    const other = { ...view, clusters: [{ ...view.clusters[0]!, ownedByCourse: false }] };
    const text = formatCourseIndex(other, makeStyle(false), 80, false).join(' ');
    expect(text).toContain('it was there before the course; kubelab leaves it alone');
    expect(text).not.toContain('delete');
    expect(parseCourseChoice('d', other)).toBeUndefined();
  });

  it('reads keys and lines', () => {
    expect(parseCourseChoice('3', view)).toEqual({ kind: 'open', index: 2 });
    expect(parseCourseChoice('open 1\n', view)).toEqual({ kind: 'open', index: 0 });
    expect(parseCourseChoice('\r', view)).toEqual({ kind: 'open', index: 1 });
    expect(parseCourseChoice('4', view)).toBeUndefined();
    expect(parseCourseChoice('d', view)).toEqual({ kind: 'delete-cluster', name: 'kubelab' });
    for (const q of ['q', 'quit', '\x03', '\x1b', '\x04']) expect(parseCourseChoice(q, view)).toEqual({ kind: 'quit' });
    expect(parseCourseChoice('\x1b[A', view)).toBeUndefined();
    expect(nextLab([progress(0, 1, 1), progress(1, 1, 1)])).toBe(0);
  });
});
