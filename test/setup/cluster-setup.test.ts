// What run/update/learn do before a cluster lab (src/cli/cluster-setup.ts) and the readiness check
// they use (src/setup/ready.ts): --cluster replaces the front matter's provider, --no-setup
// refuses a version that is not set up and says what is missing, a ready version is named with
// its image. Real CLI in-process, real files in a throwaway KUBELAB_CACHE, real docker when here.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labRelease, withClusterProvider } from '../../src/cli/cluster-setup.js';
import type { Lab } from '../../src/lab/model.js';
import { clusterToolsReadiness } from '../../src/setup/ready.js';
import { resolveKubernetes } from '../../src/setup/versions.js';
import { expectUsageError, runCliCaptured } from '../cli/in-process.js';

const work = mkdtempSync(join(tmpdir(), 'kubelab-cluster-setup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const lab71 = 'labs/71-node-log-kubelet-authz.md';
const dockerHere = (() => {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function cacheWith(name: string, files: Record<string, string>): string {
  const cache = join(work, name);
  mkdirSync(cache, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(cache, f), text);
  return cache;
}

const lab = (provider: Lab['cluster']['provider'], extra: Partial<Lab> = {}): Lab => ({ file: 'l.md', source: '', title: 't', cluster: { provider, name: 'kauthz', config: 'k.yaml' }, vars: {}, timeout: 1, steps: [], ...extra }) as unknown as Lab;

describe('--cluster', () => {
  it('puts existing in place of kind, without the kind-only name and config', () => {
    expect(withClusterProvider(lab('kind'), 'existing').cluster).toEqual({ provider: 'existing' });
    expect(withClusterProvider(lab('kind'), undefined).cluster.provider).toBe('kind');
    expect(withClusterProvider(lab('kind'), 'kind').cluster).toEqual({ provider: 'kind', name: 'kauthz', config: 'k.yaml' });
  });

  it('leaves a lab that needs no cluster without one', () => {
    expect(withClusterProvider(lab('none'), 'existing').cluster.provider).toBe('none');
  });

  it('takes only kind or existing: a usage error otherwise', async () => {
    const r = await runCliCaptured(['run', lab71, '--cluster', 'minikube']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--cluster <provider>' argument 'minikube' is invalid\. expected kind or existing/);
  });
});

describe('the version a kind lab is set up for', () => {
  it('is its front matter\'s kubernetes:, else the default (a range, or none)', async () => {
    expect((await labRelease(lab('kind', { kubernetes: '1.35' }))).version).toBe('v1.35.4');
    expect((await labRelease(lab('kind', { kubernetes: 'v1.36.3' }))).version).toBe('v1.36.3');
    expect((await labRelease(lab('kind', { kubernetes: '>=1.36' }))).version).toBe('v1.36.1');
    expect((await labRelease(lab('kind'))).version).toBe('v1.36.1');
  });
});

describe('--no-setup', () => {
  it('refuses a kind lab whose version was never set up: what is missing and how to set it up, exit 2, nothing made', async () => {
    const cache = join(work, 'empty');
    const r = await runCliCaptured(['run', lab71, '--no-setup'], { env: { ...process.env, KUBELAB_CACHE: cache, KUBELAB_STATE_DIR: join(work, 'state') } });
    expectUsageError(r, /labs\/71-node-log-kubelet-authz\.md needs Kubernetes v1\.36\.1 set up \(kind, its node image, kubectl\), and it is not: Kubernetes v1\.36\.1 was never set up in .*empty; --no-setup keeps kubelab from setting it up/);
    expect(r.stderr).toMatch(/hint: run `kubelab setup --kubernetes 1\.36` first, or leave out --no-setup/);
    expect(() => execFileSync('ls', [join(cache, 'prepare.lock')], { stdio: 'ignore' })).toThrow();
  });

  it('learn refuses the same way', async () => {
    const r = await runCliCaptured(['learn', lab71, '--no-setup', '--plain'], { env: { ...process.env, KUBELAB_CACHE: join(work, 'empty2'), KUBELAB_STATE_DIR: join(work, 'state') } });
    expectUsageError(r, /needs Kubernetes v1\.36\.1 set up/);
  });

  it('is not needed for a lab on an existing cluster: no set-up, no refusal (it goes on to the cluster)', async () => {
    const r = await runCliCaptured(['run', lab71, '--no-setup', '--cluster', 'existing', '--context', 'kubelab-no-such-context'], { env: { ...process.env, KUBELAB_CACHE: join(work, 'empty3'), KUBELAB_STATE_DIR: join(work, 'state') } });
    expect(r.stderr + r.stdout).not.toMatch(/set up|setup:/);
    expect(r.stderr + r.stdout).toMatch(/kubelab-no-such-context/);
  });
});

describe('clusterToolsReadiness', () => {
  const v136 = resolveKubernetes('1.36');
  it('says a version was never set up', async () => {
    expect(await clusterToolsReadiness(v136, { ...process.env, KUBELAB_CACHE: join(work, 'none') })).toEqual({ ready: false, missing: `Kubernetes v1.36.1 was never set up in ${join(work, 'none')}` });
  });

  it('says which tool is gone, and ignores an env file of another version', async () => {
    const cache = cacheWith('gone', { 'cluster-v1.36.1.env': 'KUBELAB_K8S_VERSION=v1.36.1\nKUBELAB_KIND=/nonexistent/kind\nKUBELAB_KUBECTL=/bin/true\nKUBELAB_NODE_IMAGE=x\n', 'cluster.env': 'KUBELAB_K8S_VERSION=v1.35.4\n' });
    expect(await clusterToolsReadiness(v136, { ...process.env, KUBELAB_CACHE: cache })).toEqual({ ready: false, missing: 'its kind (/nonexistent/kind) is gone' });
    expect((await clusterToolsReadiness(resolveKubernetes('1.37'), { ...process.env, KUBELAB_CACHE: cache })).ready).toBe(false);
  });

  it.runIf(dockerHere)('asks docker for the node image (a cache made before the version table: cluster.env alone)', async () => {
    const cache = cacheWith('noimage', { 'cluster.env': 'KUBELAB_K8S_VERSION=v1.36.1\nKUBELAB_KIND=/bin/true\nKUBELAB_KUBECTL=/bin/true\nKUBELAB_NODE_IMAGE=kubelab/no-such-image:v0\n' });
    expect(await clusterToolsReadiness(v136, { ...process.env, KUBELAB_CACHE: cache })).toEqual({ ready: false, missing: 'docker has no image kubelab/no-such-image:v0' });
    const image = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n').find((l) => l && !l.includes('<none>'));
    if (!image) return;
    writeFileSync(join(cache, 'cluster.env'), `KUBELAB_K8S_VERSION=v1.36.1\nKUBELAB_KIND=/bin/true\nKUBELAB_KUBECTL=/bin/true\nKUBELAB_NODE_IMAGE=${image}\nKUBELAB_NODE_SOURCE=built\n`);
    expect(await clusterToolsReadiness(v136, { ...process.env, KUBELAB_CACHE: cache })).toMatchObject({ ready: true, tools: { nodeImage: image, kind: '/bin/true', version: 'v1.36.1', nodeImageSource: 'built' } });
  });
});
