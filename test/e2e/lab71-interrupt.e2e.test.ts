// labs/71 interrupted at each step in turn, on a real kind cluster: SIGINT as the step starts
// (its first block under way: a kubelet restart, an apply, a curl), then the run's own cleanup.
// After each run the worker's kubelet config is byte-identical to before, its backup is gone, the
// lab's RBAC is gone and no journal is left. Cleanup runs independent undos side by side (the
// kubelet config restore and the object deletes), so this also checks that doing so loses
// nothing. One cluster, created here (`speed-…`), reused by every run, deleted at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { toolEnv } from '../../src/cluster/env.js';
import { createTestCluster, deleteTestCluster, type TestCluster } from '../cluster/cluster.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli.js');
const NAME = `speed-int-${process.pid}`;
const WORKER = `${NAME}-worker`;
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

const source = readFileSync(join(root, 'labs/71-node-log-kubelet-authz.md'), 'utf8');
const STEPS = [...source.matchAll(/^## (.+)$/gm)].map((m) => m[1]!).filter((t) => t !== 'Cleanup');

const dir = mkdtempSync(join(tmpdir(), 'kubelab-lab71-int-'));
const stateDir = join(dir, 'state');
const lab = join(dir, 'lab71.md');
let cluster: TestCluster | undefined;

/** The run, interrupted with SIGINT as step `n` (1-based) starts. */
function runInterrupted(n: number): Promise<{ code: number | null; out: string; sent: boolean }> {
  return new Promise((done) => {
    // The lab's state file is private to this test (a run that failed elsewhere cannot leave it one).
    const child = spawn(process.execPath, [cli, 'run', lab, '--reuse', '--var', `LAB71_STATE=${join(dir, 'lab71.state')}`], {
      cwd: root,
      env: { ...process.env, KUBELAB_STATE_DIR: stateDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let sent = false;
    const marker = `[${n}/${STEPS.length}] ${STEPS[n - 1]} …`;
    const onData = (c: Buffer) => {
      out += c.toString();
      if (!sent && out.includes(marker)) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => done({ code, out, sent }));
  });
}

const kubeletConfigSha = () => execFileSync('docker', ['exec', WORKER, 'sha256sum', '/var/lib/kubelet/config.yaml'], { encoding: 'utf8' }).split(' ')[0]!;
const backupExists = () => {
  try {
    execFileSync('docker', ['exec', WORKER, 'test', '-e', '/var/lib/kubelet/config.yaml.kubelab.bak']);
    return true;
  } catch {
    return false;
  }
};
const leftovers = () => execFileSync(tools.kubectl, ['--kubeconfig', cluster!.kubeconfig, 'get', 'namespace/kauthz', 'clusterrole/kubelet-metrics-only', 'clusterrolebinding/kubelet-metrics-only', '--ignore-not-found', '-o', 'name'], { encoding: 'utf8' }).trim();
const journals = () => (existsSync(join(stateDir, 'journals')) ? readdirSync(join(stateDir, 'journals')) : []);

describe.skipIf(!imageReady || !existsSync(cli))('labs/71 interrupted at each step', () => {
  let before: string;
  beforeAll(async () => {
    cluster = await createTestCluster(NAME, join(root, 'kind-config.yaml'));
    writeFileSync(lab, source.replace(/^ {2}name: kubelab$/m, `  name: ${NAME}`).replace('config: ../kind-config.yaml', `config: ${join(root, 'kind-config.yaml')}`));
    before = kubeletConfigSha();
  }, 900_000);
  afterAll(async () => {
    try {
      if (cluster) await deleteTestCluster(NAME);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('the lab has the steps this test interrupts', () => {
    expect(STEPS.length).toBeGreaterThanOrEqual(8);
  });

  for (const [i, title] of STEPS.entries()) {
    it(`SIGINT at step ${i + 1} (${title}) leaves the kubelet config byte-identical and the RBAC gone`, async () => {
      const t0 = Date.now();
      const r = await runInterrupted(i + 1);
      console.log(`interrupted at step ${i + 1}: ${Date.now() - t0} ms, exit ${r.code}`);
      if (r.code !== 130) console.log(r.out.slice(-4000));
      expect(r.sent).toBe(true);
      expect(r.code).toBe(130);
      expect(kubeletConfigSha()).toBe(before);
      expect(backupExists()).toBe(false);
      expect(leftovers()).toBe('');
      expect(journals()).toEqual([]);
      expect(execFileSync('docker', ['exec', WORKER, 'systemctl', 'is-active', 'kubelet'], { encoding: 'utf8' }).trim()).toBe('active');
    }, 240_000);
  }
});
