// The kind node image of one Kubernetes version, and a kubectl of that version: kindest/node pulled
// where a registry answers, otherwise built from source by assets/setup/build-node-image.sh (every
// part cached under the version's build root and keyed by its inputs; stamps are written after
// their outputs, files renamed into place, so an interrupted build resumes and never uses a half
// one).
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseEnvFile } from '../cluster/env.js';
import { BUILD_SPACE, checkDiskSpace, requireGo, requireRoot, requireServed } from './checks.js';
import { runDockerUp } from './docker.js';
import { SetupError } from './errors.js';
import { SetupInterrupt, tailOf } from './proc.js';
import type { PartContext } from './types.js';
import type { KubernetesRelease } from './versions.js';

/** `auto`: pull, and build where that fails; `pull`: never build; `build`: never pull. */
export type NodeImageSource = 'auto' | 'pull' | 'build';

export interface NodeImage {
  image: string;
  /** containerd's sandbox image in the nodes (present offline in every node). */
  pauseImage: string;
  source: 'pulled' | 'built';
  kubectl: string;
  /** Whether the image (and kubectl) were there already. */
  cached: boolean;
}

export interface NodeImageOptions {
  source: NodeImageSource;
  /** Bytes a build needs per place; default BUILD_SPACE. */
  buildSpace?: { cache: number; docker: number; go: number };
}

/** kind's published image of a version. */
export function publishedImage(version: string): string {
  return `kindest/node:${version}`;
}

export async function ensureNodeImage(ctx: PartContext, release: KubernetesRelease, opts: NodeImageOptions): Promise<NodeImage> {
  const part = `node image ${release.version}`;
  const recorded = readRecorded(ctx, release.version);
  const triedPull = opts.source === 'pull' || (opts.source === 'auto' && !existsSync(ctx.layout.noPullStamp));
  if (opts.source !== 'build' && triedPull) {
    const pulled = await tryPublished(ctx, release, part);
    if (pulled) return { ...pulled, pauseImage: pulled.pauseImage ?? (recorded?.image === pulled.image && recorded.pause ? recorded.pause : await readPauseImage(ctx, pulled.image)) };
    if (opts.source === 'pull') {
      throw new SetupError('SETUP_PULL_FAILED', `cannot pull ${publishedImage(release.version)}`, {
        hint: 'check that docker can reach its registry (`docker pull kindest/node:' + release.version + '`), or let kubelab build the image: `kubelab setup --node-image auto`',
      });
    }
    mkdirSync(dirname(ctx.layout.noPullStamp), { recursive: true });
    writeFileSync(ctx.layout.noPullStamp, '');
    ctx.emit({ kind: 'log', part, line: `${publishedImage(release.version)} cannot be pulled here: building the node image from source (later runs skip the pull; delete ${ctx.layout.noPullStamp} to try again)` });
  }
  return buildNodeImage(ctx, release, opts, recorded);
}

async function tryPublished(ctx: PartContext, release: KubernetesRelease, part: string): Promise<Omit<NodeImage, 'pauseImage'> & { pauseImage?: string } | undefined> {
  const image = publishedImage(release.version);
  let cached = (await ctx.proc.run(['docker', 'image', 'inspect', image], { timeoutMs: 60_000 })).exitCode === 0;
  if (!cached) {
    ctx.emit({ kind: 'log', part, line: `trying docker pull ${image}` });
    const out = await ctx.proc.run(['docker', 'pull', '-q', image], { timeoutMs: 300_000 });
    if (ctx.signal?.aborted) throw new SetupInterrupt();
    if (out.exitCode !== 0) return undefined;
  }
  const kubectl = ctx.layout.kubectlBin(release.version);
  if (!existsSync(kubectl)) {
    cached = false;
    const created = await ctx.proc.run(['docker', 'create', image], { timeoutMs: 60_000 });
    const cid = created.stdout.trim();
    try {
      mkdirSync(dirname(kubectl), { recursive: true });
      const cp = await ctx.proc.run(['docker', 'cp', `${cid}:/usr/bin/kubectl`, `${kubectl}.tmp`], { timeoutMs: 120_000 });
      if (created.exitCode !== 0 || cp.exitCode !== 0) throw stepFailed(`copying kubectl out of ${image} failed: ${tailOf(created.exitCode !== 0 ? created : cp, 3)}`);
      renameSync(`${kubectl}.tmp`, kubectl);
    } finally {
      if (cid) await ctx.proc.run(['docker', 'rm', cid], { timeoutMs: 60_000 });
    }
  }
  return { image, source: 'pulled', kubectl, cached };
}

async function buildNodeImage(ctx: PartContext, release: KubernetesRelease, opts: NodeImageOptions, recorded: Recorded | undefined): Promise<NodeImage> {
  const part = `node image ${release.version}`;
  const root = ctx.layout.buildRoot(release.version);
  const built = looksBuilt(root, release.version);
  const forWhat = `build the node image of Kubernetes ${release.version}`;
  let go;
  try {
    go = await requireGo(ctx.proc, release.go, forWhat);
  } catch (e) {
    // An air-gapped machine may have built once and lost Go since: the image it made still works.
    if (built && recorded && (await imageExists(ctx, recorded.image)) && existsSync(ctx.layout.kubectlBin(release.version))) {
      ctx.emit({ kind: 'log', part, line: `no usable Go (${(e as Error).message}): using the node image built before, ${recorded.image}, without checking the recipe for changes` });
      return { image: recorded.image, pauseImage: recorded.pause, source: 'built', kubectl: ctx.layout.kubectlBin(release.version), cached: true };
    }
    throw e;
  }
  if (!built) {
    requireRoot(ctx.isRoot, forWhat);
    await runDockerUp(ctx);
    const dockerRoot = (await ctx.proc.run(['docker', 'info', '--format', '{{.DockerRootDir}}'], { timeoutMs: 30_000 })).stdout.trim() || '/var/lib/docker';
    const space = opts.buildSpace ?? BUILD_SPACE;
    checkDiskSpace(
      [
        { path: root, bytes: space.cache, what: 'kubelab cache' },
        { path: dockerRoot, bytes: space.docker, what: 'docker images' },
        { path: go.cache || root, bytes: space.go, what: 'Go build and module caches' },
      ],
      forWhat,
    );
    await requireServed(ctx.proc, 'k8s.io/kubernetes', release.version);
    await requireServed(ctx.proc, 'sigs.k8s.io/kind', release.kind);
    seedFromRoot(ctx, root);
  }

  const releaseHolds = await holdOtherVersionsImages(ctx, release.version);
  let out: Awaited<ReturnType<typeof ctx.proc.run>>;
  try {
    out = await ctx.proc.run(['bash', join(ctx.assets, 'build-node-image.sh')], {
      env: { KUBELAB_CACHE: root, K8S_VERSION: release.version, KIND_VERSION: release.kind, GOFLAGS: `${ctx.proc.env.GOFLAGS ?? ''} -modcacherw`.trim() },
      onStderrLine: (line) => ctx.emit({ kind: 'log', part, line: line.replace(/^\[kubelab [\d:]+\] /, '') }),
    });
  } finally {
    await releaseHolds();
  }
  if (ctx.signal?.aborted) throw new SetupInterrupt();
  const image = out.stdout.trim().split('\n').pop() ?? '';
  if (out.exitCode !== 0 || !image) {
    throw stepFailed(`the node image build of ${release.version} failed (exit ${out.exitCode}): ${lastMeaningful(out.stderr)}`, `the lines above and the logs in ${join(root, 'logs')} say which part failed; fix that and run \`kubelab setup\` again: the parts already built are kept`);
  }

  const kubectl = ctx.layout.kubectlBin(release.version);
  const builtKubectl = join(root, 'build', `k8s-${release.version}`, 'bin', 'kubectl');
  // The recipe says `done in` for each part it made, `docker load` when it reloaded the image.
  let cached = built && !/done in|docker load/.test(out.stderr) && existsSync(kubectl) && statSync(kubectl).mtimeMs >= statSync(builtKubectl).mtimeMs;
  if (!cached) {
    mkdirSync(dirname(kubectl), { recursive: true });
    copyFileSync(builtKubectl, `${kubectl}.tmp`);
    renameSync(`${kubectl}.tmp`, kubectl);
  }
  let pauseImage = recorded?.image === image ? recorded.pause : '';
  if (!pauseImage) {
    cached = false;
    pauseImage = await readPauseImage(ctx, image);
  }
  return { image, pauseImage, source: 'built', kubectl, cached };
}

const HOLD_LABEL = 'io.kubelab.hold-image';

/**
 * The recipe, written when there was one version, ends by removing every kubelab/node and
 * kubelab/podnet image but its own (docker refuses while a container uses one). So that building
 * v1.35.4 does not take v1.36.1's image away from the clusters and runs that use it, each other
 * version's recorded node image (and its podnet image, same key) gets a stopped container for the
 * time of the build. Stale images of the version being built still go. Holds an interrupted
 * set-up left (of this cache) are removed first.
 */
export async function holdOtherVersionsImages(ctx: PartContext, version: string): Promise<() => Promise<void>> {
  const removeHolds = async () => {
    const held = await ctx.proc.run(['docker', 'ps', '-aq', '--filter', `label=${HOLD_LABEL}=${ctx.layout.cache}`], { timeoutMs: 60_000 });
    const ids = held.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    if (ids.length) await ctx.proc.run(['docker', 'rm', '-f', ...ids], { timeoutMs: 120_000 });
  };
  await removeHolds();
  const images = new Set<string>();
  for (const file of readdirSync(ctx.layout.cache).filter((f) => /^cluster(-v[\d.]+)?\.env$/.test(f))) {
    let values: Record<string, string>;
    try {
      values = parseEnvFile(readFileSync(join(ctx.layout.cache, file), 'utf8'));
    } catch {
      continue;
    }
    const image = values.KUBELAB_NODE_IMAGE ?? '';
    const m = /^kubelab\/node:(v[\d.]+)-(\w+)$/.exec(image);
    if (!m || m[1] === version) continue;
    images.add(image);
    images.add(`kubelab/podnet:${m[2]}`);
  }
  for (const image of images) {
    if (await imageExists(ctx, image)) await ctx.proc.run(['docker', 'create', '--label', `${HOLD_LABEL}=${ctx.layout.cache}`, image, 'true'], { timeoutMs: 60_000 });
  }
  return removeHolds;
}

/**
 * A version's build root starts with the Debian trees the cache root already made (same recipe,
 * same key: the stamp travels with its tar, and the recipe rebuilds when its key differs). Hard
 * links: no copy, and the root's files stay as they are.
 */
function seedFromRoot(ctx: PartContext, root: string): void {
  if (root === ctx.layout.cache) return;
  const from = join(ctx.layout.cache, 'build');
  if (!existsSync(from)) return;
  for (const name of readdirSync(from)) {
    const m = /^(rootfs-(?:base|node))-[\w.-]+\.tar$/.exec(name);
    const stamp = m && join(ctx.layout.cache, 'stamps', m[1]!);
    if (!m || !stamp || !existsSync(stamp)) continue;
    const ownStamp = join(root, 'stamps', m[1]!);
    if (existsSync(ownStamp)) continue;
    mkdirSync(join(root, 'build'), { recursive: true });
    mkdirSync(join(root, 'stamps'), { recursive: true });
    rmSync(join(root, 'build', name), { force: true });
    try {
      linkSync(join(from, name), join(root, 'build', name));
    } catch {
      copyFileSync(join(from, name), join(root, 'build', name));
    }
    copyFileSync(stamp, `${ownStamp}.tmp`);
    renameSync(`${ownStamp}.tmp`, ownStamp);
  }
}

/** The recipe finished this version once: its node stamp and image tarball are there. */
function looksBuilt(root: string, version: string): boolean {
  if (!existsSync(join(root, 'stamps', 'node'))) return false;
  try {
    return readdirSync(join(root, 'images')).some((f) => f.startsWith(`node-${version}-`) && f.endsWith('.tar'));
  } catch {
    return false;
  }
}

interface Recorded {
  image: string;
  pause: string;
}

/** What the last set-up of this version wrote (cluster-VERSION.env), to skip re-reading the image. */
function readRecorded(ctx: PartContext, version: string): Recorded | undefined {
  try {
    const values = parseEnvFile(readFileSync(ctx.layout.envFile(version), 'utf8'));
    if (values.KUBELAB_NODE_IMAGE && values.KUBELAB_PAUSE_IMAGE) return { image: values.KUBELAB_NODE_IMAGE, pause: values.KUBELAB_PAUSE_IMAGE };
  } catch {
    /* first set-up of this version */
  }
  return undefined;
}

async function imageExists(ctx: PartContext, image: string): Promise<boolean> {
  return (await ctx.proc.run(['docker', 'image', 'inspect', image], { timeoutMs: 60_000 })).exitCode === 0;
}

/** containerd's sandbox image, from the node image's own /etc/containerd/config.toml. */
async function readPauseImage(ctx: PartContext, image: string): Promise<string> {
  const out = await ctx.proc.run(['docker', 'run', '--rm', '--entrypoint', 'cat', image, '/etc/containerd/config.toml'], { timeoutMs: 120_000 });
  const m = /^\s*sandbox_image\s*=\s*"([^"]+)"/m.exec(out.stdout);
  if (out.exitCode !== 0 || !m) throw stepFailed(`cannot read containerd's sandbox_image from ${image}: ${tailOf(out, 3) || 'no sandbox_image line'}`);
  return m[1]!;
}

function stepFailed(message: string, hint = 'fix what the message says and run `kubelab setup` again: the parts already made are kept'): SetupError {
  return new SetupError('SETUP_STEP_FAILED', message, { hint });
}


function lastMeaningful(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l.trim() !== '');
  const err = [...lines].reverse().find((l) => /ERROR:/.test(l));
  return (err ?? lines.pop() ?? '(no output)').replace(/^\[kubelab [\d:]+\] (ERROR: )?/, '');
}
