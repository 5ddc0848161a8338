// What `run`, `update`, `learn` (and `serve`) do before a cluster lab: take the provider a
// `--cluster` flag asks for instead of the front matter's, and make ready the tools a kind lab
// needs (docker, kind, the node image of the lab's Kubernetes version, kubectl) through
// `kubelab setup`'s ensureClusterTools, saying what it does and how long it took. A version that
// is ready is used as it is, without waiting for another set-up's lock; `--no-setup` refuses
// instead of setting anything up.
import { InvalidArgumentError } from 'commander';
import type { Lab } from '../lab/model.js';
import { painter } from '../report/color.js';
import { formatDuration } from '../format.js';
import type { ClusterTools } from '../setup/setup.js';
import type { KubernetesRelease } from '../setup/versions.js';
import type { CliContext } from './context.js';

/** The providers `--cluster` can put in place of the front matter's. */
export const CLUSTER_OVERRIDES = ['kind', 'existing'] as const;
export type ClusterOverride = (typeof CLUSTER_OVERRIDES)[number];

export interface ClusterSetupFlags {
  /** `--cluster kind|existing`. */
  cluster?: ClusterOverride;
  /** false with `--no-setup`. */
  setup?: boolean;
  /** `--node-image`: the user's own image, so set-up is not needed for it. */
  nodeImage?: string;
}

/** commander's parser of `--cluster`. */
export function parseClusterOverride(value: string): ClusterOverride {
  if (!(CLUSTER_OVERRIDES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected ${CLUSTER_OVERRIDES.join(' or ')} (existing: the cluster of your current kubeconfig context, or --context)`);
  }
  return value as ClusterOverride;
}

/**
 * The lab with `--cluster`'s provider in place of its own. A lab that needs no cluster keeps
 * `none`. The kind-only settings (cluster name, kind config) do not go to an existing cluster:
 * there `--context` picks the cluster.
 */
export function withClusterProvider(lab: Lab, provider: ClusterOverride | undefined): Lab {
  if (!provider || lab.cluster.provider === 'none' || lab.cluster.provider === provider) return lab;
  return { ...lab, cluster: { provider } };
}

/** The release a lab's `kubernetes:` names; the default one for a range or none. */
export async function labRelease(lab: Lab): Promise<KubernetesRelease> {
  const { DEFAULT_KUBERNETES, resolveKubernetes } = await import('../setup/versions.js');
  if (lab.kubernetes) {
    try {
      return resolveKubernetes(lab.kubernetes);
    } catch {
      // A range (">=1.36") or a version kubelab does not build: the default release.
    }
  }
  return resolveKubernetes(DEFAULT_KUBERNETES);
}

/** What the lab's config gets from a version's set-up (the user's own KUBELAB_* still win). */
export function clusterToolsEnv(tools: ClusterTools): Record<string, string> {
  return { KUBELAB_KIND: tools.kind, KUBELAB_KUBECTL: tools.kubectl, KUBELAB_NODE_IMAGE: tools.nodeImage };
}

/**
 * Readies the cluster tools of the given Kubernetes versions: a version already set up is used as
 * it is; otherwise `kubelab setup`'s ensureClusterTools makes it (progress on stderr). With
 * `setup: false` a missing version is a SetupError saying what is missing and how to set it up.
 */
export async function readyClusterTools(releases: readonly KubernetesRelease[], ctx: CliContext, opts: { setup?: boolean; why: string }): Promise<Map<string, ClusterTools>> {
  const [{ clusterToolsReadiness }, { ensureClusterTools, formatSetupEvent, SetupError }] = await Promise.all([import('../setup/ready.js'), import('../setup/index.js')]);
  const paint = painter(ctx.colorStderr);
  const say = (line: string) => ctx.stderr.write(line + '\n');
  const out = new Map<string, ClusterTools>();
  for (const release of releases) {
    if (out.has(release.version)) continue;
    const t0 = Date.now();
    const state = await clusterToolsReadiness(release, ctx.env);
    if (state.ready) {
      const t = state.tools;
      say(paint('dim', `setup: Kubernetes ${release.version} ready (${t.nodeImage}, ${t.nodeImageSource}; kind ${t.kindVersion}; kubectl ${t.kubectl}), checked in ${formatDuration(Date.now() - t0, { style: 'timing' })}`));
      out.set(release.version, t);
      continue;
    }
    const minor = release.version.replace(/^v(\d+\.\d+)\..*$/, '$1');
    if (opts.setup === false) {
      throw new SetupError('SETUP_NOT_READY', `${opts.why} needs Kubernetes ${release.version} set up (kind, its node image, kubectl), and it is not: ${state.missing}; --no-setup keeps kubelab from setting it up`, {
        hint: `run \`kubelab setup --kubernetes ${minor}\` first, or leave out --no-setup (then kubelab sets it up itself: a node image built from source takes 20-40 minutes the first time)`,
      });
    }
    say(paint('bold', `setup: ${opts.why} needs Kubernetes ${release.version}, which is not ready (${state.missing}): setting it up now, as \`kubelab setup --kubernetes ${minor}\` does`));
    say(paint('dim', 'setup: a node image that cannot be pulled is built from source, 20-40 minutes the first time; Ctrl-C stops it and the next run resumes from the cache'));
    const result = await ensureClusterTools({ versions: [release.version], env: ctx.env, signal: ctx.signal, progress: (e) => say(formatSetupEvent(e, paint)) });
    out.set(release.version, result.tools[0]!);
  }
  return out;
}

/**
 * Applies `--cluster` to every lab and readies the tools of each kind lab's version. Returns the
 * labs to run and, per lab, the environment its config adds (empty for a lab that needs no
 * set-up: no cluster, an existing one, or a node image the user gave).
 */
export async function prepareLabClusters(labs: readonly Lab[], flags: ClusterSetupFlags, ctx: CliContext): Promise<{ labs: Lab[]; envOf: (lab: Lab) => Record<string, string> }> {
  const prepared = labs.map((lab) => withClusterProvider(lab, flags.cluster));
  const kindLabs = prepared.filter((lab) => lab.cluster.provider === 'kind');
  const userImage = flags.nodeImage ?? ctx.env.KUBELAB_NODE_IMAGE;
  if (kindLabs.length === 0 || userImage) {
    if (kindLabs.length > 0) ctx.stderr.write(painter(ctx.colorStderr)('dim', `setup: skipped: the node image ${userImage} is yours (${flags.nodeImage ? '--node-image' : 'KUBELAB_NODE_IMAGE'})`) + '\n');
    return { labs: prepared, envOf: () => ({}) };
  }
  const releaseOf = new Map<Lab, KubernetesRelease>();
  for (const lab of kindLabs) releaseOf.set(lab, await labRelease(lab));
  const why = kindLabs.length === 1 ? kindLabs[0]!.file : `${kindLabs.length} kind labs`;
  const tools = await readyClusterTools([...new Set(releaseOf.values())], ctx, { setup: flags.setup, why });
  return {
    labs: prepared,
    envOf: (lab) => {
      const release = releaseOf.get(lab);
      const t = release && tools.get(release.version);
      return t ? clusterToolsEnv(t) : {};
    },
  };
}
