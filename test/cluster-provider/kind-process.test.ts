// The kind provider's processes, with stand-in `kind` and `docker` scripts (no cluster): progress
// lines, a missing kind or docker, a failed create, and Ctrl-C during `kind create cluster`.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from '../../src/lab/model.js';
import type { Undo } from '../../src/engine/types.js';
import { deleteKindCluster, dockerCgroupVersion, kindClusters, kindProvider, runKind } from '../../src/cluster/kind.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-kind-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function script(body: string): string {
  const file = join(dir, `tool-${++n}`);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const dockerV2 = () => script(`[ "$1" = info ] && { echo 2; exit 0; }\n[ "$1" = ps ] && exit 0\nexit 1`);
const lab: Lab = { file: join(dir, 'lab.md'), source: '', title: 't', id: 't', cluster: { provider: 'kind', name: 'fake' }, vars: {}, timeout: 1000, steps: [], cleanup: [] };

const saved = { ...process.env };
beforeEach(() => {
  process.env.KUBELAB_CACHE = join(dir, 'no-cache');
  delete process.env.KUBELAB_NODE_IMAGE;
});
afterEach(() => {
  for (const k of ['KUBELAB_KIND', 'KUBELAB_DOCKER', 'KUBELAB_CACHE', 'KUBELAB_NODE_IMAGE']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('runKind', () => {
  it("passes kind's progress lines on without spinner codes, and returns its output", async () => {
    const kind = script(`printf 'Creating cluster "x" ...\\r\\n \\033[32m\\342\\234\\223\\033[0m Ensuring node image\\n' >&2; echo out`);
    const lines: string[] = [];
    const r = await runKind(kind, ['create', 'cluster'], { onLine: (l) => lines.push(l) });
    expect(lines).toEqual(['Creating cluster "x" ...', '\u2713 Ensuring node image']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'out\n' });
  });

  it('says kind is not installed, and where it looked', async () => {
    const err = await runKind(join(dir, 'no-kind'), ['get', 'clusters']).catch((e) => e);
    expect(err.code).toBe('no-kind');
    expect(err.message).toBe(`kind is not installed (looked for "${join(dir, 'no-kind')}")`);
    expect(err.hint).toMatch(/KUBELAB_KIND/);
  });

  it('lists clusters, and fails with kind\'s error lines', async () => {
    expect(await kindClusters(script(`echo a; echo b`))).toEqual(['a', 'b']);
    expect(await kindClusters(script(`echo 'No kind clusters found.'`))).toEqual([]);
    const err = await kindClusters(script(`echo 'ERROR: failed to list clusters: permission denied' >&2; exit 1`)).catch((e) => e);
    expect(err.code).toBe('kind-failed');
    expect(err.message).toBe('kind get clusters failed:\nERROR: failed to list clusters: permission denied');
  });
});

describe('dockerCgroupVersion', () => {
  it("reads docker's cgroup version, says docker is missing or does not answer", async () => {
    expect(await dockerCgroupVersion(dockerV2())).toBe('2');
    const missing = await dockerCgroupVersion(join(dir, 'no-docker')).catch((e) => e);
    expect(missing.code).toBe('no-docker');
    expect(missing.message).toBe(`docker is not installed (looked for "${join(dir, 'no-docker')}")`);
    const down = await dockerCgroupVersion(script(`echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' >&2; exit 1`)).catch((e) => e);
    expect(down.code).toBe('docker-down');
    expect(down.message).toBe('docker does not answer: Cannot connect to the Docker daemon at unix:///var/run/docker.sock');
  });
});

describe('kind provider create', () => {
  it('a failed create keeps the whole output in a log and shows the error lines', async () => {
    process.env.KUBELAB_KIND = script(`[ "$1" = get ] && exit 0\necho 'Creating cluster "fake" ...' >&2\necho 'ERROR: failed to create cluster: node(s) already exist' >&2\nexit 1`);
    process.env.KUBELAB_DOCKER = dockerV2();
    const stateDir = join(dir, 'state-fail');
    const undos: Undo[] = [];
    const err = await kindProvider.setup(lab, { stateDir }, async (u) => (undos.push(u), 'id')).catch((e) => e);
    expect(err.code).toBe('kind-failed');
    const log = join(stateDir, 'kubeconfigs', 'kind-fake.create.log');
    expect(err.message).toBe(`kind create cluster --name fake --kubeconfig ${join(stateDir, 'kubeconfigs', 'kind-fake.yaml')} --wait 0s failed:\nERROR: failed to create cluster: node(s) already exist\n(kind's whole output: ${log})`);
    expect(readFileSync(log, 'utf8')).toContain('Creating cluster "fake"');
    expect(undos.map((u) => u.kind)).toEqual(['delete-cluster']);
  });

  it('Ctrl-C during `kind create cluster`: kind gets SIGTERM, and setup settles only once kind has exited', async () => {
    const started = join(dir, 'create-started');
    const terminated = join(dir, 'create-terminated');
    process.env.KUBELAB_KIND = script(
      `[ "$1" = get ] && exit 0\n` +
        `trap 'kill $! 2>/dev/null; sleep 0.5; echo TERM > "${terminated}"; exit 143' TERM\n` +
        `echo 'Creating cluster "fake" ...' >&2\n: > "${started}"\nsleep 30 & wait`,
    );
    process.env.KUBELAB_DOCKER = dockerV2();
    const ac = new AbortController();
    const undos: Undo[] = [];
    const progress: string[] = [];
    const setup = kindProvider.setup(lab, { stateDir: join(dir, 'state-abort'), signal: ac.signal, progress: (m) => progress.push(m) }, async (u) => (undos.push(u), 'id'));
    const poll = setInterval(() => existsSync(started) && (clearInterval(poll), ac.abort('SIGINT')), 50);
    const t0 = Date.now();
    const err = await setup.catch((e) => e);
    clearInterval(poll);
    expect(err).toBeInstanceOf(Error);
    expect(Date.now() - t0).toBeLessThan(15_000);
    // The delete-cluster undo was journaled before kind started, and kind finished its TERM handler first.
    expect(undos.map((u) => u.kind)).toEqual(['delete-cluster']);
    expect(readFileSync(terminated, 'utf8')).toBe('TERM\n');
    expect(progress).toContain('kind: Creating cluster "fake" ...');
  });
});

describe('deleteKindCluster', () => {
  it('deletes with the kind and docker it is given', async () => {
    const log = join(dir, 'delete.log');
    const kind = script(`echo "$@" >> "${log}"`);
    await deleteKindCluster('fake', '/tmp/kc.yaml', undefined, { kind, docker: dockerV2() });
    expect(readFileSync(log, 'utf8')).toBe('delete cluster --name fake --kubeconfig /tmp/kc.yaml\n');
  });
});
