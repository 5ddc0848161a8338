// Ctrl-C while kind is still creating the cluster: the delete-cluster undo was journaled before
// `kind create cluster` started, so the interrupted run deletes the half-made cluster.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { toolEnv } from '../../src/cluster/env.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli.js');
const NAME = 'kubelab-interrupt';
const tools = toolEnv(process.env);
const stateDir = mkdtempSync(join(tmpdir(), 'kubelab-interrupt-'));
const containers = () => execFileSync('docker', ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${NAME}`, '--format', '{{.Names}}'], { encoding: 'utf8' }).trim();
const clusters = () => execFileSync(tools.kind, ['get', 'clusters'], { encoding: 'utf8' }).split('\n');

describe.skipIf(!tools.nodeImage || !existsSync(cli))('interrupting cluster creation', () => {
  afterAll(() => {
    if (clusters().includes(NAME)) execFileSync(tools.kind, ['delete', 'cluster', '--name', NAME, '--kubeconfig', join(stateDir, 'x')], { stdio: 'ignore' });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('SIGINT during `kind create cluster` deletes the half-made cluster', async () => {
    expect(clusters()).not.toContain(NAME);
    const t0 = Date.now();
    const child = spawn(process.execPath, [cli, 'run', join(root, 'test/fixtures/e2e/one-node.md')], {
      cwd: root,
      env: { ...process.env, KUBELAB_STATE_DIR: stateDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    // Interrupt once the node container exists (kind is then booting it / running kubeadm).
    const poll = setInterval(() => {
      if (containers()) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 300);
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearInterval(poll);
    console.log(`interrupted creation: ${Date.now() - t0} ms, exit ${code}`);
    if (code !== 130) console.log(out.slice(-3000));
    expect(code).toBe(130);
    expect(out).toMatch(/delete kind cluster kubelab-interrupt/);
    expect(containers()).toBe('');
    expect(clusters()).not.toContain(NAME);
  });
});
