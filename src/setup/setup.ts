// `kubelab setup` as a function: make docker, kind, the node image and kubectl ready for each
// Kubernetes version asked for, and write what was made where the engine reads it
// (cluster-VERSION.env, and cluster.env for the default version). Every part is cached; a second
// run reuses everything in about a second.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { setupAssetsDir } from './assets.js';
import { cacheRoot, layout } from './cache.js';
import { ensureDocker } from './docker.js';
import { SetupError } from './errors.js';
import { ensureKind } from './kind.js';
import { ensureNodeImage, type NodeImageSource } from './node-image.js';
import { createProc, SetupInterrupt } from './proc.js';
import type { PartContext, SetupEvent } from './types.js';
import { DEFAULT_KUBERNETES, resolveKubernetesList, type KubernetesRelease } from './versions.js';

export interface EnsureClusterToolsOptions {
  /** Versions as a user writes them (`1.36`, `v1.35.4`, `all`, comma lists); default: the default version. */
  versions?: readonly string[];
  /** Progress (format it with formatSetupEvent). */
  progress?: (event: SetupEvent) => void;
  /** Aborting stops the running step; the next set-up resumes from the cache. */
  signal?: AbortSignal;
  /** Environment of the processes, and KUBELAB_CACHE; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the node image comes from; default `auto` (pull, else build). */
  nodeImageSource?: NodeImageSource;
  /** Default: whether this process runs as root (then docker is installed and started when needed). */
  isRoot?: boolean;
  /** Free space a node-image build needs (tests use a huge one to see the check refuse). */
  buildSpace?: { cache: number; docker: number; go: number };
}

/** What one version's set-up made: the values of its cluster-VERSION.env. */
export interface ClusterTools {
  version: string;
  kindVersion: string;
  kind: string;
  kubectl: string;
  nodeImage: string;
  pauseImage: string;
  nodeImageSource: 'pulled' | 'built';
  envFile: string;
}

export interface SetupResult {
  tools: ClusterTools[];
  /** The env files written (cluster-VERSION.env each, and cluster.env for the default version). */
  envFiles: string[];
  ms: number;
}

/**
 * Makes the tools ready for every version asked for. Throws SetupError (exit 2, with a hint) for
 * what the user can fix, SetupError SETUP_INTERRUPTED (exit 130/143) when `signal` was aborted.
 */
export async function ensureClusterTools(opts: EnsureClusterToolsOptions = {}): Promise<SetupResult> {
  const t0 = Date.now();
  const releases = resolveKubernetesList(opts.versions ?? []);
  const env = opts.env ?? process.env;
  const emit = opts.progress ?? (() => {});
  const paths = layout(cacheRoot(env));
  const proc = createProc({ env, signal: opts.signal });
  const ctx: PartContext = { proc, layout: paths, assets: setupAssetsDir(), isRoot: opts.isRoot ?? process.getuid?.() === 0, emit, signal: opts.signal };

  try {
    mkdirSync(paths.cache, { recursive: true });
  } catch (e) {
    throw new SetupError('SETUP_STEP_FAILED', `cannot create the cache ${paths.cache}: ${(e as Error).message}`, { hint: 'set KUBELAB_CACHE to a directory you can write' });
  }
  let release: (() => void) | undefined;
  try {
    release = await proc.lock(paths.lock, () => emit({ kind: 'wait', detail: `another set-up is working on ${paths.cache}: waiting for it` }));
    await part(ctx, 'docker', 'dockerd', () => ensureDocker(ctx));
    const tools: ClusterTools[] = [];
    const envFiles: string[] = [];
    for (const r of releases) {
      const kind = await part(ctx, `kind ${r.kind}`, `sigs.k8s.io/kind@${r.kind}`, async () => {
        const k = await ensureKind(ctx, r.kind);
        return { ...k, detail: k.path };
      });
      const node = await part(ctx, `node image ${r.version}`, `Kubernetes ${r.version}, kind ${r.kind}`, async () => {
        const n = await ensureNodeImage(ctx, r, { source: opts.nodeImageSource ?? 'auto', buildSpace: opts.buildSpace });
        return { ...n, detail: `${n.image} (${n.source}), kubectl ${n.kubectl}` };
      });
      const t: ClusterTools = {
        version: r.version,
        kindVersion: r.kind,
        kind: kind.path,
        kubectl: node.kubectl,
        nodeImage: node.image,
        pauseImage: node.pauseImage,
        nodeImageSource: node.source,
        envFile: paths.envFile(r.version),
      };
      writeAtomically(t.envFile, formatClusterEnv(t));
      envFiles.push(t.envFile);
      if (r.version === DEFAULT_KUBERNETES) {
        writeAtomically(paths.defaultEnvFile, formatClusterEnv(t));
        envFiles.push(paths.defaultEnvFile);
      }
      tools.push(t);
    }
    const ms = Date.now() - t0;
    emit({ kind: 'done', ms, envFiles });
    return { tools, envFiles, ms };
  } catch (e) {
    // A step cut short by the abort fails too; what counts is that the user stopped it.
    if (e instanceof SetupInterrupt || opts.signal?.aborted) {
      const reason = opts.signal?.reason;
      throw new SetupError('SETUP_INTERRUPTED', `set-up interrupted${typeof reason === 'string' ? ` by ${reason}` : ''}; nothing half-made is used`, {
        hint: 'run `kubelab setup` again: it resumes from the parts already in the cache',
        exitCode: reason === 'SIGTERM' ? 143 : 130,
      });
    }
    throw e;
  } finally {
    release?.();
  }
}

async function part<T extends { cached: boolean; detail: string }>(ctx: PartContext, name: string, detail: string, work: () => Promise<T>): Promise<T> {
  const t = Date.now();
  ctx.emit({ kind: 'part-start', part: name, detail });
  const result = await work();
  ctx.emit({ kind: 'part-end', part: name, ms: Date.now() - t, cached: result.cached, detail: result.detail });
  return result;
}

/** cluster-VERSION.env: KEY=VALUE lines, as test/cluster/prepare.sh wrote cluster.env. */
export function formatClusterEnv(t: ClusterTools): string {
  return [
    `KUBELAB_NODE_IMAGE=${t.nodeImage}`,
    `KUBELAB_KIND=${t.kind}`,
    `KUBELAB_KUBECTL=${t.kubectl}`,
    `KUBELAB_PAUSE_IMAGE=${t.pauseImage}`,
    `KUBELAB_K8S_VERSION=${t.version}`,
    `KUBELAB_KIND_VERSION=${t.kindVersion}`,
    `KUBELAB_NODE_SOURCE=${t.nodeImageSource}`,
    '',
  ].join('\n');
}

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export type { KubernetesRelease };
