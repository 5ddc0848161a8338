// Writing the HTML reports to a directory (the only file I/O of src/html).
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Gradebook } from '../grade/model.js';
import type { RunReport } from '../engine/types.js';
import type { RunSet } from '../model/report.js';
import { learnerPageName, renderGradebookIndex, renderLearnerPage } from './gradebook.js';
import { renderRunReport } from './run.js';
import { renderRunsIndex, runPageName } from './runs.js';

/** index.html plus learners/<NNN-name>.html. Returns the index path. */
export async function writeGradebookHtml(dir: string, gb: Gradebook): Promise<string> {
  await mkdir(join(dir, 'learners'), { recursive: true });
  await Promise.all(gb.learners.map((l) => writeFile(join(dir, 'learners', learnerPageName(gb, l)), renderLearnerPage(gb, l))));
  const index = join(dir, 'index.html');
  await writeFile(index, renderGradebookIndex(gb));
  return index;
}

/**
 * One run: index.html is its page. Several (the array `kubelab run --json` writes for several
 * labs) or a run set (versions, shards, a merge): index.html lists them (a run set with the
 * version × step matrix on top), labs/<NNN-id>.html is each one's page. Returns the index path.
 */
export async function writeRunReportHtml(dir: string, report: RunReport | readonly RunReport[] | RunSet): Promise<string> {
  await mkdir(dir, { recursive: true });
  const index = join(dir, 'index.html');
  if (!Array.isArray(report) && !isRunSet(report)) {
    await writeFile(index, renderRunReport(report as RunReport));
    return index;
  }
  const runs: readonly RunReport[] = isRunSet(report) ? report.runs : (report as readonly RunReport[]);
  await mkdir(join(dir, 'labs'), { recursive: true });
  const back = { href: '../index.html', label: 'All lab runs' };
  const pages = runs.map((r, i) => runPageName(r, i, isRunSet(report)));
  await Promise.all(runs.map((r, i) => writeFile(join(dir, 'labs', pages[i]!), renderRunReport(r, { back }))));
  // Pages an earlier report wrote here (NNN-name.html) would pass for this one's: remove them.
  const stale = (await readdir(join(dir, 'labs'))).filter((f) => /^\d{3}-[a-z0-9_-]*\.html$/.test(f) && !pages.includes(f));
  await Promise.all(stale.map((f) => rm(join(dir, 'labs', f), { force: true })));
  await writeFile(index, renderRunsIndex(runs, isRunSet(report) ? report : undefined));
  return index;
}

const isRunSet = (r: RunReport | readonly RunReport[] | RunSet): r is RunSet => !Array.isArray(r) && (r as RunSet).kind === 'run-set';
