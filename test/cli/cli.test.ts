// The built CLI, spawned on fixture labs (cluster provider none): exit codes, messages, signals,
// report files.
import { existsSync, mkdtempSync, readFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, FIXTURES, removeBuild, ROOT, runCliProcess, startCli } from './built-cli.js';
import { find, parseXml } from '../report/xml-parse.js';
import { validate } from '../report/json-schema.js';
import { VERSION } from '../../src/version.js';

let cli: string;
let tmp: string;
let env: NodeJS.ProcessEnv;
const lab = (name: string) => `${FIXTURES}/${name}.md`;

beforeAll(async () => {
  cli = await buildCli();
  tmp = mkdtempSync(join(tmpdir(), 'kubelab-cli-'));
  env = cliEnv({ KUBELAB_STATE_DIR: join(tmp, 'state') });
}, 300_000);

afterAll(() => {
  if (cli) removeBuild(cli);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

// Each test spawns the CLI a few times: generous timeouts for a loaded CI machine.
const SPAWNING = { timeout: 120_000 };

describe('kubelab run', SPAWNING, () => {
  it('passes a passing lab with exit 0 and runs its Cleanup section', async () => {
    const marker = join(tmp, 'pass-marker');
    const r = await runCliProcess(cli, ['run', lab('pass'), '--var', `MARKER=${marker}`], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[1\/2\] Say the word … ✓ \d+\.\ds/);
    expect(r.stdout).toMatch(/\[2\/2\] Count … ✓/);
    expect(r.stdout).toContain('PASSED Passing lab');
    expect(existsSync(marker)).toBe(true);
  });

  it('fails a failing lab with exit 1, file:line and the diff', async () => {
    const r = await runCliProcess(cli, ['run', lab('fail')], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${lab('fail')}:17`);
    expect(r.stdout).toMatch(/^\s+-2$/m);
    expect(r.stdout).toMatch(/^\s+\+two$/m);
    expect(r.stdout).toContain('FAILED Failing lab');
    expect(r.stdout).toContain('[3/3] Never runs … – not run (an earlier step failed)');
    noStack(r.stdout + r.stderr);
  });

  it('fails a block that times out with exit 1 and says so', async () => {
    const started = Date.now();
    const r = await runCliProcess(cli, ['run', lab('timeout')], { env });
    expect(r.code).toBe(1);
    // Well before `sleep 100` would have ended (wide margin: CI runs the suite on a loaded machine).
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(r.stdout).toMatch(/timed out|timeout/i);
    expect(r.stdout).toContain(`${lab('timeout')}:11`);
  });

  it('refuses a malformed lab with exit 2, file:line:col, a hint and no stack trace', async () => {
    const r = await runCliProcess(cli, ['run', lab('malformed')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`kubelab: error: ${lab('malformed')}:11:9`);
    expect(r.stderr).toContain('timeuot');
    expect(r.stderr).toContain('hint: did you mean `timeout`?');
    expect(r.stdout).toBe('');
    noStack(r.stderr);
  });

  it('exits 2 on an unknown flag, a missing lab file or no command', async () => {
    const unknown = await runCliProcess(cli, ['run', '--frobnicate', lab('pass')], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("kubelab: error: unknown option '--frobnicate'");
    const missing = await runCliProcess(cli, ['run', 'no/such/lab.md'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('kubelab: error: cannot read lab no/such/lab.md: no such file');
    noStack(missing.stderr);
    const badVar = await runCliProcess(cli, ['run', lab('pass'), '--var', 'oops'], { env });
    expect(badVar.code).toBe(2);
    expect(badVar.stderr).toContain('expected K=V');
    const none = await runCliProcess(cli, [], { env });
    expect(none.code).toBe(2);
  });

  it('runs several labs in order and exits with the worst code', async () => {
    const r = await runCliProcess(cli, ['run', lab('pass'), lab('fail'), lab('pass')], { env });
    expect(r.code).toBe(1);
    const passed = r.stdout.split('PASSED Passing lab').length - 1;
    expect(passed).toBe(2);
    expect(r.stdout.indexOf('FAILED Failing lab')).toBeGreaterThan(r.stdout.indexOf('PASSED Passing lab'));
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`on ${signal} while a sleep block runs: cleans up, then exits ${code}`, async () => {
      const marker = join(tmp, `${signal}-marker`);
      const run = startCli(cli, ['run', lab('sleep'), '--var', `MARKER=${marker}`], { env });
      await run.waitFor('[2/2] Sleep …');
      await new Promise((r) => setTimeout(r, 300));
      const sentAt = Date.now();
      run.child.kill(signal);
      const r = await run.done;
      expect(r.code).toBe(code);
      // Well before `sleep 100` would have ended.
      expect(Date.now() - sentAt).toBeLessThan(60_000);
      expect(existsSync(marker)).toBe(true);
      expect(r.stderr).toContain(`kubelab: ${signal}: stopping the lab and cleaning up`);
      expect(r.stdout).toContain('INTERRUPTED');
    });
  }

  it('second Ctrl-C says cleanup is in progress; the third quits, leaving the journal for `kubelab cleanup`', async () => {
    const marker = join(tmp, 'triple-marker');
    const stateDir = join(tmp, 'triple-state');
    const run = startCli(cli, ['run', lab('slow-cleanup'), '--var', `MARKER=${marker}`, '--state-dir', stateDir], { env });
    await run.waitFor('[1/1] Sleep …');
    run.child.kill('SIGINT');
    await run.waitFor('cleanup (1)');
    run.child.kill('SIGINT');
    await run.waitFor('cleanup in progress, press Ctrl-C again to force quit');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('run `kubelab cleanup` to undo it');
    // the half-run cleanup block was stopped with the CLI, not left running on its own
    await new Promise((res) => setTimeout(res, 9_000));
    expect(existsSync(marker)).toBe(false);
    // the journal is still there: `kubelab cleanup` finishes the Cleanup section
    const finished = await runCliProcess(cli, ['cleanup', '--state-dir', stateDir], { env });
    expect(finished.code).toBe(0);
    expect(finished.stdout).toMatch(/cleanup: [1-9]\d* ok/);
    expect(existsSync(marker)).toBe(true);
    const nothing = await runCliProcess(cli, ['cleanup', '--state-dir', stateDir], { env });
    expect(nothing.stdout).toContain('nothing to clean up');
  });

  it('--no-cleanup leaves a journal: the next run refuses (exit 2) until `kubelab cleanup` or --force', async () => {
    const marker = join(tmp, 'no-cleanup-marker');
    const stateDir = join(tmp, 'no-cleanup-state');
    const args = ['run', lab('pass'), '--var', `MARKER=${marker}`, '--state-dir', stateDir];
    const first = await runCliProcess(cli, [...args, '--no-cleanup'], { env });
    expect(first.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    const refused = await runCliProcess(cli, args, { env });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('did not finish its cleanup (the Cleanup section (1 block) pending, started');
    expect(refused.stdout).not.toContain('0 undo');
    expect(refused.stdout).toContain('hint: run `kubelab cleanup` to finish it, or pass --force to start anyway');
    expect(refused.stdout).not.toContain('not run');
    const forced = await runCliProcess(cli, [...args, '--force', '--no-cleanup'], { env });
    expect(forced.code).toBe(0);
    const finished = await runCliProcess(cli, ['cleanup', '--state-dir', stateDir], { env });
    expect(finished.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('writes valid JUnit and JSON reports', async () => {
    const junit = join(tmp, 'out', 'junit.xml');
    const json = join(tmp, 'out', 'report.json');
    const r = await runCliProcess(cli, ['run', lab('fail'), '--junit', junit, '--json', json, '--reporter', 'dot'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\.F/);
    const xml = parseXml(readFileSync(junit, 'utf8'));
    const cases = find(xml, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['Works', 'Prints the wrong thing', 'Never runs']);
    expect(find(cases[1]!, 'failure')[0]!.text).toContain('+two');
    expect(find(cases[0]!, 'system-out')[0]!.text).toContain('fine');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs/report-schema.json'), 'utf8'));
    expect(validate(schema, report)).toEqual([]);
    expect(report).toMatchObject({ schemaVersion: 1, kubelab: VERSION, status: 'failed', exitCode: 1, lab: { file: lab('fail'), id: 'cli-fail' } });
    expect(report.steps[1].blocks[0].diff).toContain('+two');
  });

  it('adds GitHub annotations when GITHUB_ACTIONS=true', async () => {
    const r = await runCliProcess(cli, ['run', lab('fail')], { env: { ...env, GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::group::[1/3] Works');
    expect(r.stdout).toMatch(new RegExp(`^::error file=${lab('fail')},line=17,title=`, 'm'));
  });
});

describe('kubelab lint, list, update, cleanup', SPAWNING, () => {
  it('lint prints FILE:LINE:COL: severity: message and exits 2 on errors, 0 otherwise', async () => {
    const bad = await runCliProcess(cli, ['lint', lab('malformed'), lab('pass')], { env });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain(`${lab('malformed')}:11:9: error: unknown attribute \`timeuot\`\n  hint: did you mean`);
    const good = await runCliProcess(cli, ['lint', lab('pass'), lab('fail')], { env });
    expect(good.code).toBe(0);
    expect(good.stderr).toContain('2 labs: no problems');
  });

  it('list shows the steps and their blocks', async () => {
    const r = await runCliProcess(cli, ['list', lab('sleep')], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1. Get ready (get-ready, line 9)');
    expect(r.stdout).toMatch(/sleep\/1 {2}sh \[timeout=300s\] {2}line 17\n {7}sleep 100/);
    expect(r.stdout).toContain('Cleanup');
  });

  it('update rewrites every mismatched expected output in one run (also after a mismatch in the same step), then the lab passes', async () => {
    const dir = mkdtempSync(join(tmp, 'update-'));
    const file = join(dir, 'update.md');
    copyFileSync(join(ROOT, lab('update')), file);
    const before = readFileSync(file, 'utf8');
    const r = await runCliProcess(cli, ['update', 'update.md'], { env, cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('updated update.md:15');
    expect(r.stdout).toContain('4 expected outputs updated');
    expect(r.stdout).not.toContain('did not run');
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('```text\nhello there\n```');
    expect(after).toContain('```text\nfirst\n```');
    expect(after).toContain('```text\nsecond\n```'); // after a mismatch in the same step
    expect(after).toContain("$ printf 'x\\ny\\n'\nx\ny\n```");
    // nothing else changed
    const restored = after
      .replace('```text\nhello there\n```', '```text\nhello world\n```')
      .replace('```text\nfirst\n```', '```text\n1st\n```')
      .replace('```text\nsecond\n```', '```text\n2nd\n```')
      .replace('x\ny\n```', 'x\nz\n```');
    expect(restored).toBe(before);
    const again = await runCliProcess(cli, ['run', 'update.md'], { env, cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('PASSED');
  });

  it('update leaves real failures alone and exits 1', async () => {
    const dir = mkdtempSync(join(tmp, 'update-fail-'));
    const file = join(dir, 'fail.md');
    copyFileSync(join(ROOT, lab('timeout')), file);
    const before = readFileSync(file, 'utf8');
    const r = await runCliProcess(cli, ['update', 'fail.md'], { env, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('0 expected outputs updated, 1 other failure left');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('cleanup with no journals says so and exits 0', async () => {
    const r = await runCliProcess(cli, ['cleanup', '--state-dir', join(tmp, 'empty-state')], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing to clean up');
  });

  it('--version prints the version', async () => {
    const r = await runCliProcess(cli, ['--version'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });
});
