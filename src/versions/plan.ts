// Which (lab, Kubernetes version) pairs a run covers, and which of them one shard takes.
// Pure: no I/O. The versions come from the one table in src/setup/versions.ts.
import { UsageError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import type { KubernetesRun, RunPair } from '../model/report.js';
import { DEFAULT_KUBERNETES, KUBERNETES_RELEASES, resolveKubernetes, type KubernetesRelease } from '../setup/versions.js';
import { parseRange, satisfies, type VersionRange } from './range.js';

/** The lab's `kubernetes:` range; undefined when it sets none (every version is in range). */
export function labRange(kubernetes: string | undefined): VersionRange | undefined {
  if (kubernetes === undefined) return undefined;
  try {
    return parseRange(kubernetes);
  } catch {
    // Lint refuses a bad range before a run; an API caller's bad range means "no range".
    return undefined;
  }
}

export function inRange(release: KubernetesRelease, range: VersionRange | undefined): boolean {
  return range === undefined || satisfies(release.version, range);
}

/** The releases `--kubernetes 1.36` can name (one per minor), in the range, oldest first. */
export function releasesInRange(range: VersionRange | undefined): KubernetesRelease[] {
  return KUBERNETES_RELEASES.filter((r) => r.forMinor && inRange(r, range));
}

/**
 * The version a lab runs on when none is asked for: the default (v1.36.1) when it is in the
 * lab's range, else the newest minor in range, else the newest release in range, else the
 * default anyway (then marked outside the range).
 */
export function defaultRelease(range: VersionRange | undefined): KubernetesRelease {
  const fallback = resolveKubernetes(DEFAULT_KUBERNETES);
  if (inRange(fallback, range)) return fallback;
  return releasesInRange(range).at(-1) ?? KUBERNETES_RELEASES.filter((r) => inRange(r, range)).at(-1) ?? fallback;
}

/** How a version is shown: `1.36` for the release its minor means, `1.36.3` for another patch. */
export function versionLabel(release: KubernetesRelease): string {
  return release.forMinor ? release.minor : release.version.replace(/^v/, '');
}

/** What `--kubernetes` asked for: nothing (each lab's default), or words to resolve per lab. */
export interface VersionRequest {
  /** The words of every `--kubernetes` value, comma lists split: `1.35`, `v1.36.3`, `all`, `range`. */
  words: string[];
  /** Keep only the pairs whose version is in the lab's range (`--in-range`). */
  inRangeOnly: boolean;
}

export function versionRequest(values: readonly string[] = [], inRangeOnly = false): VersionRequest {
  const words = values.flatMap((v) => v.split(',')).map((w) => w.trim()).filter((w) => w !== '');
  // Check every word now, so a typo fails before anything runs.
  for (const w of words) if (w !== 'all' && w !== 'range') toUsage(() => resolveKubernetes(w));
  return { words, inRangeOnly };
}

function toUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const err = e as { message: string; hint?: string };
    throw new UsageError('bad-kubernetes-version', `--kubernetes: ${err.message}`, { hint: `${err.hint ?? ''}; or \`range\` (each lab's versions in its range) or \`all\``.replace(/^; /, '') });
  }
}

/** The releases one lab runs on, in table order, without duplicates. */
export function releasesFor(request: VersionRequest, range: VersionRange | undefined): KubernetesRelease[] {
  let asked: KubernetesRelease[];
  if (request.words.length === 0) asked = [defaultRelease(range)];
  else {
    const set = new Set<KubernetesRelease>();
    for (const w of request.words) {
      const add = w === 'all' ? KUBERNETES_RELEASES : w === 'range' ? releasesInRange(range) : [resolveKubernetes(w)];
      for (const r of add) set.add(r);
    }
    asked = KUBERNETES_RELEASES.filter((r) => set.has(r));
  }
  return request.inRangeOnly ? asked.filter((r) => inRange(r, range)) : asked;
}

/**
 * The kind cluster of a lab on a version. A run on the default configuration (no `--kubernetes`,
 * the lab's range holds v1.36.1) keeps the lab's own name; any other gets `NAME-v1-35`
 * (`NAME-v1-36-3` for a patch that is not its minor's), so clusters of two versions never share a
 * name and `--reuse` never picks up a cluster of another version.
 */
export function versionedClusterName(base: string, release: KubernetesRelease): string {
  return `${base}-v${versionLabel(release).replace(/\./g, '-')}`;
}

// ---------------------------------------------------------------------------------------------
// Pairs and shards.

export type { RunPair };

/** The stable sort key of a pair: lab path, then version (numerically). */
export function pairKey(p: RunPair): string {
  const v = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(p.version);
  const num = v ? v.slice(1).map((n) => n.padStart(6, '0')).join('.') : p.version;
  return `${p.lab}\u0000${num}`;
}

export function sortPairs<T extends RunPair>(pairs: readonly T[]): T[] {
  return [...pairs].sort((a, b) => (pairKey(a) < pairKey(b) ? -1 : pairKey(a) > pairKey(b) ? 1 : 0));
}

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

/** `--shard 2/4`: a UsageError unless 1 <= i <= n. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) {
    throw new UsageError('bad-shard', `--shard ${text}: expected INDEX/TOTAL with 1 <= INDEX <= TOTAL`, { hint: 'e.g. --shard 2/4 runs the second of four shares' });
  }
  return { index, total };
}

/**
 * Shard `index` of `total` (Playwright's way): sort the pairs by their key, cut the list into
 * `total` contiguous ranges whose sizes differ by at most one (the first `N % total` ranges get
 * one more), take range `index`. Every pair is in exactly one shard, whatever order the labs were
 * given in.
 */
export function shardPairs<T extends RunPair>(pairs: readonly T[], shard: Shard): T[] {
  const sorted = sortPairs(pairs);
  const base = Math.floor(sorted.length / shard.total);
  const extra = sorted.length % shard.total;
  const start = (shard.index - 1) * base + Math.min(shard.index - 1, extra);
  const size = base + (shard.index <= extra ? 1 : 0);
  return sorted.slice(start, start + size);
}

// ---------------------------------------------------------------------------------------------
// The runs of a command.

export interface PlannedRun {
  lab: Lab;
  release: KubernetesRelease;
  kubernetes: KubernetesRun;
  pair: RunPair;
  /**
   * Whether it runs on its version's own configuration (cluster-VERSION.env, a versioned cluster
   * name): when `--kubernetes` was given, or the lab's default is not the default version. Else it
   * runs exactly as before versions: cluster.env, the lab's own cluster name.
   */
  versioned: boolean;
}

/** Every (lab, version) pair the command means, labs in the order given, versions oldest first. */
export function planRuns(labs: readonly Lab[], request: VersionRequest): PlannedRun[] {
  const explicit = request.words.length > 0;
  return labs.flatMap((lab) => {
    const range = labRange(lab.kubernetes);
    return releasesFor(request, range).map((release) => ({
      lab,
      release,
      kubernetes: { version: release.version, label: versionLabel(release), ...(lab.kubernetes !== undefined ? { range: lab.kubernetes } : {}), inRange: inRange(release, range) },
      pair: { lab: labKey(lab.file), version: release.version },
      versioned: explicit || release.version !== DEFAULT_KUBERNETES,
    }));
  });
}

/** The planned runs a shard takes, in pair-key order (all of them, in plan order, without a shard). */
export function selectShard(runs: readonly PlannedRun[], shard: Shard | undefined): PlannedRun[] {
  if (!shard) return [...runs];
  const keys = new Set(shardPairs(runs.map((r) => r.pair), shard).map(pairKey));
  return sortPairs(runs.map((r) => ({ ...r.pair, run: r })))
    .filter((p) => keys.has(pairKey(p)))
    .map((p) => p.run);
}

/** A lab file as a pair key: `/`-separated, no leading `./`. */
export function labKey(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}
