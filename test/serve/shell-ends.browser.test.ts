// In headless Chromium: a block that ends the page's shell (`exit 3`) fails, the page says the
// shell ended and reattaches to a new one, and the next block runs there with the lab's variables.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { runCli } from '../../src/cli.js';
import { hasChromium, launchChromium } from '../html/browser.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-serve-exit-'));
const LAB = join(dir, 'exit.md');

describe.skipIf(!hasChromium)('the page when a block ends its shell', () => {
  let browser: BrowserContext;
  let closeBrowser: () => Promise<void>;
  const stop = new AbortController();
  let exited: Promise<number>;
  let url = '';

  beforeAll(async () => {
    writeFileSync(LAB, '---\ntitle: Exit\nid: serve-exit\ncluster: { provider: none }\nvars: { GREETING: hello }\n---\n\n# Exit\n\n## Leave\n\n```sh\nX=set-before; exit 3\n```\n\n```sh\necho "$GREETING ${X:-gone}"\n```\n\n```text\nhello gone\n```\n');
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    exited = runCli(['serve', LAB, '--port', '0', '--state-dir', join(dir, 'state')], { stdout, stderr: new PassThrough(), env: { ...process.env, NO_COLOR: '1' }, signal: stop.signal, isTTY: false });
    const end = Date.now() + 30_000;
    while (!/^http:\/\/\S+$/m.test(out)) {
      if (Date.now() > end) throw new Error(`serve printed no URL: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    url = /^(http:\/\/\S+)$/m.exec(out)![1]!;
    ({ browser, close: closeBrowser } = await launchChromium());
  }, 60_000);

  afterAll(async () => {
    await closeBrowser?.();
    stop.abort('SIGINT');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('reattaches to a new shell and runs the next block there', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector('.xterm-rows');
    await page.waitForFunction(() => document.getElementById('term-status')?.textContent?.includes("The lab's shell"));
    await page.click('button[aria-label="Run block 1"]');
    await page.waitForSelector('.block-card .result.failed');
    expect(await page.textContent('.notice')).toContain("The lab's shell ended");
    // The page attached to the new shell: its status is the ordinary one again.
    await page.waitForFunction(() => document.getElementById('term-status')?.textContent?.startsWith("The lab's shell: the blocks run here"), undefined, { timeout: 10_000 });
    await page.click('button[aria-label="Run block 2"]');
    await page.waitForSelector('.block-card >> nth=1 >> .result.passed');
    await expect.poll(() => page.evaluate(() => {
      const buf = (window as unknown as { kubelabTerminal: { buffer: { active: { length: number; getLine(i: number): { translateToString(t: boolean): string } | undefined } } } }).kubelabTerminal.buffer.active;
      let t = '';
      for (let i = 0; i < buf.length; i++) t += (buf.getLine(i)?.translateToString(true) ?? '') + '\n';
      return t;
    }), { timeout: 10_000 }).toMatch(/^hello gone$/m);
    await page.close();
  }, 60_000);
});
