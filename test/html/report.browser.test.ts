// The gradebook and run report as a real browser shows them, opened from file://.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { writeGradebook } from '../../src/grade/output.js';
import { writeRunReportHtml } from '../../src/html/write.js';
import { hasChromium, launchChromium } from './browser.js';
import { sampleGradebook, sampleRunReport } from './sample.js';

describe.skipIf(!hasChromium)('HTML reports in headless Chromium', () => {
  let browser: BrowserContext;
  let close: () => Promise<void>;
  const out = mkdtempSync(join(tmpdir(), 'kubelab-html-'));
  const shots = process.env.KUBELAB_SCREENSHOTS ?? out;

  beforeAll(async () => {
    ({ browser, close } = await launchChromium());
  }, 60_000);
  afterAll(async () => {
    await close?.();
  });

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
    const index = await writeRunReportHtml(join(out, 'run'), sampleRunReport());
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1000, height: 700 });
    await page.goto(pathToFileURL(index).href);
    const bars = await page.$$eval('#timeline .bar', (els) => els.map((e) => (e as HTMLElement).getBoundingClientRect().width));
    expect(bars).toHaveLength(2);
    // 2 s and 7 s of a 10 s run.
    expect(bars[1]! / bars[0]!).toBeCloseTo(3.5, 1);
    expect(await page.textContent('h1')).toContain('failed');
    await page.screenshot({ path: join(shots, 'run-report.png'), fullPage: true });
    await page.close();
  });
});
