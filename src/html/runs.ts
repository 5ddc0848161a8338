// Several lab runs (what `kubelab run A.md B.md --json RUN.json` writes, or a run set over
// Kubernetes versions and shards): an index page with the version × step matrix on top (run sets),
// a link to the first failure, and one row per run, each linking to that run's own page.
import type { MatrixLab, RunReport, RunSet } from '../model/report.js';
import { type Raw, html, pageName } from './escape.js';
import { blockAnchor, firstFailure } from './run.js';
import { formatDuration } from '../format.js';
import { inlineMarkdown, page, timestamp } from './layout.js';

/** The file name, under `labs/`, of the page of the `index`-th run (of a run set: with its version). */
export function runPageName(report: RunReport, index: number, withVersion = false): string {
  const name = report.lab.id || report.lab.title;
  return pageName(withVersion && report.kubernetes ? `${name}-${report.kubernetes.label}` : name, index);
}

const MARK: Record<string, string> = { passed: '✓', failed: '✗', error: '✗ error', interrupted: 'interrupted', skipped: '–', missing: 'missing' };

function matrixTable(lab: MatrixLab, runs: readonly RunReport[]): Raw {
  const href = (run: number | undefined, anchor = '') => (run === undefined ? undefined : `labs/${runPageName(runs[run]!, run, true)}${anchor}`);
  const cell = (status: string, link: string | undefined, title: string) =>
    html`<td class="cell ${status}" title="${title}">${link ? html`<a href="${link}">${MARK[status] ?? status}</a>` : MARK[status] ?? status}</td>`;
  return html`<table class="matrix" data-lab="${lab.file}">
<thead><tr><th>${inlineMarkdown(lab.title)}<br><span class="hint mono">${lab.file}${lab.range !== undefined ? html` · kubernetes ${lab.range}` : ''}</span></th>${lab.versions.map((v) => html`<th class="version${v.inRange ? '' : ' outside'}" title="${v.version}${v.inRange ? '' : ": outside the lab's range"}">${v.label}${v.inRange ? '' : html`<br><span class="hint">outside range</span>`}</th>`)}</tr></thead>
<tbody>
${lab.steps.map((s) => html`<tr><td>${s.index + 1}. ${inlineMarkdown(s.title)}</td>${lab.versions.map((v) => (v.status === 'missing' ? cell('missing', undefined, 'no report has this run') : cell(s.status[v.version] ?? 'skipped', href(v.run, `#${s.slug}`), `${s.title} on ${v.label}: ${s.status[v.version] ?? 'not run'}`)))}</tr>\n`)}<tr class="result"><td><b>Result</b></td>${lab.versions.map((v) => cell(v.status, href(v.run), v.status === 'missing' ? 'no report has this run' : `${v.passed ?? 0} of ${v.steps ?? 0} steps passed`))}</tr>
</tbody>
</table>`;
}

function mergeNotes(set: RunSet): Raw {
  const m = set.merge;
  if (!m) return html``;
  return html`<p class="hint">Merged from ${m.inputs.map((i, n) => html`${n ? ', ' : ''}<code>${i.file}</code>${i.shard ? ` (shard ${i.shard.index}/${i.shard.total})` : ''}`)}.</p>
${m.missing.length ? html`<div class="warning" id="missing"><b>${m.missing.length} missing:</b> no report has ${m.missing.map((p, n) => html`${n ? '; ' : ''}<span class="mono">${p.lab}</span> on ${p.version}`)} (a shard not given, failed before writing its report, or interrupted).</div>` : ''}
${m.duplicates.length ? html`<div class="warning" id="duplicates"><b>${m.duplicates.length} run twice:</b> ${m.duplicates.map((p, n) => html`${n ? '; ' : ''}<span class="mono">${p.lab}</span> on ${p.version} (in ${p.inputs.join(' and ')}; the first is shown)`)}.</div>` : ''}`;
}

export function renderRunsIndex(reports: readonly RunReport[], set?: RunSet): string {
  const passed = reports.filter((r) => r.status === 'passed').length;
  const total = reports.reduce((ms, r) => ms + r.durationMs, 0);
  // Plain arrays (several labs, one version each) keep the table they always had.
  const versioned = set !== undefined;
  const pageOf = (r: RunReport, i: number) => runPageName(r, i, versioned);
  const title = `${reports.length} lab runs: ${passed === reports.length ? 'passed' : `${reports.length - passed} not passed`}`;
  const firstBad = reports.findIndex((r) => r.status !== 'passed');
  const failure = firstBad >= 0 ? firstFailure(reports[firstBad]!) : undefined;
  const bad = firstBad >= 0 ? reports[firstBad]! : undefined;
  const body = html`<h1>${reports.length} lab runs${set?.shard ? ` (shard ${set.shard.index}/${set.shard.total})` : ''}</h1>
<p class="meta">${reports[0] ? html`<span>${timestamp(reports[0].startedAt)}</span>` : ''}<span>${formatDuration(total, { style: 'timing' })}</span><span>kubelab ${reports[0]?.kubelab ?? set?.kubelab ?? ''}</span></p>
${set ? mergeNotes(set) : ''}
${bad ? html`<p class="first-failure" id="first-failure"><b>First failure:</b> <a href="labs/${pageOf(bad, firstBad)}${failure ? `#${blockAnchor(failure.block)}` : ''}">${inlineMarkdown(bad.lab.title)}${bad.kubernetes ? ` on Kubernetes ${bad.kubernetes.label}` : ''}${failure ? html`, step ${failure.step.index + 1}: ${inlineMarkdown(failure.step.title)}` : html`: ${bad.status}`}</a></p>
` : ''}<div class="summary">
  <div><b>${reports.length}</b>runs</div>
  <div><b>${passed}</b>passed</div>
  <div><b>${reports.length - passed}</b>not passed</div>
  ${set?.merge?.missing.length ? html`<div><b>${set.merge.missing.length}</b>missing</div>` : ''}
  <div><b>${reports.reduce((n, r) => n + r.summary.cleanupFailures, 0)}</b>cleanup failures</div>
</div>
${set && set.matrix.labs.length ? html`<h2>Kubernetes version × step</h2>
<div id="matrix">${set.matrix.labs.map((l) => matrixTable(l, reports))}</div>
` : ''}<h2>Runs</h2>
<table id="runs">
<thead><tr><th>Lab</th>${versioned ? html`<th>Kubernetes</th>` : ''}<th>File</th><th>Status</th><th class="num">Steps passed</th><th class="num">Failed</th><th class="num">Not run</th><th class="num">Time</th></tr></thead>
<tbody>
${reports.map(
  (r, i) =>
    html`<tr data-lab="${r.lab.id}"${versioned && r.kubernetes ? html` data-kubernetes="${r.kubernetes.version}"` : ''}><td><a href="labs/${pageOf(r, i)}">${i + 1}. ${inlineMarkdown(r.lab.title)}</a>${r.error ? html`<br><span class="error-text">${inlineMarkdown(r.error.message)}</span>` : ''}</td>${versioned ? html`<td>${r.kubernetes ? html`${r.kubernetes.label}${r.kubernetes.inRange ? '' : html` <span class="hint">(outside range)</span>`}` : ''}</td>` : ''}<td class="mono">${r.lab.file}</td><td><span class="badge ${r.status}">${r.status}</span></td><td class="num">${r.summary.passed} / ${r.summary.steps}</td><td class="num">${r.summary.failed}</td><td class="num">${r.summary.skipped}</td><td class="num">${formatDuration(r.durationMs, { style: 'timing' })}</td></tr>\n`,
)}
</tbody>
</table>`;
  return page(title, body);
}
