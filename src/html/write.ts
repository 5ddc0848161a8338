// Writing the HTML reports to a directory (the only file I/O of src/html).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Gradebook } from '../grade/model.js';
import type { RunReport } from '../engine/types.js';
import { learnerPageName, renderGradebookIndex, renderLearnerPage } from './gradebook.js';
import { renderRunReport } from './run.js';

/** index.html plus learners/<NNN-name>.html. Returns the index path. */
export async function writeGradebookHtml(dir: string, gb: Gradebook): Promise<string> {
  await mkdir(join(dir, 'learners'), { recursive: true });
  await Promise.all(gb.learners.map((l) => writeFile(join(dir, 'learners', learnerPageName(gb, l)), renderLearnerPage(gb, l))));
  const index = join(dir, 'index.html');
  await writeFile(index, renderGradebookIndex(gb));
  return index;
}

export async function writeRunReportHtml(dir: string, report: RunReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const index = join(dir, 'index.html');
  await writeFile(index, renderRunReport(report));
  return index;
}
