// Set-up failures fail fast, with one message and what to do next (exit 2, 130 when interrupted).
// Real processes: go, flock, bash; PATHs without go; a real lock held by another process.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { setupAssetsDir } from '../../src/setup/assets.js';
import { layout } from '../../src/setup/cache.js';
import { checkDiskSpace, requireGo, requireRoot, requireServed } from '../../src/setup/checks.js';
import { dockerInfoError } from '../../src/setup/docker.js';
import { SetupError } from '../../src/setup/errors.js';
import { ensureKind } from '../../src/setup/kind.js';
import { createProc, findOnPath } from '../../src/setup/proc.js';
import { ensureClusterTools } from '../../src/setup/setup.js';
import type { PartContext, SetupEvent } from '../../src/setup/types.js';
import { expectUsageError, runCliCaptured } from '../cli/in-process.js';

const work = mkdtempSync(join(tmpdir(), 'kubelab-setup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A PATH with the system's directories and without Go's. */
const noGoPath = (process.env.PATH ?? '').split(':').filter((d) => d && !findOnPath('go', d)).join(':');

async function setupError(p: Promise<unknown> | (() => unknown)): Promise<SetupError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(SetupError);
    return e as SetupError;
  }
  throw new Error('expected a SetupError');
}

function partContext(env: NodeJS.ProcessEnv, cache: string): PartContext {
  return { proc: createProc({ env }), layout: layout(cache), assets: setupAssetsDir(), isRoot: false, emit: () => {} };
}

describe('a version that is not in the table', () => {
  it('is one usage-style error on the command line, exit 2, no stack', async () => {
    const r = await runCliCaptured(['setup', '--kubernetes', '1.34'], { env: { ...process.env, KUBELAB_CACHE: join(work, 'cli') } });
    expectUsageError(r, /Kubernetes v1\.34 is not one of the versions kubelab sets up/);
    expect(r.stderr).toMatch(/hint: use one of v1\.35\.4, v1\.36\.1, v1\.36\.3, v1\.37\.2/);
  });

  it('is refused before anything runs (no cache, no lock made)', async () => {
    const cache = join(work, 'untouched');
    const r = await runCliCaptured(['setup', '--kubernetes', '1.36,9.9'], { env: { ...process.env, KUBELAB_CACHE: cache } });
    expectUsageError(r, /v9\.9 is not one of/);
    expect(() => readFileSync(join(cache, 'prepare.lock'))).toThrow();
  });

  it('--node-image takes only auto, pull or build', async () => {
    const r = await runCliCaptured(['setup', '--node-image', 'registry'], { env: { ...process.env, KUBELAB_CACHE: join(work, 'cli') } });
    expectUsageError(r, /--node-image registry: not one of auto, pull, build/);
  });
});

describe('no Go for a build', () => {
  it('says Go is needed and not on PATH, with the version to install', async () => {
    const proc = createProc({ env: { ...process.env, PATH: noGoPath } });
    const err = await setupError(requireGo(proc, '1.26.0', 'build the node image of Kubernetes v1.36.1'));
    expect(err.code).toBe('SETUP_NO_GO');
    expect(err.message).toBe('Go is needed to build the node image of Kubernetes v1.36.1, and `go` is not on PATH');
    expect(err.hint).toMatch(/^install Go 1\.26 or newer and put `go` on PATH/);
  });

  it('says which Go is too old (a go that reports go1.20.1)', async () => {
    const bin = join(work, 'old-go');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'go'), '#!/bin/sh\nprintf "go1.20.1\\n/c\\n/m\\n"\n', { mode: 0o755 });
    const err = await setupError(requireGo(createProc({ env: { ...process.env, PATH: `${bin}:${noGoPath}` } }), '1.25.0', 'build the node image of Kubernetes v1.35.4'));
    expect(err.code).toBe('SETUP_GO_TOO_OLD');
    expect(err.message).toBe('build the node image of Kubernetes v1.35.4 needs Go 1.25 or newer; `go` on PATH is go1.20.1');
  });

  it('accepts the real go of this machine when it is new enough', async () => {
    const go = await requireGo(createProc({ env: process.env }), '1.17', 'build kind');
    expect(go.version).toMatch(/^go\d+\.\d+/);
  });

  it('a half-written kind binary is not used: set-up goes to rebuild it (and needs Go for that)', async () => {
    const cache = join(work, 'half-kind');
    const ctx = partContext({ ...process.env, PATH: noGoPath }, cache);
    mkdirSync(ctx.layout.kindDir('v0.32.0'), { recursive: true });
    writeFileSync(ctx.layout.kindBin('v0.32.0'), '\x7fELF truncated', { mode: 0o755 });
    const err = await setupError(ensureKind(ctx, 'v0.32.0'));
    expect(err.code).toBe('SETUP_NO_GO');
    expect(err.message).toBe('Go is needed to build kind v0.32.0, and `go` is not on PATH');
  });
});

describe('a disk too small for a node image', () => {
  it('says how much is free, how much is needed and for what', () => {
    const err = (() => {
      try {
        checkDiskSpace([{ path: work, bytes: 1024 ** 5, what: 'kubelab cache' }], 'build the node image of Kubernetes v1.36.1');
      } catch (e) {
        return e as SetupError;
      }
      throw new Error('the check passed');
    })();
    expect(err.code).toBe('SETUP_DISK_SPACE');
    expect(err.message).toMatch(/^not enough disk space to build the node image of Kubernetes v1\.36\.1: the file system of \/\S* has [\d.]+ [GM]B free, and the build needs about 1048576\.0 GB there \(kubelab cache 1048576\.0 GB\)$/);
    expect(err.hint).toMatch(/free some space .* KUBELAB_CACHE/);
  });

  it('adds up what goes to one file system, and measures a directory that does not exist yet by its parent', () => {
    const free = freeBytes(work);
    const half = Math.floor(free * 0.6);
    // Each alone fits; together they do not.
    expect(() => checkDiskSpace([{ path: join(work, 'a', 'not', 'yet'), bytes: half, what: 'kubelab cache' }], 'x')).not.toThrow();
    expect(() => checkDiskSpace([{ path: join(work, 'a', 'not', 'yet'), bytes: half, what: 'kubelab cache' }, { path: work, bytes: half, what: 'docker images' }], 'x')).toThrow(/kubelab cache [\d.]+ GB, docker images [\d.]+ GB/);
  });
});

function freeBytes(path: string): number {
  const s = statfsSync(path);
  return Number(s.bavail) * Number(s.bsize);
}

describe('a version that is not served', () => {
  it('names the module and version, and what go said', async () => {
    const env = { ...process.env, GOPROXY: 'off', GOMODCACHE: join(work, 'empty-modcache'), GOTOOLCHAIN: 'local', GOFLAGS: '-modcacherw' };
    const err = await setupError(requireServed(createProc({ env }), 'k8s.io/kubernetes', 'v1.35.4'));
    expect(err.code).toBe('SETUP_NOT_SERVED');
    expect(err.message).toMatch(/^k8s\.io\/kubernetes v1\.35\.4 is not served by the Go module proxy \(GOPROXY=off\): .*GOPROXY=off/);
    expect(err.hint).toMatch(/GOPROXY/);
  });
});

describe('docker', () => {
  it('tells no permission from not running', () => {
    const denied = dockerInfoError('permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/version": dial unix /var/run/docker.sock: connect: permission denied\n');
    expect(denied.code).toBe('SETUP_DOCKER_PERMISSION');
    expect(denied.hint).toMatch(/usermod -aG docker/);
    const down = dockerInfoError('Cannot connect to the Docker daemon at unix:///tmp/x.sock. Is the docker daemon running?\n');
    expect(down.code).toBe('SETUP_DOCKER_DOWN');
    expect(down.message).toBe('dockerd does not answer: Cannot connect to the Docker daemon at unix:///tmp/x.sock. Is the docker daemon running?');
  });

  it('a docker client with no daemon behind it (real docker CLI, a socket that does not exist), as a non-root user: exit 2, start it', async () => {
    if (!findOnPath('docker', process.env.PATH ?? '')) {
      // No docker client at all: the message for that instead.
      const r = await runCliCaptured(['setup'], { env: { ...process.env, KUBELAB_CACHE: join(work, 'nodocker'), PATH: noGoPath } });
      expect(r.stderr).toMatch(/docker is not installed/);
      return;
    }
    const events: SetupEvent[] = [];
    const err = await setupError(ensureClusterTools({ env: { ...process.env, KUBELAB_CACHE: join(work, 'down'), DOCKER_HOST: `unix://${join(work, 'no.sock')}` }, isRoot: false, progress: (e) => events.push(e) }));
    expect(err.code).toBe('SETUP_DOCKER_DOWN');
    expect(err.message).toMatch(/^dockerd does not answer: .*no\.sock/);
    expect(events.map((e) => e.kind)).toEqual(['part-start']);
  });

  it('without docker on PATH, as a non-root user: docker is not installed', async () => {
    // Only what the lock needs: flock, and the sh it runs.
    const bin = join(work, 'bin-no-docker');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['flock', 'sh']) symlinkSync(findOnPath(tool, process.env.PATH ?? '')!, join(bin, tool));
    const err = await setupError(ensureClusterTools({ env: { ...process.env, PATH: bin, KUBELAB_CACHE: join(work, 'nd') }, isRoot: false }));
    expect(err.code).toBe('SETUP_NO_DOCKER');
    expect(err.message).toBe('docker is not installed (no `docker` on PATH)');
    expect(err.hint).toMatch(/sudo kubelab setup/);
  });
});

describe('root', () => {
  it('a first node-image build as another user says to run it once as root', async () => {
    const err = await setupError(() => requireRoot(false, 'build the node image of Kubernetes v1.36.1'));
    expect(err.code).toBe('SETUP_NEEDS_ROOT');
    expect(err.hint).toMatch(/sudo kubelab setup/);
  });
});

describe('an interrupted set-up', () => {
  it('waits for another set-up holding the cache lock (the same flock prepare.sh took), and an interrupt ends it with 130 and how to resume', async () => {
    const cache = join(work, 'locked');
    mkdirSync(cache, { recursive: true });
    const holder = spawn('flock', [join(cache, 'prepare.lock'), 'sleep', '30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const ac = new AbortController();
      const events: SetupEvent[] = [];
      const done = ensureClusterTools({ env: { ...process.env, KUBELAB_CACHE: cache }, isRoot: false, signal: ac.signal, progress: (e) => events.push(e) });
      await new Promise((r) => setTimeout(r, 800));
      expect(events).toEqual([{ kind: 'wait', detail: `another set-up is working on ${cache}: waiting for it` }]);
      ac.abort('SIGINT');
      const err = await setupError(done);
      expect(err.code).toBe('SETUP_INTERRUPTED');
      expect(err.exitCode).toBe(130);
      expect(err.message).toBe('set-up interrupted by SIGINT; nothing half-made is used');
      expect(err.hint).toBe('run `kubelab setup` again: it resumes from the parts already in the cache');
    } finally {
      holder.kill();
    }
  });
});

describe('the cache lock', () => {
  const heldElsewhere = (file: string) => spawnSync('flock', ['-n', file, 'true']).status !== 0;

  it('is held until released, and by nobody after', async () => {
    const file = join(work, 'held.lock');
    const release = await createProc({ env: process.env }).lock(file, () => {});
    expect(heldElsewhere(file)).toBe(true);
    release();
    await vi.waitFor(() => expect(heldElsewhere(file)).toBe(false));
  });

  it('waits for a holder, saying so once, and is taken when the holder lets go', async () => {
    const file = join(work, 'wait.lock');
    const holder = spawn('flock', [file, 'sleep', '1.5'], { stdio: 'ignore' });
    await vi.waitFor(() => expect(heldElsewhere(file)).toBe(true));
    let waits = 0;
    const release = await createProc({ env: process.env }).lock(file, () => waits++);
    expect(waits).toBe(1);
    expect(holder.exitCode ?? (await once(holder, 'exit'))[0]).toBe(0);
    release();
  });
});

describe('an interrupted step', () => {
  it('stops the whole process tree (a build script and the go build it runs in the background)', async () => {
    const pidFile = join(work, 'bg.pid');
    const ac = new AbortController();
    const proc = createProc({ env: process.env, signal: ac.signal });
    const running = proc.run(['bash', '-c', `sleep 60 & echo $! > ${pidFile}; wait`]);
    await new Promise((r) => setTimeout(r, 500));
    const bg = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(bg)).toBe(true);
    ac.abort('SIGINT');
    // It settles once the group is stopped, as an interruption (setup turns that into SETUP_INTERRUPTED).
    await expect(running).rejects.toThrow(/aborted \(SIGINT\)/);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(bg)).toBe(false);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is not running any more.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('the node-image recipe is shipped unchanged', () => {
  // Its text, and the image files', are part of the node image's cache key (build-node-image.sh
  // hashes "$0" and these files): editing one rebuilds every machine's node image. Change the
  // hash here only with a recipe change that means to.
  it.each([
    ['build-node-image.sh', '1e77f9ea34d16ac10d4c13d88cc47437448cd6bf668e0c764cecc7412936b512'],
    ['images/etcd/main.go', '1224f4f521f14329ffc6f8e46bf796e05059219ee4a900961bc31f50b417cadc'],
    ['images/coredns/main.go', 'b0cdc17178fae20cff372e680b85a31eb8b2ab39bd7631118e770370898850a7'],
    ['images/iptables-wrapper', '48e94ffd016017890282eca717eff6e7808bf184f5468e5f860e68accf6a644e'],
    ['images/node/kubelab-oom-score-adj.sh', '3f1068bfd3568a7a7624255e8433f8fc0170a859be2e34af5083430f5e795082'],
    ['images/podnet/podnet.sh', '2cef4ea8332cb352ff19e0bc790462928aef64ca15330b36575abc843fff5619'],
    ['images/podnet/podnet.yaml', '6d2890abf0df12dabce2c945e5297a7122016478ee8209f57232deb6f9e207c0'],
  ])('%s', (file, sha) => {
    expect(createHash('sha256').update(readFileSync(join(setupAssetsDir(), file))).digest('hex')).toBe(sha);
  });

  it('is in the npm package (package.json files)', () => {
    const pkg = JSON.parse(readFileSync(join(dirname(dirname(setupAssetsDir())), 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files.some((f) => f === 'assets' || f === 'assets/setup')).toBe(true);
  });
});
