// A lab run's JSON report (RunReport) as one HTML page: summary, a timeline of the steps
// (durations as bars on a shared time axis), each block with its output and diff, and cleanup.
import type { BlockResult, RunReport } from '../engine/types.js';
import { formatPos } from '../errors.js';
import { type Raw, html } from './escape.js';
import { formatDuration } from '../format.js';
import { diffBlock, page } from './layout.js';

function blockSection(b: BlockResult): Raw {
  return html`<section class="check ${b.status}" data-block="${b.id}">
<header><span class="badge ${b.status}">${b.status}</span><h3>${b.name ?? b.id}</h3><span class="mono hint">${b.kind}</span><span class="pos">${formatPos(b.pos)}</span><span class="hint">${formatDuration(b.durationMs, { style: 'timing' })}${b.attempts > 1 ? ` · ${b.attempts} attempts` : ''}${b.exitCode !== undefined && b.exitCode !== null ? ` · exit ${b.exitCode}` : ''}${b.timedOut ? ' · timed out' : ''}</span></header>
<div class="body">
<pre>${b.command}</pre>
${b.message && b.status !== 'passed' ? html`<p class="error-text">${b.message}</p>` : ''}${b.hint && b.status !== 'passed' ? html`<p class="hint">${b.hint}</p>` : ''}
${b.output ? html`<div class="label">Output</div><pre class="output">${b.output}</pre>` : ''}
${b.diff ? html`<div class="label">Diff (expected → actual)</div>${diffBlock(b.diff)}` : ''}
</div>
</section>`;
}

/** One run's page. `back`: a link to an index page (when the run is one of several). */
export function renderRunReport(r: RunReport, opts: { back?: { href: string; label: string } } = {}): string {
  const t0 = Date.parse(r.startedAt);
  const total = Math.max(1, r.durationMs);
  // Steps run one after another: lay them out by cumulative duration when timestamps are absent.
  let offset = 0;
  const bars = r.steps.map((s) => {
    const left = (offset / total) * 100;
    offset += s.durationMs;
    return { s, left: Math.min(100, left), width: Math.max(0.2, Math.min(100 - left, (s.durationMs / total) * 100)) };
  });
  const body = html`${opts.back ? html`<p><a href="${opts.back.href}">← ${opts.back.label}</a></p>
` : ''}<h1>${r.lab.title} <span class="badge ${r.status}">${r.status}</span></h1>
<p class="meta"><span>${r.lab.file}</span><span>run ${r.runId}</span><span>${Number.isNaN(t0) ? r.startedAt : new Date(t0).toISOString()}</span><span>${formatDuration(r.durationMs, { style: 'timing' })}</span><span>kubelab ${r.kubelab}</span></p>
<div class="summary">
  <div><b>${r.summary.steps}</b>steps</div><div><b>${r.summary.passed}</b>passed</div><div><b>${r.summary.failed}</b>failed</div><div><b>${r.summary.skipped}</b>skipped</div><div><b>${r.summary.errors}</b>errors</div><div><b>${r.summary.cleanupFailures}</b>cleanup failures</div>${r.summary.points ? html`<div><b>${r.summary.points.earned} / ${r.summary.points.possible}</b>points</div>` : ''}
</div>
${r.error ? html`<p class="error-text"><b>${r.error.code}:</b> ${r.error.message}${r.error.pos ? html` <span class="pos">(${formatPos(r.error.pos)})</span>` : ''}</p>${r.error.hint ? html`<p class="hint">${r.error.hint}</p>` : ''}` : ''}
<h2>Timeline</h2>
<div id="timeline">
${bars.map(({ s, left, width }) => html`<div class="bar-row" data-step="${s.slug}"><a href="#${s.slug}">${s.index + 1}. ${s.title}</a><div class="bar-track"><div class="bar ${s.status}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%" title="${s.title}: ${formatDuration(s.durationMs, { style: 'timing' })}"></div></div><span class="num">${formatDuration(s.durationMs, { style: 'timing' })}</span></div>\n`)}
</div>
${r.steps.map((s) => html`<h2 id="${s.slug}">${s.index + 1}. ${s.title} <span class="badge ${s.status}">${s.status}</span> <span class="pos">${formatPos(s.pos)}</span></h2>
${s.blocks.length ? s.blocks.map(blockSection) : html`<p class="hint">No blocks ran.</p>`}`)}
<h2>Cleanup</h2>
${r.cleanup.length ? html`<table><thead><tr><th>What</th><th>Source</th><th>Status</th><th class="num">Time</th></tr></thead><tbody>${r.cleanup.map((c) => html`<tr><td>${c.label}${c.message ? html`<br><span class="error-text">${c.message}</span>` : ''}${c.output ? html`<pre>${c.output}</pre>` : ''}</td><td>${c.source}</td><td><span class="badge ${c.status}">${c.status}</span></td><td class="num">${formatDuration(c.durationMs, { style: 'timing' })}</td></tr>`)}</tbody></table>` : html`<p class="hint">Nothing to clean up.</p>`}`;
  return page(`${r.lab.title}: ${r.status}`, body);
}
