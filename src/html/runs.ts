// Several lab runs (what `kubelab run A.md B.md --json RUN.json` writes): an index page with one
// row per lab run, each linking to that run's own page (src/html/run.ts).
import type { RunReport } from '../engine/types.js';
import { html, pageName } from './escape.js';
import { formatDuration } from '../format.js';
import { page } from './layout.js';

/** The file name, under `labs/`, of the page of the `index`-th run. */
export function runPageName(report: RunReport, index: number): string {
  return pageName(report.lab.id || report.lab.title, index);
}

export function renderRunsIndex(reports: readonly RunReport[]): string {
  const passed = reports.filter((r) => r.status === 'passed').length;
  const total = reports.reduce((ms, r) => ms + r.durationMs, 0);
  const title = `${reports.length} lab runs: ${passed === reports.length ? 'passed' : `${reports.length - passed} not passed`}`;
  const body = html`<h1>${reports.length} lab runs</h1>
<p class="meta"><span>${reports[0]?.startedAt ?? ''}</span><span>${formatDuration(total, { style: 'timing' })}</span><span>kubelab ${reports[0]?.kubelab ?? ''}</span></p>
<div class="summary">
  <div><b>${reports.length}</b>labs</div>
  <div><b>${passed}</b>passed</div>
  <div><b>${reports.length - passed}</b>not passed</div>
  <div><b>${reports.reduce((n, r) => n + r.summary.cleanupFailures, 0)}</b>cleanup failures</div>
</div>
<table id="runs">
<thead><tr><th>Lab</th><th>File</th><th>Status</th><th class="num">Steps passed</th><th class="num">Failed</th><th class="num">Skipped</th><th class="num">Time</th></tr></thead>
<tbody>
${reports.map(
  (r, i) =>
    html`<tr data-lab="${r.lab.id}"><td><a href="labs/${runPageName(r, i)}">${i + 1}. ${r.lab.title}</a>${r.error ? html`<br><span class="error-text">${r.error.message}</span>` : ''}</td><td class="mono">${r.lab.file}</td><td><span class="badge ${r.status}">${r.status}</span></td><td class="num">${r.summary.passed} / ${r.summary.steps}</td><td class="num">${r.summary.failed}</td><td class="num">${r.summary.skipped}</td><td class="num">${formatDuration(r.durationMs, { style: 'timing' })}</td></tr>\n`,
)}
</tbody>
</table>`;
  return page(title, body);
}
