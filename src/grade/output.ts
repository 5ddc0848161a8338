// The gradebook files: grades.csv (one row per learner, one column per step), grades.json (the
// Gradebook model) and the HTML report (index.html + a page per learner).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeGradebookHtml } from '../html/write.js';
import type { Gradebook } from './model.js';

function csvField(v: unknown): string {
  const s = String(v ?? '');
  // Quote when needed; a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function gradesCsv(gb: Gradebook): string {
  const header = ['learner', 'context', 'status', 'score', 'possible', ...gb.steps.map((s) => s.slug), 'error'];
  const rows = gb.learners.map((l) => [l.learner, l.context ?? '', l.status, l.earned, l.possible, ...gb.steps.map((s) => l.steps.find((x) => x.slug === s.slug)?.earned ?? 0), l.error?.message ?? '']);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

export async function writeGradebook(dir: string, gb: Gradebook): Promise<{ csv: string; json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, 'grades.csv');
  const json = join(dir, 'grades.json');
  await writeFile(csv, gradesCsv(gb));
  await writeFile(json, JSON.stringify(gb, null, 2) + '\n');
  const html = await writeGradebookHtml(dir, gb);
  return { csv, json, html };
}
