import { describe, expect, it } from 'vitest';
import { escapeHtml, html, pageName, raw } from '../../src/html/escape.js';
import { learnerPageName, renderGradebookIndex, renderLearnerPage } from '../../src/html/gradebook.js';
import { renderRunReport } from '../../src/html/run.js';
import { renderRunsIndex, runPageName } from '../../src/html/runs.js';
import { gradesCsv } from '../../src/grade/output.js';
import { sampleGradebook, sampleRunReport } from './sample.js';

describe('escaping', () => {
  it('escapes interpolations unless raw', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(html`<p>${'<b>'}${raw('<i>')}${['<', 1]}${undefined}</p>`.html).toBe('<p>&lt;b&gt;<i>&lt;1</p>');
  });

  it('makes safe, unique page names', () => {
    expect(pageName('Bob <b>/../x', 1)).toBe('002-bob-b-x.html');
    expect(pageName('***', 0)).toBe('001-learner.html');
  });
});

describe('gradebook pages', () => {
  const gb = sampleGradebook();

  it('index: a row per learner, a column per step, scores, error rows; no raw learner text', () => {
    const page = renderGradebookIndex(gb);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<link|<script|https?:\/\/(?!127)/);
    expect(page.match(/<tr data-learner=/g)).toHaveLength(2);
    expect(page.match(/<tr class="error" data-learner=/g)).toHaveLength(1);
    expect(page).toContain('bob &lt;b&gt;');
    expect(page).toContain('RBAC &lt;basics&gt;');
    expect(page).toContain('2 / 4');
    expect(page).toContain(`learners/${learnerPageName(gb, gb.learners[1]!)}`);
    expect(page).toContain('did not answer within 5000 ms');
  });

  it('learner page: each check with command, output, explanation and diff, escaped', () => {
    const page = renderLearnerPage(gb, gb.learners[1]!);
    expect(page).toContain('kubectl get pods -n team');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('line 1: expected `web Running`');
    expect(page).toContain('<span class="del">-web Running</span>');
  });

  it('csv: one row per learner, one column per step', () => {
    const csv = gradesCsv(gb).trim().split('\n');
    expect(csv[0]).toBe('learner,context,status,score,possible,create-namespace,run-web,error');
    expect(csv[1]).toBe('alice,kind-alice,graded,4,4,2,2,');
    expect(csv[2]).toBe('bob <b>,kind-bob,graded,2,4,2,0,');
    expect(csv[3]).toMatch(/^carol,kind-carol,error,0,4,0,0,"the API server/);
  });
});

describe('run report page', () => {
  it('has a timeline bar per step sized by duration, and the failing diff', () => {
    const page = renderRunReport(sampleRunReport());
    const widths = [...page.matchAll(/class="bar (\w+)" style="left:([\d.]+)%;width:([\d.]+)%"/g)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    expect(widths).toEqual([
      ['passed', 0, 20],
      ['failed', 20, 70],
    ]);
    expect(page).toContain('Error from server (NotFound): &lt;x&gt;');
    expect(page).toContain('delete Namespace team');
  });
});

describe('several runs', () => {
  it('index: a row per run linking its page, escaped titles, counts of passed and not passed', () => {
    const failed = sampleRunReport();
    const passed = { ...sampleRunReport(), status: 'passed' as const, lab: { file: 'labs/ok.md', title: 'OK <lab>', id: 'ok' } };
    const index = renderRunsIndex([passed, failed]);
    const table = index.slice(index.indexOf('<table id="runs">'));
    const links = [...table.matchAll(/<a href="(labs\/[^"]+)">/g)].map((m) => m[1]);
    expect(links).toEqual([`labs/${runPageName(passed, 0)}`, `labs/${runPageName(failed, 1)}`]);
    expect(runPageName(passed, 0)).toBe('001-ok.html');
    expect(index).toContain('OK &lt;lab&gt;');
    expect(index).not.toContain('OK <lab>');
    expect(index).toMatch(/<b>1<\/b>passed[\s\S]*<b>1<\/b>not passed/);
  });

  it('a run page links back to the index only when asked', () => {
    expect(renderRunReport(sampleRunReport())).not.toContain('index.html');
    expect(renderRunReport(sampleRunReport(), { back: { href: '../index.html', label: 'All lab runs' } })).toContain('<a href="../index.html">← All lab runs</a>');
  });
});
