// A lab run's JSON report (RunReport) as one HTML page: summary with a link to the first failure,
// a timeline of the steps (durations as bars on a time axis with a scale), each block (failing ones
// open, with the diff above the output; passing and not-run ones collapsed), and cleanup.
// Hint/solution blocks and steps after a failure are not failures: they are shown neutral.
import type { BlockResult, RunReport, StepReport } from '../engine/types.js';
import { formatPos } from '../errors.js';
import { type Raw, html } from './escape.js';
import { formatDuration } from '../format.js';
import { diffBlock, inlineMarkdown, page, tickLabel, tickStep, timestamp } from './layout.js';

const failing = (status: string) => status === 'failed' || status === 'error';

/** The anchor of a block on its run's page. */
export function blockAnchor(b: Pick<BlockResult, 'id'>): string {
  return `block-${b.id}`;
}

/** Why a block did not run, in words that do not sound like an error. */
function notRunReason(message: string | undefined): string {
  switch (message) {
    case 'hint':
      return 'A hint: shown to learners, not run.';
    case 'solution':
      return 'A solution: shown to learners, not run.';
    case 'skip':
      return 'Marked `skip`: not run.';
    case undefined:
      return 'Not run.';
    default:
      return `Not run: ${message}.`;
  }
}

function blockSection(b: BlockResult): Raw {
  const bad = failing(b.status);
  const time = b.status === 'skipped' ? '' : `${formatDuration(b.durationMs, { style: 'timing' })}${b.attempts > 1 ? ` · ${b.attempts} attempts` : ''}${b.exitCode !== undefined && b.exitCode !== null ? ` · exit ${b.exitCode}` : ''}${b.timedOut ? ' · timed out' : ''}`;
  const label = b.status === 'skipped' ? (b.message === 'hint' || b.message === 'solution' ? b.message : 'not run') : b.status;
  return html`<details class="check ${b.status}" id="${blockAnchor(b)}" data-block="${b.id}"${bad ? html` open` : ''}>
<summary><span class="badge ${b.status === 'skipped' ? 'skipped' : b.status}">${label}</span><h3>${b.name ?? b.id}</h3><span class="mono hint">${b.kind}</span><span class="pos">${formatPos(b.pos)}</span><span class="hint">${time}</span></summary>
<div class="body">
${b.status === 'skipped' ? html`<p class="note">${inlineMarkdown(notRunReason(b.message))}</p>` : ''}${b.message && bad ? html`<p class="error-text">${inlineMarkdown(b.message)}</p>` : ''}${b.hint && bad ? html`<p class="hint">${inlineMarkdown(b.hint)}</p>` : ''}
<div class="label">Command</div>
<pre class="command">${b.command}</pre>
${b.diff ? html`<div class="label">Diff (expected → actual)</div>${diffBlock(b.diff)}` : ''}
${b.output ? html`<div class="label">Output</div><pre class="output">${b.output}</pre>` : ''}
</div>
</details>`;
}

/** The first failed or errored block, with its step. */
export function firstFailure(r: RunReport): { step: StepReport; block: BlockResult } | undefined {
  for (const step of r.steps) {
    const block = step.blocks.find((b) => failing(b.status));
    if (block) return { step, block };
  }
  return undefined;
}

/** A step's badge: a step that did not run because an earlier one failed is `not run`, neutral. */
function stepBadge(s: StepReport): Raw {
  return s.status === 'skipped' ? html`<span class="badge skipped">not run</span>` : html`<span class="badge ${s.status}">${s.status}</span>`;
}

function timeline(r: RunReport): Raw {
  const total = Math.max(1, r.steps.reduce((n, s) => n + s.durationMs, 0), r.durationMs);
  // Steps run one after another: lay them out by cumulative duration.
  let offset = 0;
  const bars = r.steps.map((s) => {
    const left = (offset / total) * 100;
    offset += s.durationMs;
    return { s, left: Math.min(100, left), width: Math.max(0.2, Math.min(100 - left, (s.durationMs / total) * 100)) };
  });
  const step = tickStep(total);
  const ticks: number[] = [];
  for (let t = 0; t <= total + 1e-9; t += step) ticks.push(t);
  return html`<div id="timeline">
${bars.map(({ s, left, width }) => html`<div class="bar-row" data-step="${s.slug}"><a href="#${s.slug}">${s.index + 1}. ${inlineMarkdown(s.title)}</a><div class="bar-track"><div class="bar ${s.status}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%" title="${s.title}: ${formatDuration(s.durationMs, { style: 'timing' })}"></div></div><span class="num">${s.status === 'skipped' ? 'not run' : formatDuration(s.durationMs, { style: 'timing' })}</span></div>\n`)}<div class="bar-row axis-row"><span class="hint">time since start</span><div class="axis">${ticks.map((t) => html`<span class="tick" style="left:${((t / total) * 100).toFixed(2)}%">${tickLabel(t)}</span>`)}</div><span class="num hint">${formatDuration(total, { style: 'timing' })}</span></div>
</div>`;
}

/** One run's page. `back`: a link to an index page (when the run is one of several). */
export function renderRunReport(r: RunReport, opts: { back?: { href: string; label: string } } = {}): string {
  const first = firstFailure(r);
  const k = r.kubernetes;
  const body = html`${opts.back ? html`<p><a href="${opts.back.href}">← ${opts.back.label}</a></p>
` : ''}<h1>${inlineMarkdown(r.lab.title)} <span class="badge ${r.status}">${r.status}</span>${k ? html` <span class="tag" title="${k.version}">Kubernetes ${k.label}</span>${k.inRange ? '' : html` <span class="tag outside" title="the lab's kubernetes: range is ${k.range}">outside the lab's range ${k.range}</span>`}` : ''}</h1>
<p class="meta"><span>${r.lab.file}</span><span>run ${r.runId}</span><span>${timestamp(r.startedAt)}</span><span>${formatDuration(r.durationMs, { style: 'timing' })}</span><span>kubelab ${r.kubelab}</span></p>
${first ? html`<p class="first-failure" id="first-failure"><b>First failure:</b> <a href="#${blockAnchor(first.block)}">step ${first.step.index + 1}, ${inlineMarkdown(first.step.title)} (${formatPos(first.block.pos)})</a>${first.block.message ? html`: ${inlineMarkdown(first.block.message)}` : ''}</p>
` : ''}<div class="summary">
  <div><b>${r.summary.steps}</b>steps</div><div><b>${r.summary.passed}</b>passed</div><div><b>${r.summary.failed}</b>failed</div><div><b>${r.summary.skipped}</b>not run</div><div><b>${r.summary.errors}</b>errors</div><div><b>${r.summary.cleanupFailures}</b>cleanup failures</div>${r.summary.points ? html`<div><b>${r.summary.points.earned} / ${r.summary.points.possible}</b>points</div>` : ''}
</div>
${r.error ? html`<p class="error-text"><b>${r.error.code}:</b> ${inlineMarkdown(r.error.message)}${r.error.pos ? html` <span class="pos">(${formatPos(r.error.pos)})</span>` : ''}</p>${r.error.hint ? html`<p class="hint">${inlineMarkdown(r.error.hint)}</p>` : ''}` : ''}
<h2>Timeline</h2>
${timeline(r)}
${r.steps.map((s) => html`<h2 id="${s.slug}">${s.index + 1}. ${inlineMarkdown(s.title)} ${stepBadge(s)} <span class="pos">${formatPos(s.pos)}</span></h2>
${s.blocks.length ? s.blocks.map(blockSection) : html`<p class="hint">No blocks ran.</p>`}`)}
<h2>Cleanup</h2>
${r.cleanup.length ? html`<table><thead><tr><th>What</th><th>Source</th><th>Status</th><th class="num">Time</th></tr></thead><tbody>${r.cleanup.map((c) => html`<tr><td>${inlineMarkdown(c.label)}${c.message ? html`<br><span class="error-text">${inlineMarkdown(c.message)}</span>` : ''}${c.output ? html`<pre>${c.output}</pre>` : ''}</td><td>${c.source}</td><td><span class="badge ${c.status}">${c.status}</span></td><td class="num">${formatDuration(c.durationMs, { style: 'timing' })}</td></tr>`)}</tbody></table>` : html`<p class="hint">Nothing to clean up.</p>`}`;
  return page(`${r.lab.title}${k ? ` (Kubernetes ${k.label})` : ''}: ${r.status}`, body);
}
