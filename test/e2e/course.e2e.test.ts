// The course labs/69, 70 and 71 through `kubelab serve` in headless Chromium, on ONE real kind
// cluster that the course itself creates (a name of this test's own): every block of every step
// run with its ▶ Run button, every step checked, each lab finished and cleaned up with the page's
// button. The labs share the cluster through the course mechanism: it is created once (on lab
// 69's first block), reused by the other labs, and deleted by the course when the last lab on it
// is finished. After each lab the test checks that the cluster is as the lab found it (objects,
// pods, the workers' kubelet configs byte for byte). The learner takes 69, then 71, then 70 (a
// course does not force its order), so that the cluster is still there to check after lab 71.
// With KUBELAB_SCREENSHOTS=DIR the page with labs/71 and the course index are saved there
// (docs/img/ in the repository).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { toolEnv } from '../../src/cluster/env.js';
import { hasChromium, launchChromium } from '../html/browser.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli.js');
// KUBELAB_E2E_PREFIX tells apart the clusters of several checkouts on one machine.
const NAME = `${process.env.KUBELAB_E2E_PREFIX ?? 'course-e2e'}-${randomBytes(3).toString('hex')}`;
const tools = toolEnv(process.env);
const imageReady =
  !!tools.nodeImage &&
  (() => {
    try {
      execFileSync('docker', ['image', 'inspect', tools.nodeImage!], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

const dir = mkdtempSync(join(tmpdir(), 'kubelab-course-e2e-'));
const courseDir = join(dir, 'course');
const stateDir = join(dir, 'state');
const shots = process.env.KUBELAB_SCREENSHOTS;
const LABS = ['69-node-logs-journalctl.md', '70-kubelet-api-nodes-proxy.md', '71-node-log-kubelet-authz.md'];

/** The course as labs/ has it, on a cluster named for this test. */
function writeCourse(): void {
  mkdirSync(courseDir, { recursive: true });
  for (const name of LABS) {
    const text = readFileSync(join(root, 'labs', name), 'utf8');
    const renamed = text.replace(/^ {2}name: kubelab$/m, `  name: ${NAME}`).replace(/^ {2}config: \.\.\/kind-config\.yaml$/m, `  config: ${join(root, 'kind-config.yaml')}`);
    expect(renamed, `${name} names the kind cluster kubelab with ../kind-config.yaml`).not.toBe(text);
    expect(renamed).toContain(`name: ${NAME}`);
    writeFileSync(join(courseDir, name), renamed);
  }
  writeFileSync(join(courseDir, 'course.yaml'), readFileSync(join(root, 'labs/course.yaml'), 'utf8'));
}

function kindClusters(): string[] {
  return execFileSync(tools.kind, ['get', 'clusters'], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

function kubectl(args: string[]): string {
  const kubeconfig = join(dir, 'e2e.kubeconfig');
  if (!existsSync(kubeconfig)) writeFileSync(kubeconfig, execFileSync(tools.kind, ['get', 'kubeconfig', '--name', NAME], { encoding: 'utf8' }));
  return execFileSync(tools.kubectl, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' }).trim();
}

/** What a lab may change and must put back: objects it creates, pods, kubelet configs and their backups. */
function clusterState(): string {
  const objects = kubectl(['get', 'namespaces,clusterroles,clusterrolebindings', '-o', 'name']).split('\n').sort();
  const namespaced = kubectl(['get', 'pods,serviceaccounts,roles,rolebindings', '-A', '-o', 'custom-columns=KIND:.kind,NS:.metadata.namespace,NAME:.metadata.name', '--no-headers']).split('\n').sort();
  const workers = [`${NAME}-worker`, `${NAME}-worker2`].map((w) => `${w}: ${docker(['exec', w, 'sh', '-c', 'sha256sum /var/lib/kubelet/config.yaml; ls /var/lib/kubelet/ | grep "^config"'])}`);
  return [...objects, ...namespaced, ...workers].join('\n');
}

const controlPlaneId = () => docker(['inspect', '--format', '{{.Id}} {{.Created}}', `${NAME}-control-plane`]);

/** What the terminal shows (xterm's buffer, logical lines). */
async function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const buf = (window as unknown as { kubelabTerminal?: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } }).kubelabTerminal?.buffer.active;
    if (!buf) return '';
    const rows: string[] = [];
    for (let i = 0; i < buf.length; i++) rows.push(buf.getLine(i)?.translateToString(true) ?? '');
    return rows.join('\n').trimEnd();
  });
}

const BLOCK_MS = 240_000;

/** Click ▶ Run on block `n` (1-based) and wait for its result; it must pass. */
async function runBlock(page: Page, n: number): Promise<void> {
  const button = `button[aria-label="Run block ${n}"]`;
  await page.click(button);
  await page.waitForFunction(
    (sel) => {
      const card = document.querySelector(sel)?.closest('.block-card');
      return !!card?.querySelector('.result') && !document.querySelector('button.run[disabled]');
    },
    button,
    { timeout: BLOCK_MS },
  );
  const result = await page.$eval(button, (b) => {
    const r = b.closest('.block-card')!.querySelector('.result')!;
    return { cls: r.className, text: r.textContent ?? '' };
  });
  if (!result.cls.includes('passed')) {
    const step = await page.textContent('article.step h2');
    throw new Error(`${step}: block ${n} ${result.text}\nthe terminal:\n${(await terminalText(page)).split('\n').slice(-40).join('\n')}`);
  }
}

/** Every step of the lab at `/labs/index`: run each block, check, next; then finish and clean up. */
async function takeLab(page: Page, base: string, index: number, onStep?: (title: string) => Promise<void>): Promise<string> {
  await page.goto(`${base}/labs/${index}`);
  await page.waitForSelector('article.step h2');
  await page.waitForSelector('.xterm-rows');
  const steps = await page.$$eval('nav.strip .pill', (p) => p.length);
  for (let s = 0; s < steps; s++) {
    const title = (await page.textContent('article.step h2'))!;
    expect(title).toContain(`Step ${s + 1} of ${steps}`);
    const blocks = await page.$$eval('button.run', (b) => b.length);
    for (let n = 1; n <= blocks; n++) await runBlock(page, n);
    if (await page.$('.actions button.primary')) {
      await page.click('.actions button.primary');
      await page.waitForFunction(() => !!document.querySelector('section.check') && !document.querySelector('.actions button.primary[disabled]'), undefined, { timeout: BLOCK_MS });
      const check = (await page.textContent('section.check'))!;
      expect(check, `${title}: the check`).toContain('✓ Check passed');
    }
    // Checked, or (nothing to check) every block ran: the step is done.
    expect(await page.getAttribute(`nav.strip .pill >> nth=${s}`, 'class'), `${title} is done`).toContain('done');
    await onStep?.(title);
    if (s + 1 < steps) {
      await page.click('button:has-text("Next →")');
      await page.waitForFunction((t) => !!document.querySelector('article.step h2')?.textContent?.includes(t), `Step ${s + 2} of ${steps}`);
    }
  }
  await page.click('button:has-text("Finish")');
  await page.waitForSelector('.complete h2');
  expect(await page.textContent('.complete h2')).toContain(`Lab complete: ${steps}/${steps} steps`);
  await page.click('.complete button:has-text("Clean up")');
  await page.waitForSelector('.complete .message', { timeout: BLOCK_MS }).catch(async (e: Error) => {
    throw new Error(`${e.message}\nthe terminal:\n${(await terminalText(page)).split('\n').slice(-40).join('\n')}\nserve printed:\n${serveOutput().slice(-4000)}`);
  });
  const message = (await page.textContent('.complete .message'))!;
  expect(await page.getAttribute('.complete .message', 'class'), message).toContain('ok');
  return message;
}

let serveOutput = (): string => '';

describe.skipIf(!imageReady || !hasChromium || !existsSync(cli))('the course labs/69-71 through kubelab serve on one kind cluster', () => {
  let serve: ChildProcess;
  let exited: Promise<number | null>;
  let out = '';
  let url = '';
  let base = '';
  let browser: BrowserContext;
  let closeBrowser: (() => Promise<void>) | undefined;
  let page: Page;

  beforeAll(async () => {
    writeCourse();
    expect(kindClusters()).not.toContain(NAME);
    serve = spawn(process.execPath, [cli, 'serve', courseDir, '--port', '0', '--state-dir', stateDir, '--var', `LAB71_STATE=${join(dir, 'lab71.state')}`], {
      cwd: root,
      env: { ...process.env, KUBELAB_STATE_DIR: stateDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve.stdout!.on('data', (c) => (out += c));
    serve.stderr!.on('data', (c) => (out += c));
    serveOutput = () => out;
    exited = new Promise((r) => serve.on('close', (code) => r(code)));
    const end = Date.now() + 30_000;
    while (!/^http:\/\/\S+$/m.test(out)) {
      if (Date.now() > end) throw new Error(`serve printed no URL: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    url = /^(http:\/\/\S+)$/m.exec(out)![1]!;
    base = new URL(url).origin;
    ({ browser, close: closeBrowser } = await launchChromium());
    page = await browser.newPage();
    await page.setViewportSize({ width: 1360, height: 820 });
    await page.goto(url);
  }, 60_000);

  afterAll(async () => {
    await closeBrowser?.();
    if (serve && serve.exitCode === null) {
      serve.kill('SIGINT');
      // The cluster goes whatever serve does: a serve that does not stop is killed.
      if ((await Promise.race([exited.then(() => 'exited'), new Promise((r) => setTimeout(r, 30_000, 'waiting'))])) !== 'exited') serve.kill('SIGKILL');
    }
    if (kindClusters().includes(NAME)) execFileSync(tools.kind, ['delete', 'cluster', '--name', NAME], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('shares one cluster: created by the course for lab 69, reused by 71 and 70, each lab leaving it as found, deleted when the course is finished', async () => {
    // The index: three labs, none started, one cluster for all three that the course will create.
    await page.waitForSelector('.lab-card');
    expect(await page.$$eval('.lab-card .lab-title', (es) => es.map((e) => e.textContent))).toEqual(["Read a node's logs with journalctl", "The kubelet's API and what nodes/proxy grants", 'Node log query and fine-grained kubelet authorization']);
    expect(await page.textContent('section.cluster')).toContain(`kind cluster ${NAME} · not running · shared by 3 labs`);

    // Lab 69. Its first step only reads; once it ran, the cluster is up: the state to keep.
    let before = '';
    let created = '';
    const message69 = await takeLab(page, base, 0, async (title) => {
      if (before) return;
      expect(title).toContain('Find the worker');
      before = clusterState();
      created = controlPlaneId();
    });
    expect(message69.split('\n').filter((l) => !l.startsWith('✓')), message69).toEqual([]);
    expect(message69).toContain('✓ left=$(kubectl get pod logdemo');
    expect(message69).not.toContain('delete kind cluster');
    expect(kindClusters()).toContain(NAME);
    expect(clusterState(), 'lab 69 left the cluster as it found it').toBe(before);
    // The course's journal holds the cluster's deletion; no lab's journal is left.
    expect(readdirSync(join(stateDir, 'journals')).filter((f) => f.endsWith('.json'))).toEqual([expect.stringMatching(new RegExp(`^course-cluster-${NAME}-`))]);

    await page.goto(`${base}/`);
    await page.waitForSelector('.lab-card');
    expect(await page.textContent('.lab-card >> nth=0')).toContain('complete');
    expect(await page.textContent('section.cluster')).toContain('running');
    expect(await page.textContent('section.cluster')).toContain('This course created it');

    // Lab 71, on the same cluster (not created again).
    let shot = false;
    const message71 = await takeLab(page, base, 2, async (title) => {
      if (shot || !/What the service account may do/.test(title)) return;
      shot = true;
      // The step's check: its verify block is an access-review, one SubjectAccessReview per row.
      const check = page.locator('section.check');
      expect(await check.textContent()).toContain('✓ Check passed');
      await check.scrollIntoViewIfNeeded();
      if (shots) await page.screenshot({ path: join(shots, 'serve-lab71.png') });
    });
    // Every cleanup item passed: the kubelet config restored, the RBAC deleted, the lab's own check.
    expect(message71.split('\n').filter((l) => !l.startsWith('✓')), message71).toEqual([]);
    expect(message71).toContain('✓ restore /var/lib/kubelet/config.yaml');
    expect(message71).toContain('✓ if [ -f "$LAB71_STATE" ]');
    expect(controlPlaneId()).toBe(created);
    expect(clusterState(), 'lab 71 left the cluster as it found it (kubelet configs byte for byte, no RBAC)').toBe(before);
    expect(kubectl(['get', 'namespace/kauthz', 'clusterrole/kubelet-metrics-only', 'clusterrolebinding/kubelet-metrics-only', '--ignore-not-found', '-o', 'name'])).toBe('');

    await page.goto(`${base}/`);
    await page.waitForSelector('.lab-card');
    expect(await page.$$eval('.lab-card', (es) => es.map((e) => e.classList.contains('complete')))).toEqual([true, false, true]);
    if (shots) await page.screenshot({ path: join(shots, 'serve-course-cluster.png'), fullPage: true });

    // Lab 70, the last one on the cluster: its cleanup finishes the course, which deletes the cluster.
    const message70 = await takeLab(page, base, 1, async (title) => {
      if (/Find the worker/.test(title)) expect(controlPlaneId()).toBe(created);
    });
    expect(message70.split('\n').filter((l) => !l.startsWith('✓')), message70).toEqual([]);
    expect(message70).toContain('✓ left=$(kubectl get namespace/kproxy');
    expect(message70).toContain(`✓ delete kind cluster ${NAME}`);
    expect(kindClusters()).not.toContain(NAME);
    expect(readdirSync(join(stateDir, 'journals')).filter((f) => f.endsWith('.json'))).toEqual([]);

    await page.goto(`${base}/`);
    await page.waitForSelector('.lab-card');
    expect(await page.$$eval('.lab-card', (es) => es.map((e) => e.classList.contains('complete')))).toEqual([true, true, true]);
    expect(await page.textContent('section.cluster')).toContain('not running');

    serve.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 1_500_000);
});
