// Test clusters for the e2e suites: kind clusters made from the node image
// that `npm run cluster:prepare` (`kubelab setup`, src/setup/) readied, each with
// its own kubeconfig file so that tests never touch ~/.kube/config.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ClusterEnv {
  /** Node image for `kind create cluster --image`. */
  nodeImage: string;
  /** Path of the kind binary. */
  kind: string;
  /** Path of a kubectl of the node image's Kubernetes version. */
  kubectl: string;
  /** containerd's sandbox image inside the nodes: present on every node, so pods can use it offline. */
  pauseImage: string;
}

export interface TestCluster {
  name: string;
  kubeconfig: string;
  env: ClusterEnv;
  /** Runs kubectl against this cluster; resolves with stdout, rejects with the command's output. */
  kubectl(args: string[], options?: { timeoutMs?: number }): Promise<string>;
}

export class ClusterSetupError extends Error {
  readonly code = 'CLUSTER_SETUP';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(`${message}\n  hint: ${hint}`);
    this.name = 'ClusterSetupError';
  }
}

const prepareHint = 'run `npm run cluster:prepare` (`kubelab setup` from this checkout) on this machine first';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KUBELAB_CACHE || join(homedir(), '.cache', 'kubelab');
}

/** Parses the KEY=value lines of cluster.env. Pure. */
export function parseClusterEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!.trim();
  }
  return values;
}

export function readClusterEnv(env: NodeJS.ProcessEnv = process.env): ClusterEnv {
  const file = join(cacheDir(env), 'cluster.env');
  if (!existsSync(file)) {
    throw new ClusterSetupError(`no test-cluster settings at ${file}`, prepareHint);
  }
  const values = parseClusterEnv(readFileSync(file, 'utf8'));
  const required = ['KUBELAB_NODE_IMAGE', 'KUBELAB_KIND', 'KUBELAB_KUBECTL', 'KUBELAB_PAUSE_IMAGE'] as const;
  const missing = required.filter((key) => !values[key]);
  if (missing.length > 0) {
    throw new ClusterSetupError(`${file} lacks ${missing.join(', ')}`, prepareHint);
  }
  for (const key of ['KUBELAB_KIND', 'KUBELAB_KUBECTL'] as const) {
    if (!existsSync(values[key]!)) {
      throw new ClusterSetupError(`${key}=${values[key]} (from ${file}) does not exist`, prepareHint);
    }
  }
  return {
    nodeImage: values.KUBELAB_NODE_IMAGE!,
    kind: values.KUBELAB_KIND!,
    kubectl: values.KUBELAB_KUBECTL!,
    pauseImage: values.KUBELAB_PAUSE_IMAGE!,
  };
}

/** True when this host (the one dockerd runs on) mounts cgroup v1; v2 has cgroup.controllers at the root. */
export function isCgroupV1(root = '/sys/fs/cgroup'): boolean {
  return !existsSync(join(root, 'cgroup.controllers'));
}

const cgroupV1PatchLines = [
  '- |',
  '  kind: KubeletConfiguration',
  '  apiVersion: kubelet.config.k8s.io/v1beta1',
  '  # kubelet 1.35+ refuses cgroup v1 hosts unless told otherwise',
  '  failCgroupV1: false',
];

/**
 * Returns the kind config text with a kubeadm patch that sets the kubelet's
 * `failCgroupV1: false`, added to an existing top-level kubeadmConfigPatches
 * list or as a new one. Pure.
 */
export function withCgroupV1Patch(configText: string): string {
  const lines = configText.replace(/\s+$/, '').split('\n');
  const keyIndex = lines.findIndex((line) => /^kubeadmConfigPatches:\s*$/.test(line));
  if (keyIndex === -1) {
    return [...lines, 'kubeadmConfigPatches:', ...cgroupV1PatchLines.map((l) => `  ${l}`), ''].join('\n');
  }
  const next = lines.slice(keyIndex + 1).find((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const indent = next && /^\s*-/.test(next) ? /^(\s*)/.exec(next)![1]! : '  ';
  lines.splice(keyIndex + 1, 0, ...cgroupV1PatchLines.map((l) => `${indent}${l}`));
  return [...lines, ''].join('\n');
}

interface RunResult {
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `exit code ${error.code}`;
        reject(new Error(`${file} ${args.join(' ')} failed (${why})\n${stderr}${stdout}`.trimEnd()));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

function workDir(): string {
  const dir = join(cacheDir(), 'clusters');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function kubeconfigPath(name: string): string {
  return join(workDir(), `${name}.kubeconfig`);
}

export interface CreateOptions {
  /** Time for `kind create cluster`; on 2 cores a 3-node cluster takes a few minutes. */
  createTimeoutMs?: number;
  /** Time for every node to become Ready after kind returns. */
  readyTimeoutMs?: number;
}

/**
 * Creates a kind cluster from configPath with the prepared node image and a
 * private kubeconfig, then waits until every node is Ready. On cgroup v1 hosts
 * a patched copy of the config is used (see withCgroupV1Patch).
 */
export async function createTestCluster(name: string, configPath: string, options: CreateOptions = {}): Promise<TestCluster> {
  const env = readClusterEnv();
  const kubeconfig = kubeconfigPath(name);
  let config = configPath;
  if (isCgroupV1()) {
    config = join(workDir(), `${name}.kind-config.yaml`);
    writeFileSync(config, withCgroupV1Patch(readFileSync(configPath, 'utf8')));
  }
  await run(
    env.kind,
    ['create', 'cluster', '--name', name, '--config', config, '--image', env.nodeImage, '--kubeconfig', kubeconfig],
    options.createTimeoutMs ?? 900_000,
  );
  const cluster: TestCluster = {
    name,
    kubeconfig,
    env,
    async kubectl(args, kubectlOptions = {}) {
      const { stdout } = await run(env.kubectl, ['--kubeconfig', kubeconfig, ...args], kubectlOptions.timeoutMs ?? 120_000);
      return stdout;
    },
  };
  const readySeconds = Math.round((options.readyTimeoutMs ?? 600_000) / 1000);
  await cluster.kubectl(['wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${readySeconds}s`], {
    timeoutMs: (readySeconds + 30) * 1000,
  });
  return cluster;
}

/** Deletes the cluster and its private files; safe to call when creation failed half way. */
export async function deleteTestCluster(name: string): Promise<void> {
  const env = readClusterEnv();
  const kubeconfig = kubeconfigPath(name);
  try {
    await run(env.kind, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], 300_000);
  } finally {
    rmSync(kubeconfig, { force: true });
    rmSync(join(workDir(), `${name}.kind-config.yaml`), { force: true });
  }
}
