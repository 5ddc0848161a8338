// The gradebook as HTML: index.html (one row per learner, one column per step) and a page per
// learner (each check's command, output and diff, with the mismatch in plain words).
import type { GradedCheck, Gradebook, LearnerGrade } from '../grade/model.js';
import { formatPos } from '../errors.js';
import { type Raw, html, pageName } from './escape.js';
import { formatDuration } from '../format.js';
import { diffBlock, page } from './layout.js';

function cellClass(earned: number, possible: number): string {
  if (possible === 0) return '';
  return earned >= possible ? 'cell-full' : earned === 0 ? 'cell-none' : 'cell-part';
}

export function learnerPageName(gb: Gradebook, learner: LearnerGrade): string {
  return pageName(learner.learner, gb.learners.indexOf(learner));
}

function meta(gb: Gradebook): Raw {
  return html`<p class="meta"><span>${gb.lab.file}</span><span>graded ${gb.gradedAt}</span><span>${formatDuration(gb.durationMs, { style: 'timing' })}</span>${gb.as ? html`<span>checks ran as <code>${gb.as}</code></span>` : ''}</p>`;
}

export function renderGradebookIndex(gb: Gradebook): string {
  const graded = gb.learners.filter((l) => l.status === 'graded');
  const avg = graded.length ? graded.reduce((n, l) => n + l.earned, 0) / graded.length : 0;
  const body = html`<h1>Gradebook: ${gb.lab.title}</h1>
${meta(gb)}
<div class="summary">
  <div><b>${gb.learners.length}</b>learners</div>
  <div><b>${graded.length}</b>graded</div>
  <div><b>${gb.learners.length - graded.length}</b>could not be graded</div>
  <div><b>${avg.toFixed(1)} / ${gb.possible}</b>average score</div>
</div>
<table id="grades">
<thead><tr><th>Learner</th><th>Context</th>${gb.steps.map((s) => html`<th class="num" title="${s.title}">${s.index + 1}. ${s.title}<br><span class="hint">${s.possible} pt</span></th>`)}<th class="num">Score</th></tr></thead>
<tbody>
${gb.learners.map((l) =>
  l.status === 'error'
    ? html`<tr class="error" data-learner="${l.learner}"><td><a href="learners/${learnerPageName(gb, l)}">${l.learner}</a></td><td class="mono">${l.context ?? ''}</td><td colspan="${gb.steps.length}"><span class="error-text">${l.error?.message}</span>${l.error?.hint ? html`<br><span class="hint">${l.error.hint}</span>` : ''}</td><td class="num score">0 / ${l.possible}</td></tr>\n`
    : html`<tr data-learner="${l.learner}"><td><a href="learners/${learnerPageName(gb, l)}">${l.learner}</a></td><td class="mono">${l.context ?? ''}</td>${l.steps.map((s) => html`<td class="num ${cellClass(s.earned, s.possible)}">${s.earned} / ${s.possible}</td>`)}<td class="num score ${cellClass(l.earned, l.possible)}">${l.earned} / ${l.possible}</td></tr>\n`,
)}
</tbody>
</table>`;
  return page(`Gradebook: ${gb.lab.title}`, body);
}

function checkSection(c: GradedCheck): Raw {
  return html`<section class="check ${c.status}" data-check="${c.id}">
<header><span class="badge ${c.status}">${c.status}</span><h3>${c.name ?? c.id}</h3><span class="num">${c.earned} / ${c.points} pt</span><span class="pos">${formatPos(c.pos)}</span><span class="hint">${formatDuration(c.durationMs, { style: 'timing' })}${c.exitCode !== undefined && c.exitCode !== null ? ` · exit ${c.exitCode}` : ''}</span></header>
<div class="body">
<div class="label">Command</div>
<pre>${c.command}</pre>
${c.message && c.status !== 'passed' ? html`<p class="error-text">${c.message}</p>` : ''}
${c.explanation.length ? html`<div class="label">What differs</div><ul class="explain">${c.explanation.map((e) => html`<li>${e}</li>`)}</ul>` : ''}
<div class="label">Output</div>
<pre class="output">${c.output || '(no output)'}</pre>
${c.expected !== undefined && c.status !== 'passed' ? html`<div class="label">Expected</div><pre class="expected">${c.expected}</pre>` : ''}
${c.diff ? html`<div class="label">Diff (expected → actual)</div>${diffBlock(c.diff)}` : ''}
</div>
</section>`;
}

export function renderLearnerPage(gb: Gradebook, l: LearnerGrade): string {
  const body = html`<p><a href="../index.html">← Gradebook</a></p>
<h1>${l.learner}: ${l.earned} / ${l.possible}</h1>
<p class="meta"><span>${gb.lab.title}</span>${l.context ? html`<span>context <code>${l.context}</code></span>` : ''}${l.kubeconfig ? html`<span class="mono">${l.kubeconfig}</span>` : ''}<span>${formatDuration(l.durationMs, { style: 'timing' })}</span></p>
${l.status === 'error' ? html`<p class="error-text" id="learner-error"><b>Could not grade:</b> ${l.error?.message} <span class="hint">(${l.error?.code})</span></p>${l.error?.hint ? html`<p class="hint">${l.error.hint}</p>` : ''}` : ''}
${l.steps.map((s) => html`<h2 id="${s.slug}">${s.index + 1}. ${s.title} <span class="badge ${s.earned >= s.possible ? 'passed' : s.earned === 0 ? 'failed' : 'partial'}">${s.earned} / ${s.possible}</span></h2>
${s.checks.length ? s.checks.map(checkSection) : html`<p class="hint">Not checked.</p>`}`)}`;
  return page(`${l.learner}: ${gb.lab.title}`, body);
}
