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

/**
 * The release a lab runs on when no `--kubernetes` is given: its `kubernetes:` version, or for a
 * range the default version if in range, else the newest in range (src/versions/plan.ts).
 */
export async function labRelease(lab: Lab): Promise<KubernetesRelease> {
  const [{ DEFAULT_KUBERNETES, resolveKubernetes }, { defaultRelease, labRange }] = await Promise.all([import('../setup/versions.js'), import('../versions/plan.js')]);
  try {
    return defaultRelease(labRange(lab.kubernetes));
  } catch {
    // A range lint would refuse: the default release.
    return resolveKubernetes(DEFAULT_KUBERNETES);
  }
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
  if (opts.setup === false) {
    // Every missing version in one refusal, not one per attempt.
    const missing: { version: string; why: string }[] = [];
    const minors: string[] = [];
    for (const release of new Set(releases)) {
      const state = await clusterToolsReadiness(release, ctx.env);
      if (state.ready) continue;
      missing.push({ version: release.version, why: state.missing });
      minors.push(release.forMinor ? release.minor : release.version.replace(/^v/, ''));
    }
    if (missing.length > 0) {
      const one = missing.length === 1;
      const what = one ? `${missing[0]!.version} set up (kind, its node image, kubectl), and it is not: ${missing[0]!.why}` : `${missing.map((m) => m.version).join(', ')} set up (kind, their node images, kubectl), and they are not: ${missing.map((m) => `${m.version}: ${m.why}`).join('; ')}`;
      throw new SetupError('SETUP_NOT_READY', `${opts.why} needs Kubernetes ${what}; --no-setup keeps kubelab from setting ${one ? 'it' : 'them'} up`, {
        hint: `run \`kubelab setup --kubernetes ${minors.join(',')}\` first, or leave out --no-setup (then kubelab sets it up itself: a node image built from source takes 20-40 minutes the first time)`,
      });
    }
  }
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
    const minor = release.forMinor ? release.minor : release.version.replace(/^v/, '');
    say(paint('bold', `setup: ${opts.why} needs Kubernetes ${release.version}, which is not ready (${state.missing}): setting it up now, as \`kubelab setup --kubernetes ${minor}\` does`));
    say(paint('dim', 'setup: a node image that cannot be pulled is built from source, 20-40 minutes the first time; Ctrl-C stops it and the next run resumes from the cache'));
    const result = await ensureClusterTools({ versions: [release.version], env: ctx.env, signal: ctx.signal, progress: (e) => say(formatSetupEvent(e, paint)) });
    out.set(release.version, result.tools[0]!);
  }
  return out;
}

/** One lab on one Kubernetes version, as `run` plans it. */
export interface ClusterRun {
  lab: Lab;
  release: KubernetesRelease;
  /**
   * On that version's own set-up (`--kubernetes`): KUBELAB_NODE_IMAGE, which names the default
   * version's image, does not stand in for it; only `--node-image` (one version) does.
   */
  versioned: boolean;
}

/**
 * Readies the tools of each kind run's version (set up, or refused with `--no-setup`), each
 * version once. Returns each run's tools; none for a run that needs no set-up (no cluster, an
 * existing one, or a node image the user gave).
 */
export async function readyRunClusters<R extends ClusterRun>(runs: readonly R[], flags: ClusterSetupFlags, ctx: CliContext): Promise<(run: R) => ClusterTools | undefined> {
  const envImage = ctx.env.KUBELAB_NODE_IMAGE;
  const kindRuns = runs.filter((r) => r.lab.cluster.provider === 'kind');
  const userImage = (r: ClusterRun) => flags.nodeImage ?? (r.versioned ? undefined : envImage);
  const toSetUp = kindRuns.filter((r) => !userImage(r));
  const skipped = kindRuns.find((r) => userImage(r));
  if (skipped) ctx.stderr.write(painter(ctx.colorStderr)('dim', `setup: skipped: the node image ${userImage(skipped)} is yours (${flags.nodeImage ? '--node-image' : 'KUBELAB_NODE_IMAGE'})`) + '\n');
  if (toSetUp.length === 0) return () => undefined;
  const labs = new Set(toSetUp.map((r) => r.lab));
  const why = labs.size === 1 ? toSetUp[0]!.lab.file : `${labs.size} kind labs`;
  const tools = await readyClusterTools(toSetUp.map((r) => r.release), ctx, { setup: flags.setup, why });
  const needs = new Set<ClusterRun>(toSetUp);
  return (run) => (needs.has(run) ? tools.get(run.release.version) : undefined);
}

/**
 * Applies `--cluster` to every lab and readies the tools of each kind lab's version. Returns the
 * labs to run and, per lab, the environment its config adds (empty for a lab that needs no
 * set-up: no cluster, an existing one, or a node image the user gave).
 */
export async function prepareLabClusters(labs: readonly Lab[], flags: ClusterSetupFlags, ctx: CliContext): Promise<{ labs: Lab[]; envOf: (lab: Lab) => Record<string, string> }> {
  const prepared = labs.map((lab) => withClusterProvider(lab, flags.cluster));
  const runs: ClusterRun[] = [];
  for (const lab of prepared) if (lab.cluster.provider === 'kind') runs.push({ lab, release: await labRelease(lab), versioned: false });
  const toolsOf = await readyRunClusters(runs, flags, ctx);
  return {
    labs: prepared,
    envOf: (lab) => {
      const run = runs.find((r) => r.lab === lab);
      const t = run && toolsOf(run);
      return t ? clusterToolsEnv(t) : {};
    },
  };
}
