// The `kind` provider: create the lab's cluster (or reuse a running one of that name) with a
// private kubeconfig, wait for every node Ready by watching, delete it at the end unless kept.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import type { Lab } from '../lab/model.js';
import type { Undo } from '../engine/types.js';
import type { ClusterHandle, ClusterProvider, ProviderOptions } from './types.js';
import { EnvironmentError, LabError } from '../errors.js';
import { DockerNodeAccess } from '../node/docker.js';
import { ProcessError, runProcess } from '../node/process.js';
import { nodeExecEnv, toolsOf, type ToolEnv } from './env.js';
import { defaultConfig } from '../config.js';
import { formatDuration } from '../format.js';
import { kindConfigNodeCount, withCgroupV1Patch } from './kind-config.js';
import { readTextIfExists } from '../files.js';

export const DEFAULT_KIND_CLUSTER = 'kubelab';
const READY_TIMEOUT_MS = 300_000;

export function kindKubeconfigPath(stateDir: string, name: string): string {
  return join(stateDir, 'kubeconfigs', `kind-${name}.yaml`);
}

/** The programs the kind provider runs. */
export type KindTools = Pick<ToolEnv, 'kind' | 'docker'>;

export async function kindClusters(kind: string): Promise<string[]> {
  const r = await runKind(kind, ['get', 'clusters']);
  if (r.exitCode !== 0) throw kindFailed('kind get clusters', r.stderr);
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('No kind clusters'));
}

/** `docker info` says which cgroup version the host (and so every kind node) has. */
export async function dockerCgroupVersion(docker: string): Promise<string> {
  const r = await runProcess([docker, 'info', '--format', '{{.CgroupVersion}}'], { timeoutMs: 30_000 }).catch((e) => {
    if (e instanceof ProcessError && e.code === 'command-not-found') {
      throw new EnvironmentError('no-docker', `docker is not installed (looked for "${docker}")`, { hint: 'install docker (`kubelab doctor` says how)', cause: e });
    }
    throw e;
  });
  if (r.exitCode !== 0 || r.timedOut) {
    const why = r.timedOut ? 'no answer within 30 s' : r.stderr.toString().trim() || `exit code ${r.exitCode}`;
    throw new EnvironmentError('docker-down', `docker does not answer: ${why}`, {
      hint: 'start the docker daemon (`sudo systemctl start docker`) and make sure you may use it',
    });
  }
  return r.stdout.toString().trim();
}

export const kindProvider: ClusterProvider = {
  name: 'kind',
  async setup(lab: Lab, opts: ProviderOptions, registerUndo: (undo: Undo) => Promise<string>): Promise<ClusterHandle> {
    // The Kubernetes client takes ~0.5 s to load: it loads while kind and docker answer.
    const kube = Promise.all([import('../kube/client.js'), import('../kube/nodes.js'), import('./handle.js')]);
    kube.catch(() => undefined);
    // Where kind and docker are: the prepared cluster.env or the environment (until the CLI's
    // typed config passes them in ProviderOptions).
    const config = opts.config ?? defaultConfig();
    const tools = toolsOf(config);
    const name = lab.cluster.name ?? DEFAULT_KIND_CLUSTER;
    const kubeconfigPath = kindKubeconfigPath(opts.stateDir, name);
    mkdirSync(dirname(kubeconfigPath), { recursive: true, mode: 0o700 });
    const progress = opts.progress ?? (() => {});

    let configText: string | undefined;
    let configPath: string | undefined;
    if (lab.cluster.config) {
      configPath = resolve(dirname(lab.file), lab.cluster.config);
      try {
        configText = readFileSync(configPath, 'utf8');
      } catch (e) {
        throw new LabError('kind-config-missing', `kind config ${configPath} (cluster.config in ${lab.file}) cannot be read: ${(e as Error).message}`, {
          hint: 'cluster.config is relative to the lab file',
          pos: { file: lab.file, line: 1 },
        });
      }
    }
    const expectedNodes = kindConfigNodeCount(configText);

    // The node containers' ids, asked at the same time: they tell whether the kubeconfig kept
    // from an earlier run is still this cluster's.
    const [existing, nodeIds] = await Promise.all([kindClusters(tools.kind), opts.reuse ? kindNodeContainers(name, tools.docker, '{{.ID}}').catch(() => []) : Promise.resolve([])]);
    if (existing.includes(name)) {
      if (!opts.reuse) {
        throw new EnvironmentError('cluster-exists', `a kind cluster named "${name}" already exists`, {
          hint: `pass --reuse to run on it, or delete it first: ${tools.kind} delete cluster --name ${name}`,
        });
      }
      // `kind get kubeconfig` takes about 0.4 s (it reads admin.conf inside the control plane); the
      // copy an earlier run wrote serves as long as the same containers run (same certificates,
      // same API server port). A recreated cluster has new containers, so it is asked again.
      const stamp = `${kubeconfigPath}.nodes`;
      const identity = nodeIds.length ? `${[...nodeIds].sort().join(' ')}\n` : undefined;
      if (identity !== undefined && readTextIfExists(stamp) === identity && existsSync(kubeconfigPath)) {
        progress(`reusing kind cluster ${name} (its kubeconfig kept from an earlier run)`);
      } else {
        progress(`reusing kind cluster ${name}`);
        rmSync(stamp, { force: true });
        const r = await runKind(tools.kind, ['get', 'kubeconfig', '--name', name]);
        if (r.exitCode !== 0) throw kindFailed(`kind get kubeconfig --name ${name}`, r.stderr);
        writeFileSync(kubeconfigPath, r.stdout, { mode: 0o600 });
        chmodSync(kubeconfigPath, 0o600);
        if (identity !== undefined) writeFileSync(stamp, identity, { mode: 0o600 });
      }
    } else {
      if (!opts.keep) {
        await registerUndo({ kind: 'delete-cluster', label: `delete kind cluster ${name}`, provider: 'kind', name, kubeconfig: kubeconfigPath });
      }
      const args = ['create', 'cluster', '--name', name, '--kubeconfig', kubeconfigPath, '--wait', '0s'];
      const image = opts.nodeImage ?? tools.nodeImage;
      if (image) args.push('--image', image);
      let effectiveConfig = configPath;
      if ((await dockerCgroupVersion(tools.docker)) === '1') {
        effectiveConfig = join(opts.stateDir, 'kubeconfigs', `kind-${name}.config.yaml`);
        writeFileSync(effectiveConfig, withCgroupV1Patch(configText));
        progress('docker uses cgroup v1: the kind config gets failCgroupV1: false for the kubelet');
      }
      if (effectiveConfig) args.push('--config', effectiveConfig);
      progress(`creating kind cluster ${name}${image ? ` from ${image}` : ''} (a minute or two)`);
      const started = Date.now();
      const r = await runKind(tools.kind, args, { signal: opts.signal, onLine: (l) => progress(`kind: ${l}`) });
      if (r.exitCode !== 0) {
        const log = join(opts.stateDir, 'kubeconfigs', `kind-${name}.create.log`);
        writeFileSync(log, r.stderr + r.stdout);
        throw kindFailed(`kind ${args.join(' ')}`, r.stderr, log);
      }
      progress(`kind cluster ${name} created in ${formatDuration(Date.now() - started, { style: 'timing' })}`);
    }

    const [{ KubeClient }, { waitForNodesReady }, { KubeClusterHandle }] = await kube;
    const client = KubeClient.load({ kubeconfigPath });
    const t0 = Date.now();
    await waitForNodesReady(client, { minCount: expectedNodes, timeoutMs: READY_TIMEOUT_MS, signal: opts.signal, progress });
    progress(`all nodes Ready (${Math.round((Date.now() - t0) / 1000)} s)`);
    const env = nodeExecEnv({ docker: tools.docker, ssh: tools.ssh }, {});
    return new KubeClusterHandle('kind', name, kubeconfigPath, undefined, async (node) => new DockerNodeAccess(node.name, node.name, tools.docker), config, env);
  },
};

/** Deletes a kind cluster (the `delete-cluster` undo). Idempotent: a missing cluster is fine. */
export async function deleteKindCluster(name: string, kubeconfig?: string, signal?: AbortSignal, tools: KindTools = toolsOf(defaultConfig())): Promise<void> {
  // --kubeconfig: kind removes the cluster's entries from that file, never from ~/.kube/config.
  const args = ['delete', 'cluster', '--name', name, ...(kubeconfig ? ['--kubeconfig', kubeconfig] : [])];
  // An interrupted `kind create` may leave a `docker run` that creates a node container just
  // after kind exited: watch a few seconds more and delete again what shows up.
  const deleteOnce = async () => {
    const r = await runKind(tools.kind, args, { signal });
    if (r.exitCode !== 0) throw kindFailed(`kind ${args.join(' ')}`, r.stderr);
  };
  await deleteOnce();
  for (const quietUntil = Date.now() + 3_000; Date.now() < quietUntil; ) {
    await sleep(1000, undefined, { signal });
    if ((await kindNodeContainers(name, tools.docker)).length) await deleteOnce();
  }
  const left = await kindNodeContainers(name, tools.docker);
  if (left.length) {
    throw new EnvironmentError('cluster-not-deleted', `kind cluster ${name} still has containers after deleting it: ${left.join(', ')}`, {
      hint: `remove them: docker rm -f ${left.join(' ')}`,
    });
  }
}

/** Containers (running or not) of a kind cluster, by kind's label: their names (or `format`). */
export async function kindNodeContainers(name: string, docker: string, format = '{{.Names}}'): Promise<string[]> {
  const r = await runProcess([docker, 'ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${name}`, '--format', format], { timeoutMs: 30_000 });
  return r.exitCode === 0 ? r.stdout.toString().split('\n').map((l) => l.trim()).filter(Boolean) : [];
}

interface KindResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs kind, passing each line of its (stderr) progress to onLine. On abort kind gets SIGTERM,
 * and this settles only once kind has exited: a cleanup that deletes the cluster must not race
 * the create that is still running.
 */
export async function runKind(kind: string, args: string[], opts: { signal?: AbortSignal; onLine?: (line: string) => void } = {}): Promise<KindResult> {
  try {
    const r = await runProcess([kind, ...args], { signal: opts.signal, onStderrLine: opts.onLine });
    return { exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
  } catch (e) {
    if (e instanceof ProcessError && e.code === 'command-not-found') {
      throw new EnvironmentError('no-kind', `kind is not installed (looked for "${kind}")`, {
        hint: 'install kind (`go install sigs.k8s.io/kind@v0.32.0`) or set KUBELAB_KIND; `kubelab doctor` checks everything',
        cause: e,
      });
    }
    throw e;
  }
}

/** The meaningful lines of kind's stderr: its messages and kubeadm's, not Go stack frames. */
export function kindErrorLines(stderr: string, max = 15): string[] {
  const lines = stderr.split('\n').map((l) => stripVTControlCharacters(l).trimEnd());
  const meaningful = lines.filter((l) => l.trim() && !/^\s/.test(l) && !/^[\w./-]+\.\w+\(.*\)$/.test(l) && !/^[\w.-]+(\/[\w.@-]+)+\.\w+$/.test(l) && !/^(runtime|main)\./.test(l));
  const errors = meaningful.filter((l) => /error|fail|timed out|refused|unable/i.test(l));
  return (errors.length ? errors : meaningful).slice(-max);
}

function kindFailed(what: string, stderr: string, logFile?: string): EnvironmentError {
  const tail = kindErrorLines(stderr).join('\n');
  return new EnvironmentError('kind-failed', `${what} failed${tail ? `:\n${tail}` : ''}${logFile ? `\n(kind's whole output: ${logFile})` : ''}`, {
    hint: 'run `kubelab doctor`; on a cgroup v1 or rootless docker host see docs/kubernetes.md',
  });
}
