// The built CLI under the conditions of issue 8: a closed terminal (SIGHUP), a closed pipe
// (`| head -1`), report files that cannot be written, huge block outputs, and cleanup journals
// that cannot be finished. Real child processes and real bash; labs are written per test.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, removeBuild, ROOT, runCliProcess, startCli, type CliRun } from './built-cli.js';
import { validate } from '../report/json-schema.js';

let cli: string;
let tmp: string;

beforeAll(async () => {
  cli = await buildCli();
  tmp = mkdtempSync(join(tmpdir(), 'kubelab-robust-'));
}, 300_000);

afterAll(() => {
  if (cli) removeBuild(cli);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const SPAWNING = { timeout: 120_000 };
const isRoot = process.getuid?.() === 0;
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

let seq = 0;
/** A fresh directory with a lab (cluster provider none) and its own state dir. */
function labDir(body: string, title = 'Robust lab'): { dir: string; lab: string; state: string; env: NodeJS.ProcessEnv } {
  const dir = join(tmp, `case-${++seq}`);
  mkdirSync(dir, { recursive: true });
  const lab = join(dir, 'lab.md');
  writeFileSync(lab, `---\ntitle: ${title}\nid: robust-${seq}\ncluster: { provider: none }\n---\n\n# ${title}\n\n${body}`);
  const state = join(dir, 'state');
  return { dir, lab, state, env: cliEnv({ KUBELAB_STATE_DIR: state }) };
}

const SLEEP_LAB = ['## Get ready', '', '```sh', 'echo ready', '```', '', '## Sleep', '', '```sh { timeout=300s }', 'sleep 100', '```', '', '## Cleanup', '', '```sh', 'touch "$MARKER"', '```', ''].join('\n');
const PASS_LAB = ['## One', '', '```sh', 'echo one', '```', '', '## Two', '', '```sh', 'echo two', '```', '', '## Three', '', '```sh', 'echo three', '```', '', '## Cleanup', '', '```sh', 'touch "$MARKER"', '```', ''].join('\n');

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('bash', ['-c', script], { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    child.stdin?.end();
  });
}

describe('signals and closed output', SPAWNING, () => {
  it('SIGHUP (terminal closed) stops the lab, cleans up, reports interrupted and exits like SIGTERM (143)', async () => {
    const { lab, dir, env } = labDir(SLEEP_LAB);
    const marker = join(dir, 'marker');
    const json = join(dir, 'report.json');
    const run = startCli(cli, ['run', lab, '--var', `MARKER=${marker}`, '--json', json], { env });
    await run.waitFor('[2/2] Sleep …');
    run.child.kill('SIGHUP');
    const r = await run.done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(143);
    expect(existsSync(marker)).toBe(true);
    expect(r.stderr).toContain('kubelab: SIGHUP: stopping the lab and cleaning up');
    expect(r.stdout).toContain('INTERRUPTED');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report).toMatchObject({ status: 'interrupted', exitCode: 143 });
  });

  it('`kubelab run LAB | head -1`: no EPIPE crash, cleanup runs, the exit code is the run\'s own (0 and 1)', async () => {
    const { lab, dir, env } = labDir(PASS_LAB);
    const marker = join(dir, 'marker');
    const codeFile = join(dir, 'code');
    const script = `"${process.execPath}" "${cli}" run "${lab}" --var MARKER="${marker}" | head -1; echo "\${PIPESTATUS[0]}" > "${codeFile}"`;
    const r = await bash(script, env);
    expect(r.stdout).toBe(`Robust lab (${lab}, 3 steps)\n`);
    expect(r.stderr).toBe('');
    expect(readFileSync(codeFile, 'utf8').trim()).toBe('0');
    expect(existsSync(marker)).toBe(true);

    const failing = labDir(['## One', '', '```sh', 'echo one', '```', '', '## Two', '', '```sh', 'echo two; exit 4', '```', '', '## Cleanup', '', '```sh', 'touch "$MARKER"', '```', ''].join('\n'));
    const marker2 = join(failing.dir, 'marker');
    const r2 = await bash(`"${process.execPath}" "${cli}" run "${failing.lab}" --var MARKER="${marker2}" | head -1; echo "\${PIPESTATUS[0]}" > "${codeFile}"`, failing.env);
    expect(r2.stderr).toBe('');
    expect(readFileSync(codeFile, 'utf8').trim()).toBe('1');
    expect(existsSync(marker2)).toBe(true);
  });

  it('with stdout and stderr both closed, Ctrl-C still stops, cleans up and exits 130 (dot and github reporters too)', async () => {
    const { lab, dir, env } = labDir(SLEEP_LAB);
    const marker = join(dir, 'marker');
    const json = join(dir, 'report.json');
    const run = startCli(cli, ['run', lab, '--var', `MARKER=${marker}`, '--reporter', 'dot', '--reporter', 'terminal', '--json', json], { env: { ...env, GITHUB_ACTIONS: 'true' } });
    await run.waitFor('[2/2] Sleep');
    run.child.stdout!.destroy();
    run.child.stderr!.destroy();
    await new Promise((res) => setTimeout(res, 200));
    run.child.kill('SIGINT');
    const code = await new Promise<number | null>((res) => run.child.on('exit', (c) => res(c)));
    expect(code).toBe(130);
    expect(existsSync(marker)).toBe(true);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ status: 'interrupted', exitCode: 130 });
  });

  // Waiting for the runner (lead): an interrupt during the Cleanup section must make the report
  // `interrupted` (130). The CLI and the reporters take status and exit code from that one report.
  it('SIGINT during the Cleanup section: exit code, terminal and JSON report agree (interrupted, 130)', async () => {
    const { lab, dir, env } = labDir(['## Quick', '', '```sh', 'echo quick', '```', '', '## Cleanup', '', '```sh { timeout=60s }', 'sleep 3', 'touch "$MARKER"', '```', ''].join('\n'));
    const marker = join(dir, 'marker');
    const json = join(dir, 'report.json');
    const run = startCli(cli, ['run', lab, '--var', `MARKER=${marker}`, '--json', json], { env });
    await run.waitFor('cleanup (1)');
    run.child.kill('SIGINT');
    const r = await run.done;
    const report = JSON.parse(readFileSync(json, 'utf8'));
    // whatever the runner decides, the three agree
    expect(r.code).toBe(report.exitCode);
    expect(r.stdout).toContain(report.status === 'passed' ? 'PASSED' : report.status.toUpperCase());
    // and what they agree on is the interrupt
    expect(report).toMatchObject({ status: 'interrupted', exitCode: 130 });
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('INTERRUPTED');
  });
});

describe('report files that cannot be written', SPAWNING, () => {
  it('--json under a file, --junit at a directory: exit 2 before anything runs, with path, reason and hint', async () => {
    const { lab, dir, env } = labDir(PASS_LAB);
    const marker = join(dir, 'marker');
    writeFileSync(join(dir, 'afile'), 'x');
    const underFile = join(dir, 'afile', 'report.json');
    const r = await runCliProcess(cli, ['run', lab, '--var', `MARKER=${marker}`, '--json', underFile], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`kubelab: error: cannot write the JSON report to ${underFile}: a part of the path is a file, not a directory (${join(dir, 'afile')} is a file)\n  hint: give --json the path of a file in a directory you can write to\n`);
    expect(existsSync(marker)).toBe(false);

    const r2 = await runCliProcess(cli, ['run', lab, '--var', `MARKER=${marker}`, '--junit', dir], { env });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`cannot write the JUnit report to ${dir}: it is a directory`);
    expect(r2.stderr).toContain('hint: give --junit');
    expect(existsSync(marker)).toBe(false);
    noStack(r2.stderr);
  });

  it.skipIf(isRoot)('a read-only directory is refused before the run', async () => {
    const { lab, dir, env } = labDir(PASS_LAB);
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    writeFileSync(join(ro, 'report.json'), '{"old": true}');
    chmodSync(ro, 0o555);
    try {
      const r = await runCliProcess(cli, ['run', lab, '--var', `MARKER=${join(dir, 'm')}`, '--json', join(ro, 'report.json')], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('permission denied');
    } finally {
      chmodSync(ro, 0o755);
    }
  });

  it('a write that fails at the end (file size limit) is said, exits 2, and the older report is moved aside', async () => {
    const big = ['## Big', '', '```sh', "head -c 200000 /dev/zero | tr '\\0' x", '```', '', '## Cleanup', '', '```sh', 'touch "$MARKER"', '```', ''].join('\n');
    const { lab, dir, env } = labDir(big);
    const marker = join(dir, 'marker');
    const json = join(dir, 'report.json');
    writeFileSync(json, '{"old": "report of an earlier run"}\n');
    // 64 KiB: the journal fits, the report (over 64 KiB of output) does not.
    const r = await bash(`ulimit -f 64; "${process.execPath}" "${cli}" run "${lab}" --var MARKER="${marker}" --json "${json}"`, env);
    expect(existsSync(marker)).toBe(true);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('PASSED');
    expect(r.stderr).toContain(`kubelab: error: cannot write the JSON report to ${json}: the file is too large (file size limit); the report of an earlier run that was there is now ${json}.stale`);
    expect(r.stderr).toContain('hint: give --json');
    expect(existsSync(json)).toBe(false);
    expect(readFileSync(`${json}.stale`, 'utf8')).toContain('earlier run');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('huge block outputs in reports', SPAWNING, () => {
  it('keep the last 64 KiB of each block output, say what was cut, and stay small', async () => {
    const mb = 6;
    const body = ['## Loud', '', '```sh', `head -c ${mb * 1024 * 1024} /dev/zero | tr '\\0' x; echo; echo LAST LINE`, '```', '', '## Loud and failing', '', '```sh', `head -c ${mb * 1024 * 1024} /dev/zero | tr '\\0' y >&2; echo; echo THE ERROR >&2; exit 1`, '```', ''].join('\n');
    const { lab, dir, env } = labDir(body);
    const json = join(dir, 'r.json');
    const junit = join(dir, 'r.xml');
    const r = await runCliProcess(cli, ['run', lab, '--json', json, '--junit', junit], { env });
    expect(r.code).toBe(1);
    expect(statSync(json).size).toBeLessThan(600 * 1024);
    expect(statSync(junit).size).toBeLessThan(600 * 1024);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(validate(JSON.parse(readFileSync(join(ROOT, 'docs/report-schema.json'), 'utf8')), report)).toEqual([]);
    const loud = report.steps[0].blocks[0];
    expect(loud.stdout).toMatch(/^\[… 5\.9 MB cut …\]\n/);
    expect(loud.stdout.endsWith('LAST LINE\n')).toBe(true);
    expect(loud.truncated.stdout).toBeGreaterThan(6 * 1024 * 1024 - 70 * 1024);
    expect(loud.truncated.output).toBeGreaterThan(0);
    const failing = report.steps[1].blocks[0];
    expect(failing.stderr).toContain('THE ERROR');
    expect(failing.truncated.stderr).toBeGreaterThan(0);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('[… 5.9 MB cut …]');
    expect(xml).toContain('THE ERROR');
    expect(r.stdout).toContain('THE ERROR');
  });
});

function cleanupLab(): ReturnType<typeof labDir> {
  return labDir(['## Change', '', '```sh', 'echo changed', '```', '', '## Cleanup', '', '```sh', 'echo "the cluster is gone" >&2', 'exit 3', '```', ''].join('\n'), 'Stuck cleanup lab');
}

async function leaveJournal(c: ReturnType<typeof labDir>): Promise<string> {
  const json = join(c.dir, 'first.json');
  const first = await runCliProcess(cli, ['run', c.lab, '--no-cleanup', '--json', json], { env: c.env });
  expect(first.code).toBe(0);
  return JSON.parse(readFileSync(json, 'utf8')).runId as string;
}

describe('kubelab cleanup: failures with their reasons, and --drop', SPAWNING, () => {
  it('a cleanup that can never succeed: shows why and what is pending, then --drop (with --yes) gives up on it, listing what was not undone', async () => {
    const c = cleanupLab();
    const runId = await leaveJournal(c);
    const failed = await runCliProcess(cli, ['cleanup'], { env: c.env });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`run ${runId} of ${c.lab}`);
    expect(failed.stdout).toContain('cleanup failed: echo "the cluster is gone" >&2');
    expect(failed.stdout).toContain('the cluster is gone');
    expect(failed.stdout).toMatch(/not finished, still pending \(journal .+\):\n {4}- cleanup block cleanup\/1 \(.*lab\.md:\d+(:\d+)?\)\n {8}\$ echo "the cluster is gone" >&2\n {10}exit 3\n {8}exit code 3/);
    expect(failed.stdout).toContain(`\`kubelab cleanup --drop ${runId}\``);
    expect(failed.stdout).toContain('cleanup: 0 ok, 1 failed');

    // the next run still refuses; the drop needs confirmation when stdin is not a terminal
    expect((await runCliProcess(cli, ['run', c.lab], { env: c.env })).code).toBe(2);
    const unconfirmed = await runCliProcess(cli, ['cleanup', '--drop', runId], { env: c.env });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toContain('NOT undone');
    expect(unconfirmed.stderr).toContain('not confirmed; nothing was dropped');
    expect(unconfirmed.stderr).toContain(`hint: stdin is not a terminal: add --yes`);
    expect((await runCliProcess(cli, ['cleanup'], { env: c.env })).code).toBe(1);

    const dropped = await runCliProcess(cli, ['cleanup', '--drop', runId, '--yes'], { env: c.env });
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toContain('Dropping it leaves 1 item NOT undone; undo them by hand:');
    expect(dropped.stdout).toContain('- cleanup block cleanup/1 (');
    expect(dropped.stdout).toContain('        $ echo "the cluster is gone" >&2\n          exit 3\n');
    expect(dropped.stdout).toMatch(new RegExp(`Dropped ${runId}: the item above was NOT undone\\. The journal is kept as .+\\.dropped-`));
    const after = await runCliProcess(cli, ['cleanup'], { env: c.env });
    expect(after.stdout).toContain('nothing to clean up');
    expect((await runCliProcess(cli, ['run', c.lab], { env: c.env })).code).toBe(1);

    const unknown = await runCliProcess(cli, ['cleanup', '--drop', 'no-such-run', '--yes'], { env: c.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--drop no-such-run: no unfinished run');
  });

  it('says why: a run that is still going, an unreadable journal (and --drop removes the latter)', async () => {
    const c = labDir(SLEEP_LAB);
    const run = startCli(cli, ['run', c.lab, '--var', `MARKER=${join(c.dir, 'm')}`], { env: c.env });
    await run.waitFor('[2/2] Sleep …');
    const journals = join(c.state, 'journals');
    writeFileSync(join(journals, 'broken-0123456789.json'), '{ not json');
    let r: CliRun;
    try {
      r = await runCliProcess(cli, ['cleanup'], { env: c.env });
    } finally {
      run.child.kill('SIGTERM');
      await run.done;
    }
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`✗ run \\S+ of ${c.lab.replace(/[.]/g, '\\.')} is still going \\(process ${run.child.pid}\\)`));
    expect(r.stdout).toContain(`hint: let it finish, or stop it (\`kill ${run.child.pid}\``);
    expect(r.stdout).toContain(`✗ journal ${join(journals, 'broken-0123456789.json')} cannot be read`);
    expect(r.stdout).toMatch(/JSON/);
    expect(r.stdout).toContain('`kubelab cleanup --drop broken-0123456789.json`');
    expect(r.stdout).toContain('cleanup: 0 ok, 2 failed');

    const drop = await runCliProcess(cli, ['cleanup', '--drop', 'broken-0123456789.json', '--yes'], { env: c.env });
    expect(drop.code).toBe(0);
    expect(drop.stdout).toContain('NOT undone');
    expect(existsSync(join(journals, 'broken-0123456789.json'))).toBe(false);
    expect((await runCliProcess(cli, ['cleanup'], { env: c.env })).stdout).toContain('nothing to clean up');
  });
});
