// `kubelab serve` as a learner uses it: the real command on port 0, a provider:none course, and
// Debian's headless Chromium. The terminal is the lab's own shell: a variable a block set is
// there for what the learner types, the check passes, and a reload resumes. Then the doors:
// no token, a wrong token, another origin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';
import { runCli } from '../../src/cli.js';
import { hasChromium, launchChromium } from '../html/browser.js';

const COURSE = resolve(__dirname, '../fixtures/serve/course');
const SCRATCH = '/tmp/kubelab-serve-fixture';

/** What the terminal shows, as the accessibility tree (and so a screen reader) reads it. */
async function terminalText(page: Page): Promise<string> {
  return page.$eval('.xterm', (e) => (e.querySelector('.xterm-accessibility-tree') ?? e.querySelector('.xterm-rows'))?.textContent ?? '');
}

async function waitForTerminal(page: Page, re: RegExp, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    // Logical lines from xterm's buffer: a row the terminal wrapped joins the row before it, so
    // a command is one line however long the prompt (its working directory) is.
    const rows = await page.evaluate(() => {
      const buf = (window as unknown as { kubelabTerminal?: { buffer: { active: { length: number; getLine(i: number): { isWrapped: boolean; translateToString(trim: boolean): string } | undefined } } } }).kubelabTerminal?.buffer.active;
      if (!buf) return '';
      let text = '';
      for (let i = 0; i < buf.length; i++) {
        const line = buf.getLine(i);
        if (!line) continue;
        const continued = buf.getLine(i + 1)?.isWrapped ?? false;
        text += (i > 0 && !line.isWrapped ? '\n' : '') + line.translateToString(!continued);
      }
      return text;
    });
    if (re.test(rows)) return rows;
    if (Date.now() > end) throw new Error(`the terminal never showed ${re}; it shows:\n${rows}`);
    await page.waitForTimeout(100);
  }
}

describe.skipIf(!hasChromium)('kubelab serve in headless Chromium', () => {
  let browser: BrowserContext;
  let closeBrowser: () => Promise<void>;
  const stop = new AbortController();
  let exited: Promise<number>;
  let url = '';
  let base = '';
  let token = '';
  const stateDir = mkdtempSync(join(tmpdir(), 'kubelab-serve-state-'));
  const shots = process.env.KUBELAB_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'kubelab-serve-shots-'));
  const stderr = new PassThrough();
  let errText = '';

  beforeAll(async () => {
    rmSync(SCRATCH, { recursive: true, force: true });
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (errText += c.toString()));
    exited = runCli(['serve', COURSE, '--port', '0', '--state-dir', stateDir], { stdout, stderr, env: { ...process.env, NO_COLOR: '1' }, signal: stop.signal, isTTY: false });
    const end = Date.now() + 30_000;
    while (!/^http:\/\/\S+$/m.test(out)) {
      if (Date.now() > end) throw new Error(`serve printed no URL: ${out}${errText}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    url = /^(http:\/\/\S+)$/m.exec(out)![1]!;
    const u = new URL(url);
    base = u.origin;
    token = u.searchParams.get('token')!;
    ({ browser, close: closeBrowser } = await launchChromium());
  }, 90_000);

  afterAll(async () => {
    await closeBrowser?.();
    stop.abort('SIGINT');
    expect(await exited).toBe(0);
    rmSync(SCRATCH, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }, 30_000);

  it('prints the URL with its token on a line of its own, bound to 127.0.0.1', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect(errText).toBe('');
  });

  it('runs a block in the terminal, shares its variable with what the learner types, checks and resumes', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 760 });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    // The course index, with each lab's progress; the token left the address bar.
    await page.waitForSelector('.lab-card');
    expect(page.url()).toBe(`${base}/`);
    expect(await page.$$eval('.lab-card .lab-title', (es) => es.map((e) => e.textContent))).toEqual(['The shell keeps state', 'Files']);
    expect(await page.textContent('.lab-card .lab-state')).toContain('0/2 steps done');
    await page.click('text=The shell keeps state');
    await page.waitForSelector('.xterm-rows');
    await waitForTerminal(page, /lab:.*[#$]/);

    // Run the first block: typed into the terminal, output there, ✓ beside the block.
    await page.click('button[aria-label="Run block 1"]');
    await page.waitForSelector('.block-card .result.passed');
    await waitForTerminal(page, /export WORD=kubelab-\$\(\(6\*7\)\)[\s\S]*WORD is kubelab-42/);
    await page.click('button[aria-label="Run block 2"]');
    await page.waitForSelector('.block-card:nth-of-type(2) .result.passed, .block-card .result.passed >> nth=1');

    // The learner types in the same shell: the block's variable and function are there.
    await page.click('.xterm');
    await page.keyboard.type('echo "got $WORD"; shout hi\n');
    await waitForTerminal(page, /got kubelab-42[\s\S]*HI!/);
    // A check before the learner did the work fails, and says what ran and what it printed.
    await page.click('button:has-text("Check")');
    await page.waitForSelector('section.check.failed');
    expect(await page.textContent('section.check')).toContain('grep -x kubelab-42 "$SCRATCH/note"');
    expect(await page.textContent('section.check')).toContain('exited with code 2');
    expect(await page.textContent('section.check')).not.toContain('hint:');
    await page.click('.xterm');
    await page.keyboard.type('echo "$WORD" > "$SCRATCH/note"\n');
    await page.waitForTimeout(300);
    await page.click('button:has-text("Check")');
    await page.waitForSelector('section.check.passed');
    expect(await page.textContent('section.check')).toContain('kubelab-42');
    expect(await page.getAttribute('.pill >> nth=0', 'class')).toContain('done');
    // The accessibility tree carries the terminal's text too (xterm fills it a moment later).
    await expect.poll(() => terminalText(page), { timeout: 10_000 }).toContain('got kubelab-42');
    await page.locator('section.check').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'serve-lab.png') });

    // Next step; then reload: the page resumes there, the terminal keeps its history and state.
    await page.click('button:has-text("Next →")');
    await page.waitForSelector('h2:has-text("Shout it")');
    await page.reload();
    await page.waitForSelector('h2:has-text("Shout it")');
    expect(await page.textContent('.notice').catch(() => '')).toMatch(/Welcome back|^$/);
    await waitForTerminal(page, /got kubelab-42/);
    await page.click('button[aria-label="Run block 1"]');
    await page.waitForSelector('.block-card .result.passed');
    await page.click('button:has-text("Check")');
    await page.waitForSelector('section.check.passed');
    await page.click('button:has-text("Finish")');
    await page.waitForSelector('.complete h2');
    expect(await page.textContent('.complete h2')).toContain('Lab complete: 2/2 steps');
    await page.screenshot({ path: join(shots, 'serve-complete.png') });

    // The index now shows the progress. No request left this machine.
    await page.goto(`${base}/`);
    await page.waitForSelector('.lab-card');
    expect(await page.textContent('.lab-card .lab-state')).toContain('2/2 steps done');
    await page.screenshot({ path: join(shots, 'serve-course.png') });
    expect(requests.every((u) => u.startsWith(base))).toBe(true);
    await page.close();
  }, 120_000);

  it('refuses requests without the token (401), with a wrong one (403), and cross-origin ones (403)', async () => {
    expect((await fetch(`${base}/labs/0`)).status).toBe(401);
    expect((await fetch(`${base}/api/labs/0`)).status).toBe(401);
    expect((await fetch(`${base}/api/labs/0`, { headers: { cookie: 'kubelab_token=wrong' } })).status).toBe(403);
    expect((await fetch(`${base}/static/page.js?token=x${token}`)).status).toBe(403);
    const good = { cookie: `kubelab_token=${token}` };
    expect((await fetch(`${base}/api/labs/0`, { headers: good })).status).toBe(200);
    const post = await fetch(`${base}/api/labs/0/goto`, { method: 'POST', headers: { ...good, origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"step":0}' });
    expect(post.status).toBe(403);

    const upgrade = (headers: Record<string, string>) =>
      new Promise<{ status: number; data: string }>((done) => {
        const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/labs/0`, { headers });
        let data = '';
        ws.on('unexpected-response', (_req, res) => done({ status: res.statusCode ?? 0, data }));
        ws.on('message', (m) => (data += m.toString()));
        ws.on('open', () => setTimeout(() => (ws.close(), done({ status: 101, data })), 500));
        ws.on('error', () => done({ status: -1, data }));
      });
    expect((await upgrade({})).status).toBe(401);
    expect((await upgrade({ cookie: 'kubelab_token=wrong' })).status).toBe(403);
    expect((await upgrade({ ...good, origin: 'http://evil.example' })).status).toBe(403);
    expect((await upgrade({ ...good, origin: 'http://localhost.evil.example' })).status).toBe(403);
    // The page's own origin gets the shell (its history first).
    const ok = await upgrade({ ...good, origin: base });
    expect(ok.status).toBe(101);
    expect(ok.data).toContain('got kubelab-42');
  }, 30_000);
});
