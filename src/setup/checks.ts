// Checks made before a long step, so that it fails in a second with what to do instead of twenty
// minutes in: Go present and new enough, root for debootstrap, disk space, the version served.
import { existsSync, mkdtempSync, rmSync, statSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { SetupError } from './errors.js';
import { tailOf, type Proc } from './proc.js';
import { goAtLeast } from './versions.js';

export interface GoInfo {
  /** `go1.26.8` */
  version: string;
  cache: string;
  modCache: string;
}

/** `go` on PATH and new enough for `need` (e.g. `1.26.0`), or a SetupError saying why not. */
export async function requireGo(proc: Proc, need: string, forWhat: string): Promise<GoInfo> {
  const hint = `install Go ${shortGo(need)} or newer and put \`go\` on PATH, then run \`kubelab setup\` again`;
  if (!proc.which('go')) throw new SetupError('SETUP_NO_GO', `Go is needed to ${forWhat}, and \`go\` is not on PATH`, { hint });
  const out = await proc.run(['go', 'env', 'GOVERSION', 'GOCACHE', 'GOMODCACHE'], { timeoutMs: 60_000 });
  const [version = '', cache = '', modCache = ''] = out.stdout.split('\n').map((l) => l.trim());
  if (out.exitCode !== 0 || !version) throw new SetupError('SETUP_NO_GO', `\`go env\` failed: ${tailOf(out, 3)}`, { hint });
  if (!goAtLeast(version, need)) {
    throw new SetupError('SETUP_GO_TOO_OLD', `${forWhat} needs Go ${shortGo(need)} or newer; \`go\` on PATH is ${version}`, { hint });
  }
  return { version, cache, modCache };
}

function shortGo(v: string): string {
  return v.replace(/\.0$/, '');
}

/** Building the node image runs debootstrap and writes docker's store: root only. */
export function requireRoot(isRoot: boolean, forWhat: string): void {
  if (!isRoot) {
    throw new SetupError('SETUP_NEEDS_ROOT', `${forWhat} needs root (debootstrap makes the node's Debian tree)`, {
      hint: 'run `sudo kubelab setup` once (later runs reuse the cache), or use a machine that can pull kindest/node',
    });
  }
}

export interface SpaceNeed {
  /** A directory (it may not exist yet: its nearest existing parent is measured). */
  path: string;
  bytes: number;
  /** What uses it, for the message: `the kubelab cache`. */
  what: string;
}

const GB = 1024 ** 3;

export function formatBytes(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

/**
 * Sums the needs per file system (paths on the same device add up) and throws SETUP_DISK_SPACE
 * for the first one without that much free space.
 */
export function checkDiskSpace(needs: readonly SpaceNeed[], forWhat: string): void {
  const byDevice = new Map<number, { mount: string; bytes: number; parts: string[] }>();
  for (const need of needs) {
    const dir = existingAncestor(resolve(need.path));
    const dev = statSync(dir).dev;
    const entry = byDevice.get(dev) ?? { mount: dir, bytes: 0, parts: [] };
    entry.bytes += need.bytes;
    entry.parts.push(`${need.what} ${formatBytes(need.bytes)}`);
    byDevice.set(dev, entry);
  }
  for (const { mount, bytes, parts } of byDevice.values()) {
    const fs = statfsSync(mount);
    const free = Number(fs.bavail) * Number(fs.bsize);
    if (free < bytes) {
      throw new SetupError('SETUP_DISK_SPACE', `not enough disk space to ${forWhat}: the file system of ${mount} has ${formatBytes(free)} free, and the build needs about ${formatBytes(bytes)} there (${parts.join(', ')})`, {
        hint: 'free some space (`docker system prune`, `go clean -cache`) or set KUBELAB_CACHE to a larger disk, then run `kubelab setup` again: finished parts are kept',
      });
    }
  }
}

function existingAncestor(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Rough sizes of a cold node-image build (measured: see docs/setup.md), with some room. */
export const BUILD_SPACE = { cache: 4 * GB, docker: 5 * GB, go: 5 * GB } as const;

/**
 * Whether the Go module proxy serves `module@version` (only its .info and .mod are fetched, and
 * not at all when the module cache has them).
 */
export async function requireServed(proc: Proc, module: string, version: string): Promise<void> {
  const dir = mkdtempSync(resolve(tmpdir(), 'kubelab-served-'));
  try {
    const out = await proc.run(['go', 'list', '-m', '-json', `${module}@${version}`], { cwd: dir, timeoutMs: 120_000, env: { GOFLAGS: '-mod=mod' } });
    if (out.exitCode === 0) return;
    const why = tailOf(out, 3).replace(/^go: /gm, '');
    throw new SetupError('SETUP_NOT_SERVED', `${module} ${version} is not served by the Go module proxy (GOPROXY=${proc.env.GOPROXY ?? 'go env default'}): ${why}`, {
      hint: 'check the network and GOPROXY (`go env GOPROXY`); a version that is not published cannot be built, so pick another one with --kubernetes',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
