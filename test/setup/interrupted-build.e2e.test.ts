// An interrupted node-image build, for real and cheaply: `kubelab setup --kubernetes 1.35
// --node-image build` in a cache of its own (a version not built there), stopped with SIGINT a
// few seconds in, while the Kubernetes and etcd `go build`s run in the background and one part
// (pause) has finished. Nothing of the build may be left running, nothing half-built may count as
// built (no stamp, no env file, no image, the version not ready), and the next set-up must resume:
// the finished part cached, the interrupted one built again, even with a half-written binary in
// its place. Never a full build: each set-up is stopped within seconds. Real go, bash, docker.
// Then two set-ups that must stop before building anything, through the CLI too: a cache on a
// file system too small for a node image (a 64 MB tmpfs), and a version the Go module proxy
// does not serve (GOPROXY=off, an empty module cache).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheRoot, layout } from '../../src/setup/cache.js';
import { findOnPath } from '../../src/setup/proc.js';
import { clusterToolsReadiness } from '../../src/setup/ready.js';
import { resolveKubernetes } from '../../src/setup/versions.js';
import { cliEnv, ROOT, startCli } from '../cli/built-cli.js';

const cli = join(ROOT, 'dist', 'src', 'cli.js');
const release = resolveKubernetes('1.35');
const cache = mkdtempSync(join(tmpdir(), 'kubelab-interrupted-build-'));
const paths = layout(cache);
const root = paths.buildRoot(release.version);
const env = cliEnv({ KUBELAB_CACHE: cache });
const canBuild = process.getuid?.() === 0 && findOnPath('go', process.env.PATH ?? '') !== undefined && findOnPath('docker', process.env.PATH ?? '') !== undefined;

afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
});

/** Processes whose environment or command line names the test's cache (the recipe and its go builds do). */
function processesOfCache(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const text = readFileSync(`/proc/${pid}/environ`, 'latin1') + readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (text.includes(cache)) found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').slice(0, 120)}`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

async function settles(check: () => unknown[], ms = 10_000): Promise<unknown[]> {
  const end = Date.now() + ms;
  let left = check();
  while (left.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    left = check();
  }
  return left;
}

const stamps = () => (existsSync(join(root, 'stamps')) ? readdirSync(join(root, 'stamps')).sort() : []);
const nodeImages = () => spawnSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', `kubelab/node:${release.version}-*`], { encoding: 'utf8' }).stdout.trim();

/** Starts the set-up, waits for every text in order (each within 120 s), then sends SIGINT. */
async function interruptedSetup(after: string[]) {
  const run = startCli(cli, ['setup', '--kubernetes', release.minor, '--node-image', 'build'], { env });
  try {
    for (const text of after) await run.waitFor(text, 120_000);
  } catch (e) {
    run.child.kill('SIGINT');
    await run.done;
    throw e;
  }
  // What runs for the build at that moment (the check below must see something to be worth it).
  const during = processesOfCache();
  run.child.kill('SIGINT');
  return { ...(await run.done), during };
}

describe.skipIf(!canBuild)(`an interrupted node-image build (Kubernetes ${release.version}, a cache of its own)`, () => {
  it('stops everything it started, leaves nothing half-built that counts as built, and the next set-up resumes from the cache', async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build it first (npm run build)`);
    // kind of this version, from the machine's cache when it is there: only the node image is cold.
    const kind = layout(cacheRoot(process.env)).kindBin(release.kind);
    if (existsSync(kind)) {
      mkdirSync(paths.kindDir(release.kind), { recursive: true });
      copyFileSync(kind, paths.kindBin(release.kind));
    }
    expect(nodeImages()).toBe('');

    // Stopped once pause is built, while the k8s and etcd builds run in the background.
    const first = await interruptedSetup([`node image ${release.version}: [k8s] go build of`, `node image ${release.version}: [pause] done in`]);
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toContain('kubelab: error: set-up interrupted by SIGINT; nothing half-made is used');
    expect(first.stderr).toContain('hint: run `kubelab setup` again: it resumes from the parts already in the cache');
    expect(first.stderr).not.toMatch(/^\s+at /m);
    // The recipe's background go builds went with it.
    expect(first.during.some((p) => p.includes('build-node-image.sh')), first.during.join('\n')).toBe(true);
    expect(first.during.length).toBeGreaterThan(2);
    expect(await settles(processesOfCache)).toEqual([]);
    // The lock is free for the next set-up.
    expect(spawnSync('flock', ['-n', paths.lock, 'true']).status).toBe(0);
    // Only the finished part has its stamp; the half-made Kubernetes build has none, and nothing
    // says the version is set up.
    expect(stamps()).toContain('pause');
    expect(stamps()).not.toContain('k8s');
    expect(stamps()).not.toContain('node');
    expect(existsSync(join(root, 'build', `k8s-${release.version}`))).toBe(true);
    expect(existsSync(paths.envFile(release.version))).toBe(false);
    expect(existsSync(paths.kubectlBin(release.version))).toBe(false);
    expect(nodeImages()).toBe('');
    const ready = await clusterToolsReadiness(release, env);
    expect(ready).toEqual({ ready: false, missing: `Kubernetes ${release.version} was never set up in ${cache}` });

    // A half-written binary where the interrupted build writes its outputs: still not used.
    const bin = join(root, 'build', `k8s-${release.version}`, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'kube-apiserver'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });

    // The next set-up: pause comes from the cache, Kubernetes is built again.
    const second = await interruptedSetup([`node image ${release.version}: [pause] cached`, `node image ${release.version}: [k8s] go build of`]);
    expect(second.code, second.stderr).toBe(130);
    expect(second.stderr).not.toContain('[pause] gcc');
    expect(second.stderr).not.toContain('[k8s] cached');
    expect(await settles(processesOfCache)).toEqual([]);
    expect(stamps()).not.toContain('k8s');
    expect(existsSync(paths.envFile(release.version))).toBe(false);
    expect(nodeImages()).toBe('');
  }, 600_000);
});

/** A cache of its own with the machine's kind of this version in it (only the node image is cold). */
function cacheWithKind(dir: string): void {
  const kind = layout(cacheRoot(process.env)).kindBin(release.kind);
  if (!existsSync(kind)) return;
  mkdirSync(layout(dir).kindDir(release.kind), { recursive: true });
  copyFileSync(kind, layout(dir).kindBin(release.kind));
}

function mountsTmpfs(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'kubelab-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

describe.skipIf(!canBuild)('set-ups that stop before building anything', () => {
  it.skipIf(!mountsTmpfs())('a cache on a file system too small for a node image: exit 2, how much is free and needed, nothing built', async () => {
    const small = mkdtempSync(join(tmpdir(), 'kubelab-small-cache-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', small]);
    try {
      cacheWithKind(small);
      const r = await startCli(cli, ['setup', '--kubernetes', release.minor, '--node-image', 'build'], { env: cliEnv({ KUBELAB_CACHE: small }) }).done;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`kubelab: error: not enough disk space to build the node image of Kubernetes ${release.version.replace(/\./g, '\\.')}: the file system of ${small}\\S* has [\\d.]+ MB free, and the build needs about 4\\.0 GB there \\(kubelab cache 4\\.0 GB\\)`));
      expect(r.stderr).toMatch(/hint: free some space/);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(join(layout(small).buildRoot(release.version), 'build'))).toBe(false);
      expect(existsSync(layout(small).envFile(release.version))).toBe(false);
    } finally {
      execFileSync('umount', [small]);
      rmSync(small, { recursive: true, force: true });
    }
  }, 120_000);

  it('a version the Go module proxy does not serve: exit 2, the module and what go said, nothing built', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-not-served-'));
    try {
      cacheWithKind(join(dir, 'cache'));
      const r = await startCli(cli, ['setup', '--kubernetes', release.minor, '--node-image', 'build'], {
        env: cliEnv({ KUBELAB_CACHE: join(dir, 'cache'), GOPROXY: 'off', GOMODCACHE: join(dir, 'modcache'), GOFLAGS: '-modcacherw', GOTOOLCHAIN: 'local' }),
      }).done;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`kubelab: error: k8s\\.io/kubernetes ${release.version.replace(/\./g, '\\.')} is not served by the Go module proxy \\(GOPROXY=off\\)`));
      expect(r.stderr).toMatch(/hint: .*GOPROXY/);
      expect(existsSync(join(layout(join(dir, 'cache')).buildRoot(release.version), 'build'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
