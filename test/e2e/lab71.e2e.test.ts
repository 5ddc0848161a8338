// labs/71 end to end through the CLI on a real kind cluster: a full run passes; a run
// interrupted with SIGINT in the middle leaves the kubelet config byte-identical and no RBAC
// behind; a kubelet config the kubelet refuses is rolled back with the journal in the error.
// One cluster (`kubelab`) is shared: the first run keeps it, the others reuse it, afterAll
// deletes it when this file created it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { toolEnv } from '../../src/cluster/env.js';
import type { RunReport } from '../../src/model/report.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli.js');
const lab = join(root, 'labs/71-node-log-kubelet-authz.md');
const broken = join(root, 'test/fixtures/e2e/broken-kubelet.md');
const NAME = 'kubelab';
const WORKER = `${NAME}-worker`;
const tools = toolEnv(process.env);
const imageReady = !!tools.nodeImage && (() => {
  try {
    execFileSync('docker', ['image', 'inspect', tools.nodeImage!], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const stateDir = mkdtempSync(join(tmpdir(), 'kubelab-lab71-'));
let createdHere = false;

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runCli(args: string[], opts: { onStart?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((done) => {
    // The lab's state file is this test's own (another run's stale /tmp file must not matter).
    const vars = args[0] === 'run' ? ['--var', `LAB71_STATE=${join(stateDir, 'lab71.state')}`] : [];
    const child = spawn(process.execPath, [cli, ...args, ...vars], {
      cwd: root,
      env: { ...process.env, KUBELAB_STATE_DIR: stateDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    opts.onStart?.(child);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr, ms: Date.now() - t0 }));
  });
}

function kindClusters(): string[] {
  return execFileSync(tools.kind, ['get', 'clusters'], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function kubeletConfigSha(): string {
  return execFileSync('docker', ['exec', WORKER, 'sha256sum', '/var/lib/kubelet/config.yaml'], { encoding: 'utf8' }).split(' ')[0]!;
}

function backupExists(): boolean {
  try {
    execFileSync('docker', ['exec', WORKER, 'test', '-e', '/var/lib/kubelet/config.yaml.kubelab.bak']);
    return true;
  } catch {
    return false;
  }
}

function kubeconfig(): string {
  const file = join(stateDir, 'e2e.kubeconfig');
  execFileSync('sh', ['-c', `"$0" get kubeconfig --name ${NAME} > "${file}"`, tools.kind]);
  return file;
}

function leftovers(): string {
  return execFileSync(tools.kubectl, ['--kubeconfig', kubeconfig(), 'get', 'namespace/kauthz', 'clusterrole/kubelet-metrics-only', 'clusterrolebinding/kubelet-metrics-only', '--ignore-not-found', '-o', 'name'], { encoding: 'utf8' }).trim();
}

function report(file: string): RunReport {
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe.skipIf(!imageReady || !existsSync(cli))('labs/71 end to end', () => {
  beforeAll(() => {
    createdHere = !kindClusters().includes(NAME);
  });
  afterAll(() => {
    try {
      if (createdHere && kindClusters().includes(NAME)) execFileSync(tools.kind, ['delete', 'cluster', '--name', NAME, '--kubeconfig', join(stateDir, 'deleted.kubeconfig')], { stdio: 'ignore' });
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('runs the whole lab, passes, and leaves the cluster as found', async () => {
    const json = join(stateDir, 'full.json');
    const r = await runCli(['run', lab, '--json', json, createdHere ? '--keep' : '--reuse']);
    console.log(`full run: ${r.ms} ms, exit ${r.code}`);
    if (r.code !== 0) console.log(r.stdout.slice(-6000), r.stderr.slice(-3000));
    expect(r.code).toBe(0);
    const rep = report(json);
    expect(rep.status).toBe('passed');
    expect(rep.summary.failed).toBe(0);
    expect(rep.cleanup.every((c: { status: string }) => c.status === 'passed')).toBe(true);
    // The token of the secret block never reaches a report.
    const token = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
    expect(readFileSync(json, 'utf8')).not.toMatch(token);
    expect(r.stdout).not.toMatch(token);
    expect(kindClusters()).toContain(NAME);
    expect(leftovers()).toBe('');
    expect(backupExists()).toBe(false);
  });

  it('an interrupted run (SIGINT mid-lab) still restores the kubelet config byte for byte and deletes the RBAC', async () => {
    const before = kubeletConfigSha();
    const kc = kubeconfig();
    let sent = false;
    const r = await runCli(['run', lab, '--reuse'], {
      onStart(child) {
        // Interrupt once the apply step has created the RBAC (the kubelet config is changed by then).
        const poll = setInterval(() => {
          try {
            const out = execFileSync(tools.kubectl, ['--kubeconfig', kc, 'get', 'clusterrolebinding/kubelet-metrics-only', '--ignore-not-found', '-o', 'name'], { encoding: 'utf8' });
            if (out.trim() && !sent) {
              sent = true;
              clearInterval(poll);
              child.kill('SIGINT');
            }
          } catch {
            /* not yet */
          }
        }, 500);
        child.on('close', () => clearInterval(poll));
      },
    });
    console.log(`interrupted run: ${r.ms} ms, exit ${r.code}`);
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(kubeletConfigSha()).toBe(before);
    expect(backupExists()).toBe(false);
    expect(leftovers()).toBe('');
  });

  it('a kubelet config the kubelet refuses is rolled back, with the journal in the error', async () => {
    const before = kubeletConfigSha();
    const json = join(stateDir, 'broken.json');
    const r = await runCli(['run', broken, '--reuse', '--json', json]);
    console.log(`broken kubelet run: ${r.ms} ms, exit ${r.code}`);
    expect(r.code).toBe(1);
    const block = report(json).steps[0].blocks[0];
    expect(block.status).toBe('failed');
    expect(block.message).toMatch(/did not come back.*the previous config was restored and the kubelet restarted/);
    expect(block.output).toMatch(/last 20 lines of the kubelet's journal/);
    expect(block.output).toMatch(/kubelet\[\d+\]/);
    expect(block.output).toMatch(/imageGCHighThresholdPercent .*200 must be between 0 and 100/);
    expect(r.stdout + r.stderr).toMatch(/did not come back/);
    expect(kubeletConfigSha()).toBe(before);
    expect(backupExists()).toBe(false);
    expect(execFileSync('docker', ['exec', WORKER, 'systemctl', 'is-active', 'kubelet'], { encoding: 'utf8' }).trim()).toBe('active');
  });
});
