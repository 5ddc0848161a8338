// Helpers of the e2e tests that run labs on the learner's own cluster: a kind cluster made from
// the node image `kubelab setup` readied for one Kubernetes version (the labs' shape, kind-config.yaml:
// 1 control plane, 2 workers; a private kubeconfig), the built CLI run against it, and sshd started inside a node container.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { withCgroupV1Patch } from '../../src/cluster/kind-config.js';
import { clusterToolsReadiness } from '../../src/setup/ready.js';
import type { ClusterTools } from '../../src/setup/setup.js';
import { resolveKubernetes } from '../../src/setup/versions.js';

const exec = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/src/cli.js');
export const LAB71 = join(ROOT, 'labs/71-node-log-kubelet-authz.md');

/** The tools of a version `kubelab setup` made, or why the version is not ready here. */
export async function versionTools(version: string): Promise<ClusterTools | string> {
  const state = await clusterToolsReadiness(resolveKubernetes(version), process.env);
  return state.ready ? state.tools : `Kubernetes ${version} is not set up here (${state.missing}): run \`kubelab setup --kubernetes ${version}\``;
}

export interface VersionCluster {
  name: string;
  kubeconfig: string;
  context: string;
  tools: ClusterTools;
  kubectl(...args: string[]): Promise<string>;
  delete(): Promise<void>;
}

const LAB_SHAPE = join(ROOT, 'kind-config.yaml');

async function cgroupVersion(): Promise<string> {
  return (await exec('docker', ['info', '--format', '{{.CgroupVersion}}'])).stdout.trim();
}

export async function createVersionCluster(name: string, tools: ClusterTools): Promise<VersionCluster> {
  const dir = mkdtempSync(join(tmpdir(), `kubelab-${name}-`));
  const kubeconfig = join(dir, 'kubeconfig');
  const config = join(dir, 'kind.yaml');
  const shape = readFileSync(LAB_SHAPE, 'utf8');
  writeFileSync(config, (await cgroupVersion()) === '1' ? withCgroupV1Patch(shape) : shape);
  const cluster: VersionCluster = {
    name,
    kubeconfig,
    context: `kind-${name}`,
    tools,
    async kubectl(...args) {
      return (await exec(tools.kubectl, ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 64 << 20 })).stdout;
    },
    async delete() {
      await exec(tools.kind, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await exec(tools.kind, ['create', 'cluster', '--name', name, '--image', tools.nodeImage, '--config', config, '--kubeconfig', kubeconfig, '--wait', '0s'], { maxBuffer: 64 << 20 });
    await cluster.kubectl('wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=600s');
  } catch (e) {
    await cluster.delete();
    throw e;
  }
  return cluster;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The built CLI with a private state dir, the cluster's kubeconfig, no colour. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

export interface NodeSshd {
  /** `root@IP` */
  target: string;
  /** An ssh client configuration (port, key, known host) for --ssh-config. */
  sshConfig: string;
  /** How many sessions sshd accepted so far. */
  accepted(): Promise<number>;
}

/**
 * Starts the host's OpenSSH server inside a node container: the sshd binary and the libraries
 * the node lacks are copied in (a node image has no apt source), with a fresh host key, a fresh
 * client key for root, and a client configuration that trusts exactly that host key.
 */
export async function startSshdInNode(container: string, port = 2222): Promise<NodeSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-sshd-'));
  mkdirSync(join(dir, 'opt', 'lib'), { recursive: true });
  const sshd = '/usr/sbin/sshd';
  await exec('test', ['-x', sshd]).catch(() => {
    throw new Error(`${sshd} is not installed on this host: apt-get install openssh-server (only its binary is used, copied into the node)`);
  });
  const libs = (await exec('ldd', [sshd])).stdout.split('\n').map((l) => /=>\s*(\/\S+)/.exec(l)?.[1]).filter((l): l is string => !!l && !/\/(libc|libm|libpthread|libdl)\.so/.test(l));
  const opt = '/opt/kubelab-sshd';
  await exec('docker', ['exec', container, 'mkdir', '-p', `${opt}/lib`, '/run/sshd']);
  for (const lib of libs) await exec('docker', ['cp', '-L', lib, `${container}:${opt}/lib/`]);
  await exec('docker', ['cp', '-L', sshd, `${container}:${opt}/sshd`]);
  await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'hostkey')]);
  await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'userkey')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'userkey.pub')));
  writeFileSync(join(dir, 'sshd_config'), [`Port ${port}`, `HostKey ${opt}/hostkey`, `AuthorizedKeysFile ${opt}/authorized_keys`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'UsePAM no', 'StrictModes no', `PidFile /run/kubelab-sshd.pid`, ''].join('\n'));
  for (const f of ['hostkey', 'authorized_keys', 'sshd_config']) await exec('docker', ['cp', join(dir, f), `${container}:${opt}/${f}`]);
  await exec('docker', ['exec', container, 'sh', '-c', `chmod 600 ${opt}/hostkey; getent passwd sshd >/dev/null || echo 'sshd:x:990:65534::/run/sshd:/usr/sbin/nologin' >> /etc/passwd`]);
  await exec('docker', ['exec', '-d', container, 'env', `LD_LIBRARY_PATH=${opt}/lib`, `${opt}/sshd`, '-D', '-f', `${opt}/sshd_config`, '-E', `${opt}/log`]);
  const ip = (await exec('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', container])).stdout.trim();
  writeFileSync(join(dir, 'known_hosts'), `[${ip}]:${port} ${readFileSync(join(dir, 'hostkey.pub'), 'utf8')}`);
  const sshConfig = join(dir, 'ssh_config');
  writeFileSync(sshConfig, ['Host *', `  Port ${port}`, `  IdentityFile ${join(dir, 'userkey')}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${join(dir, 'known_hosts')}`, '  StrictHostKeyChecking yes', '  ConnectTimeout 10', ''].join('\n'));
  const target = `root@${ip}`;
  // Up when a real login answers.
  for (let i = 0; ; i++) {
    const ok = await exec('ssh', ['-F', sshConfig, '-o', 'BatchMode=yes', target, '--', 'true']).then(() => true, () => false);
    if (ok) break;
    if (i === 20) throw new Error(`sshd in ${container} does not answer on ${ip}:${port}: ${(await exec('docker', ['exec', container, 'cat', `${opt}/log`]).catch(() => ({ stdout: '' }))).stdout}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    target,
    sshConfig,
    async accepted() {
      const log = (await exec('docker', ['exec', container, 'cat', `${opt}/log`])).stdout;
      return log.split('\n').filter((l) => /Accepted publickey for root/.test(l)).length;
    },
  };
}
