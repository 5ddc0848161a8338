// The one table of Kubernetes versions kubelab can set up, with the kind release that makes
// clusters of each and the Go each needs to be built from source. Pure: no I/O.
import { SetupError } from './errors.js';

export interface KubernetesRelease {
  /** `v1.36.1`: the k8s.io/kubernetes module version, the node image's version. */
  readonly version: string;
  /** `1.36` */
  readonly minor: string;
  /** Whether `--kubernetes 1.36` means this patch (one per minor). */
  readonly forMinor: boolean;
  /** The kind release (sigs.k8s.io/kind) that creates clusters of this version. */
  readonly kind: string;
  /**
   * The oldest Go that builds it from source: the `go` line of k8s.io/kubernetes's go.mod at that
   * version (a minimum; a newer Go builds it too, keeping the `godebug default=` the go.mod sets).
   */
  readonly go: string;
}

/**
 * kind v0.32.0 defaults to v1.36.1 and still writes kubeadm's v1beta3 config for < 1.36;
 * kind v0.33.0 defaults to v1.37.0. Go versions: from each release's go.mod (v1.35.4: go 1.25.0,
 * v1.36.x and v1.37.2: go 1.26.0). kind's own go.mod asks for go 1.17.
 * `--kubernetes 1.36` means v1.36.1, the release the labs are checked on (and the default);
 * v1.36.3 is there to be asked for by its full version.
 */
export const KUBERNETES_RELEASES: readonly KubernetesRelease[] = [
  { version: 'v1.35.4', minor: '1.35', forMinor: true, kind: 'v0.32.0', go: '1.25.0' },
  { version: 'v1.36.1', minor: '1.36', forMinor: true, kind: 'v0.32.0', go: '1.26.0' },
  { version: 'v1.36.3', minor: '1.36', forMinor: false, kind: 'v0.32.0', go: '1.26.0' },
  { version: 'v1.37.2', minor: '1.37', forMinor: true, kind: 'v0.33.0', go: '1.26.0' },
];

/** What `kubelab setup` readies when no version is asked for; its result is also cluster.env. */
export const DEFAULT_KUBERNETES = 'v1.36.1';

/** The oldest Go that `go install sigs.k8s.io/kind@VERSION` works with. */
export const KIND_GO = '1.17';

/**
 * The release a user's `1.36`, `v1.36`, `1.36.3` or `v1.36.3` means. Anything else, or a version
 * that is not in the table, is a SetupError naming the versions there are.
 */
export function resolveKubernetes(asked: string): KubernetesRelease {
  const text = asked.trim();
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text);
  const known = KUBERNETES_RELEASES.map((r) => r.version).join(', ');
  const hint = `use one of ${known} (or a minor such as 1.36); kubelab builds only the versions in its table (src/setup/versions.ts)`;
  if (!m) throw new SetupError('SETUP_BAD_VERSION', `"${asked}" is not a Kubernetes version`, { hint });
  const minor = `${Number(m[1])}.${Number(m[2])}`;
  const release = m[3] === undefined ? KUBERNETES_RELEASES.find((r) => r.minor === minor && r.forMinor) : KUBERNETES_RELEASES.find((r) => r.version === `v${minor}.${Number(m[3])}`);
  if (!release) throw new SetupError('SETUP_UNKNOWN_VERSION', `Kubernetes ${text.startsWith('v') ? text : `v${text}`} is not one of the versions kubelab sets up`, { hint });
  return release;
}

/**
 * `--kubernetes` values (each may be a comma list; `all` is every release) to releases, in the
 * order asked, without duplicates. No value: the default.
 */
export function resolveKubernetesList(asked: readonly string[]): KubernetesRelease[] {
  const words = asked.flatMap((a) => a.split(',')).map((w) => w.trim()).filter((w) => w !== '');
  if (words.length === 0) return [resolveKubernetes(DEFAULT_KUBERNETES)];
  const out: KubernetesRelease[] = [];
  for (const w of words) {
    for (const r of w === 'all' ? KUBERNETES_RELEASES : [resolveKubernetes(w)]) if (!out.includes(r)) out.push(r);
  }
  return out;
}

/** `go1.26.8` or `1.26.8` to [1, 26, 8]; undefined when it is no Go release (`devel ...`). */
export function parseGoVersion(text: string): [number, number, number] | undefined {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Whether Go `have` (e.g. `go1.26.8`) is at least `need` (e.g. `1.25.0`). A devel Go counts as new enough. */
export function goAtLeast(have: string, need: string): boolean {
  const h = parseGoVersion(have);
  const n = parseGoVersion(need);
  if (!h || !n) return true;
  for (let i = 0; i < 3; i++) if (h[i] !== n[i]) return h[i]! > n[i]!;
  return true;
}
