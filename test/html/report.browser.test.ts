// The gradebook and run report as a real browser shows them, opened from file://. Screenshots go
// to $KUBELAB_SCREENSHOTS (docs/img for the docs: `KUBELAB_SCREENSHOTS=docs/img npx vitest run
// --project unit test/html/report.browser.test.ts`), else a temporary directory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { writeGradebook } from '../../src/grade/output.js';
import { writeRunReportHtml } from '../../src/html/write.js';
import { runSet } from '../../src/versions/matrix.js';
import { hasChromium, launchChromium } from './browser.js';
import { sampleGradebook, sampleLongFailure, samplePassingRun, sampleRunReport } from './sample.js';

describe.skipIf(!hasChromium)('HTML reports in headless Chromium', () => {
  let browser: BrowserContext;
  let close: () => Promise<void>;
  const out = mkdtempSync(join(tmpdir(), 'kubelab-html-'));
  const shots = resolve(process.env.KUBELAB_SCREENSHOTS ?? out);

  beforeAll(async () => {
    ({ browser, close } = await launchChromium());
  }, 60_000);
  afterAll(async () => {
    await close?.();
  });

  const open = async (file: string, width = 1000, height = 700): Promise<Page> => {
    const page = await browser.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(pathToFileURL(file).href);
    return page;
  };
  const color = (page: Page, selector: string) => page.$eval(selector, (e) => getComputedStyle(e).color);

  it('gradebook index shows learner rows, scores and error rows; the learner page shows the failing diff', async () => {
    const gb = sampleGradebook();
    const files = await writeGradebook(join(out, 'gradebook'), gb);
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1100, height: 700 });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(files.html).href);
    const rows = await page.$$eval('#grades tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())));
    expect(rows.map((r) => r[0])).toEqual(['alice', 'bob <b>', 'carol']);
    expect(rows[0]!.slice(2)).toEqual(['2 / 2', '2 / 2', '4 / 4']);
    expect(rows[1]!.slice(2)).toEqual(['2 / 2', '0 / 2', '2 / 4']);
    expect(rows[2]![2]).toMatch(/did not answer within 5000 ms/);
    // Colours come from the inlined stylesheet: a full score is green-ish, none red-ish.
    const bg = await page.$eval('#grades tbody tr:nth-child(2) td:nth-child(4)', (td) => getComputedStyle(td).backgroundColor);
    expect(bg).not.toBe('rgba(0, 0, 0, 0)');
    await page.screenshot({ path: join(shots, 'gradebook-index.png'), fullPage: true });

    await page.click('text=bob <b>');
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).toBe('bob <b>: 2 / 4');
    const failing = page.locator('section.check.failed');
    expect(await failing.count()).toBe(1);
    expect(await failing.locator('.explain li').first().textContent()).toBe('line 1: expected `web Running`, you got `web Pending <script>alert(1)</script>`');
    expect(await failing.locator('.diff .del').textContent()).toBe('-web Running');
    expect(await failing.locator('.diff .add').textContent()).toBe('+web Pending <script>alert(1)</script>');
    await page.screenshot({ path: join(shots, 'gradebook-learner.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
    await page.close();
  });

  it('run report shows the timeline with bars proportional to step durations', async () => {
    const page = await open(await writeRunReportHtml(join(out, 'run'), sampleRunReport()));
    const bars = await page.$$eval('#timeline .bar', (els) => els.map((e) => (e as HTMLElement).getBoundingClientRect().width));
    expect(bars).toHaveLength(2);
    // 2 s and 7 s of a 10 s run.
    expect(bars[1]! / bars[0]!).toBeCloseTo(3.5, 1);
    expect(await page.textContent('h1')).toContain('failed');
    await page.close();
  });

  it('a failing run: a link at the top goes to the first failure, whose diff sits above its long output', async () => {
    const page = await open(await writeRunReportHtml(join(out, 'long'), sampleLongFailure()));
    const link = page.locator('#first-failure a');
    expect(await link.textContent()).toBe('step 2, Run web (labs/rbac.md:20)');
    // The first failure link is on the first screen.
    expect((await link.boundingBox())!.y).toBeLessThan(700);
    const failing = page.locator('details.check.failed');
    expect(await failing.getAttribute('open')).toBe('');
    const diffY = (await failing.locator('pre.diff').boundingBox())!.y;
    const outputY = (await failing.locator('pre.output').boundingBox())!.y;
    expect(diffY).toBeLessThan(outputY);
    // Inline code in the message is code, not backticks.
    expect(await failing.locator('.error-text code').textContent()).toBe('kubectl get ns');
    await link.click();
    // The block's summary and its diff are on screen after following the link.
    const diffBox = (await failing.locator('pre.diff').boundingBox())!;
    const scrollY = await page.evaluate(() => window.scrollY);
    expect(scrollY).toBeGreaterThan(0);
    expect(diffBox.y).toBeGreaterThanOrEqual(0);
    expect(diffBox.y + diffBox.height).toBeLessThanOrEqual(700);
    await page.screenshot({ path: join(shots, 'run-report.png') });
    await page.close();
  });

  it('a passing run: hints, solutions and steps not run are neutral, passing blocks collapsed, time readable, timeline with a scale', async () => {
    const page = await open(await writeRunReportHtml(join(out, 'passing'), samplePassingRun()), 1000, 900);
    expect(await page.locator('#first-failure').count()).toBe(0);
    const red = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.className = 'error-text';
      document.body.append(probe);
      return getComputedStyle(probe).color;
    });
    // Nothing on the page of a passing run is in the failure colour.
    const redTexts = await page.$$eval('body *', (els, fail) => els.filter((e) => e.children.length === 0 && (e.textContent ?? '').trim() !== '' && getComputedStyle(e).color === fail).map((e) => e.textContent), red);
    expect(redTexts).toEqual([]);
    expect(await page.locator('details.check.skipped .badge').allTextContents()).toEqual(['hint', 'solution', 'not run']);
    expect(await color(page, 'details.check.skipped .badge')).not.toBe(red);
    expect(await page.locator('h2#clean-up-by-hand .badge').textContent()).toBe('not run');
    // Passing and not-run blocks are one line each until opened.
    expect(await page.locator('details.check[open]').count()).toBe(0);
    expect(await page.locator('details.check.passed pre.output').first().isVisible()).toBe(false);
    await page.locator('details.check.passed summary').first().click();
    expect(await page.locator('details.check.passed pre.output').first().isVisible()).toBe(true);
    await page.locator('details.check.passed summary').first().click();
    // Backticks are code.
    expect(await page.locator('h1 code').textContent()).toBe('nodes/proxy');
    expect(await page.textContent('h1')).not.toContain('`');
    // The time is for people; the ISO stamp stays in its title.
    const time = page.locator('.meta time');
    expect(await time.textContent()).toBe('1 Jan 2026, 10:00:00 UTC');
    expect(await time.getAttribute('title')).toBe('2026-01-01T10:00:00.000Z');
    // The timeline's scale: ticks from 0 at the left of the bars' track, evenly spaced.
    // Where each tick's mark is (offsetLeft: before the transform that centres its label).
    const ticks = await page.$$eval('#timeline .tick', (els) => els.map((e) => ({ text: e.textContent, x: (e as HTMLElement).offsetLeft, width: (e.parentElement as HTMLElement).clientWidth })));
    expect(ticks.map((t) => t.text)).toEqual(['0', '20s', '40s', '1m', '1m20s']);
    // 95 s in all: a tick every 20 s is 20/95 of the axis, which is as wide as the bars' track.
    const track = (await page.locator('#timeline .bar-track').first().boundingBox())!;
    expect(ticks[0]!.width).toBeCloseTo(track.width, -1);
    ticks.forEach((t, i) => expect(t.x).toBeCloseTo((i * 20 * t.width) / 95, -0.5));
    await page.screenshot({ path: join(shots, 'run-report-passing.png'), fullPage: true });
    await page.close();
  });

  it('a run over Kubernetes versions: the version × step matrix on top, each cell linking to its run and step', async () => {
    const inRange = (label: string, version: string) => ({ version, label, range: '>=1.36', inRange: label !== '1.35' });
    const failed = { ...sampleLongFailure(), lab: { file: 'labs/authz.md', title: 'Kubelet authz with `nodes/proxy`', id: 'authz' }, kubernetes: inRange('1.35', 'v1.35.4') };
    failed.steps = samplePassingRun().steps.map((s, i) => (i === 1 ? { ...s, status: 'failed' as const, blocks: [sampleLongFailure().steps[1]!.blocks[0]!] } : i === 2 ? s : s));
    failed.summary = { ...failed.summary, steps: 3, passed: 1, failed: 1, skipped: 1 };
    const set = runSet({
      labs: [{ file: 'labs/authz.md', id: 'authz', title: 'Kubelet authz with `nodes/proxy`', range: '>=1.36' }],
      pairs: ['v1.35.4', 'v1.36.1', 'v1.37.2'].map((version) => ({ lab: 'labs/authz.md', version })),
      runs: [failed, samplePassingRun(inRange('1.36', 'v1.36.1')), samplePassingRun(inRange('1.37', 'v1.37.2'))],
    });
    const page = await open(await writeRunReportHtml(join(out, 'matrix'), set), 1000, 800);
    const matrix = page.locator('table.matrix');
    expect((await matrix.boundingBox())!.y).toBeLessThan(800);
    expect(await matrix.locator('thead th').allTextContents()).toEqual(['Kubelet authz with nodes/proxylabs/authz.md · kubernetes >=1.36', '1.35outside range', '1.36', '1.37']);
    const rows = await matrix.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.className.replace('cell ', ''))));
    expect(rows.map((r) => r.slice(1))).toEqual([
      ['passed', 'passed', 'passed'],
      ['failed', 'passed', 'passed'],
      ['skipped', 'skipped', 'skipped'],
      ['failed', 'passed', 'passed'],
    ]);
    await page.screenshot({ path: join(shots, 'run-matrix.png'), fullPage: true });
    await matrix.locator('tbody tr:nth-child(2) td.failed a').click();
    await page.waitForURL(/labs\/001-authz-1-35\.html#query-the-node-log$/);
    expect(await page.textContent('h1')).toContain('Kubernetes 1.35');
    expect(await page.textContent('h1')).toContain("outside the lab's range >=1.36");
    await page.close();
  });
});
