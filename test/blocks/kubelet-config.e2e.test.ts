// The kubelet-config block through the CLI on a real kind cluster (`run --cluster existing`):
// a backup it did not make is never restored, its undo is idempotent, kill -9 in the middle of a
// kubelet restart still ends byte-identical, and a config the block cannot read back (/configz
// off), a field the kubelet does not know and a timeout that is too short each end with the real
// cause. Every case checks the worker's config bytes against those from before.
//
// The cluster: KUBELAB_E2E_KC_CLUSTER names an existing kind cluster to use (with
// KUBELAB_E2E_KC_KUBECONFIG), else one is made here and deleted at the end.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCluster, deleteTestCluster } from '../cluster/cluster.js';
import { CLI, ROOT, runCli } from '../e2e/kind-version.js';

const given = process.env.KUBELAB_E2E_KC_CLUSTER;
const NAME = given ?? 'kubelab-kc';
const WORKER = `${NAME}-worker`;
const CONFIG = '/var/lib/kubelet/config.yaml';
const BACKUP = `${CONFIG}.kubelab.bak`;
const fixture = (name: string) => resolve(ROOT, 'test/fixtures/e2e', `${name}.md`);
const LOG_QUERY = fixture('kubelet-config-log-query');
const states = mkdtempSync(join(tmpdir(), 'kubelab-kc-state-'));
let kubeconfig = process.env.KUBELAB_E2E_KC_KUBECONFIG ?? '';
let before = '';

const onNode = (...argv: string[]) => execFileSync('docker', ['exec', WORKER, ...argv], { encoding: 'utf8' });
const config = () => onNode('cat', CONFIG);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const exists = (path: string) => onNode('sh', '-c', 'test -e "$1" && echo yes || echo no', 'sh', path).trim() === 'yes';
let states_n = 0;
const stateDir = () => join(states, String(++states_n));
const run = (lab: string, dir: string, ...flags: string[]) =>
  runCli(['run', lab, '--cluster', 'existing', '--context', `kind-${NAME}`, ...flags], { KUBECONFIG: kubeconfig, KUBELAB_STATE_DIR: dir });
const cleanup = (dir: string) => runCli(['cleanup'], { KUBECONFIG: kubeconfig, KUBELAB_STATE_DIR: dir });
const journals = (dir: string) => (existsSync(join(dir, 'journals')) ? readdirSync(join(dir, 'journals')).filter((n) => n.endsWith('.json')) : []);
const report = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  if (!given) kubeconfig = (await createTestCluster(NAME, resolve(ROOT, 'test/fixtures/e2e/kind-one-worker.yaml'))).kubeconfig;
  before = config();
  expect(exists(BACKUP)).toBe(false);
});
afterAll(async () => {
  if (!given) await deleteTestCluster(NAME);
  rmSync(states, { recursive: true, force: true });
});

describe('kubelet-config on a real cluster', () => {
  it('keeps a stale backup it did not make aside and restores the bytes from before the run', async () => {
    onNode('sh', '-c', `printf 'stale: a copy from long ago\\n' > ${BACKUP}`);
    const r = await run(LOG_QUERY, stateDir());
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(0);
    const aside = /kept it aside as (\S+\.stale-\d{8}T\d{6}Z)/.exec(out)?.[1];
    expect(aside, out).toBeDefined();
    expect(sha(config())).toBe(sha(before));
    expect(onNode('cat', aside!)).toBe('stale: a copy from long ago\n');
    expect(exists(BACKUP)).toBe(false);
    onNode('rm', '-f', aside!);
  });

  it('refuses a backup that an unfinished run in the same state dir still restores, changing nothing', async () => {
    const dir = stateDir();
    const first = await run(LOG_QUERY, dir, '--no-cleanup');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const changed = config();
    expect(changed).not.toBe(before);
    const second = await run(fixture('kubelet-config-no-debug'), dir);
    expect(second.code).toBe(1);
    expect(second.stdout + second.stderr).toMatch(/kubelab\.bak on \S+ belongs to an unfinished run of .*kubelet-config-log-query\.md/);
    expect(config()).toBe(changed);
    const c = await cleanup(dir);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(sha(config())).toBe(sha(before));
  });

  it('cleanup succeeds when the backup was already moved back, and fails loudly when it is gone and the config differs', async () => {
    const dir = stateDir();
    expect((await run(LOG_QUERY, dir, '--no-cleanup')).code).toBe(0);
    // An interrupt right after the restore's rename: config back, no backup, journal still there.
    onNode('mv', '-f', BACKUP, CONFIG);
    const again = await cleanup(dir);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/already holds the backed-up bytes/);
    expect(journals(dir)).toEqual([]);
    expect(sha(config())).toBe(sha(before));

    const dir2 = stateDir();
    expect((await run(LOG_QUERY, dir2, '--no-cleanup')).code).toBe(0);
    const changed = config();
    onNode('rm', BACKUP);
    const lost = await cleanup(dir2);
    expect(lost.code).not.toBe(0);
    expect(lost.stdout + lost.stderr).toMatch(/backup \S+ does not exist and \S+ differs from the backed-up bytes/);
    expect(config()).toBe(changed);
    expect(journals(dir2)).toHaveLength(1);
    // Put back by hand, as the hint says: the next cleanup finds its work done.
    execFileSync('docker', ['exec', '-i', WORKER, 'sh', '-c', `cat > ${CONFIG}`], { input: before });
    const done = await cleanup(dir2);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(journals(dir2)).toEqual([]);
    expect(sha(config())).toBe(sha(before));
  });

  it('kill -9 during the kubelet restart, then `kubelab cleanup`: the config is byte-identical', async () => {
    const dir = stateDir();
    const child = spawn(process.execPath, [CLI, 'run', LOG_QUERY, '--cluster', 'existing', '--context', `kind-${NAME}`], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', KUBECONFIG: kubeconfig, KUBELAB_STATE_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const closed = new Promise((r) => child.once('close', r));
    let out = '';
    await new Promise<void>((done) => {
      const look = (c: Buffer) => {
        out += c;
        if (/restarting the kubelet/.test(out)) {
          child.kill('SIGKILL');
          done();
        }
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      void closed.then(() => done());
    });
    await closed;
    expect(out).toMatch(/restarting the kubelet/);
    expect(journals(dir)).toHaveLength(1);
    const c = await cleanup(dir);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(sha(config())).toBe(sha(before));
    expect(exists(BACKUP)).toBe(false);
    expect(onNode('systemctl', 'is-active', 'kubelet').trim()).toBe('active');
  });

  it('enableDebuggingHandlers: false (no /configz) passes, checked by the kubelet running and the node Ready', async () => {
    const json = join(states, 'no-debug.json');
    const r = await run(fixture('kubelet-config-no-debug'), stateDir(), '--json', json);
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(0);
    expect(report(json).steps[0].blocks[0].output).toMatch(/\/configz is not served \(404.*checked instead that the kubelet runs \(pid \d+\), answers \/healthz and \S+ is Ready/);
    expect(out).not.toMatch(/unknown or misspelt|restored/i);
    expect(sha(config())).toBe(sha(before));
  });

  it('an unknown field ends the block at once with the kubelet\'s own line first, and rolls back', async () => {
    const json = join(states, 'unknown.json');
    const r = await run(fixture('kubelet-config-unknown-field'), stateDir(), '--json', json);
    expect(r.code).toBe(1);
    const block = report(json).steps[0].blocks[0];
    expect(block.message).toMatch(/^the kubelet refused a field of the new config: strict decoding error: unknown field "enableSystemLogQueryy"; the previous config was restored/);
    expect(block.output.split('\n')[0]).toMatch(/strict decoding error: unknown field/);
    // The block's timeout is 2 minutes: it did not wait that out.
    expect(block.timedOut).toBe(false);
    expect(block.durationMs).toBeLessThan(60_000);
    expect(sha(config())).toBe(sha(before));
  });

  it('a value the kubelet refuses at start ends the block at its first exit, with the kubelet\'s reason, and rolls back', async () => {
    const json = join(states, 'broken.json');
    const r = await run(fixture('broken-kubelet'), stateDir(), '--json', json);
    expect(r.code).toBe(1);
    const block = report(json).steps[0].blocks[0];
    expect(block.message).toMatch(/^kubelet on \S+ did not come back with the new config: it exited at start: failed to validate kubelet configuration.*imageGCHighThresholdPercent.*; the previous config was restored and the kubelet restarted$/);
    expect(block.output.split('\n')[0]).toMatch(/"command failed" err=/);
    expect(sha(config())).toBe(sha(before));
    expect(onNode('systemctl', 'is-active', 'kubelet').trim()).toBe('active');
  });

  it('a timeout too short for a healthy kubelet says the block\'s timeout ran out, and while waiting for what', async () => {
    const dir = stateDir();
    const json = join(states, 'short.json');
    const r = await run(fixture('kubelet-config-short-timeout'), dir, '--json', json);
    expect(r.code).toBe(1);
    const block = report(json).steps[0].blocks[0];
    expect(block.timedOut).toBe(true);
    expect(block.message).toMatch(/^the block's timeout \(1(\.0)? ?s\) ran out while waiting for \S/);
    expect(block.message).not.toMatch(/did not stay active/);
    expect(journals(dir)).toEqual([]);
    expect(sha(config())).toBe(sha(before));
    expect(onNode('systemctl', 'is-active', 'kubelet').trim()).toBe('active');
  });
});
