// `kubelab doctor`: are the tools a cluster lab needs here, which versions, which Kubernetes
// versions have a node image set up, and how to get the missing ones. Checks over an injectable
// command runner and readiness check, so tests need no real tools.
import { ProcessError, runProcess } from './node/process.js';
import { toolEnv, type ToolEnv } from './cluster/env.js';
import type { Readiness } from './setup/ready.js';
import { DEFAULT_KUBERNETES, KUBERNETES_RELEASES, type KubernetesRelease } from './setup/versions.js';

/** `absent`: not set up and not needed yet (a Kubernetes version other than the default). */
export type CheckStatus = 'ok' | 'missing' | 'broken' | 'absent';

export interface DoctorCheck {
  /** `docker`, `docker daemon`, `kind`, `kubectl`, `jq`. */
  name: string;
  status: CheckStatus;
  /** The program that was run. */
  program: string;
  version?: string;
  /** What went wrong (`not found in PATH`, the daemon's error). */
  detail?: string;
  /** How to install or fix it. */
  fix?: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  ok: boolean;
}

export type CommandRunner = (argv: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string } | 'not-found'>;

export const runCommand: CommandRunner = async (argv) => {
  try {
    const r = await runProcess(argv, { timeoutMs: 20_000 });
    const stderr = r.stderr.toString('utf8');
    return { exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.timedOut ? `no answer within 20 s${stderr ? `: ${stderr}` : ''}` : stderr };
  } catch (e) {
    if (e instanceof ProcessError && e.code === 'command-not-found') return 'not-found';
    throw e;
  }
};

interface ToolSpec {
  name: string;
  program: string;
  args: string[];
  /** Pulls the version out of the output. */
  version: (out: string) => string | undefined;
  fix: string;
}

const firstMatch = (re: RegExp) => (out: string) => re.exec(out)?.[1];

/** What to check, given where the tools are (the CLI's config: KUBELAB_KIND and friends, cluster.env). */
export function toolSpecs(tools: Pick<ToolEnv, 'docker' | 'kind' | 'kubectl'>): ToolSpec[] {
  return [
    {
      name: 'docker',
      program: tools.docker,
      args: ['version', '--format', '{{.Client.Version}}'],
      version: (out) => out.trim().split('\n')[0] || undefined,
      fix: 'install Debian\'s docker.io package (`sudo apt-get install docker.io`) or Docker Engine, and add yourself to the docker group',
    },
    {
      name: 'kind',
      program: tools.kind,
      args: ['version'],
      version: firstMatch(/\b(v\d+\.\d+\.\d+\S*)/),
      fix: '`kubelab setup` builds it (with the node image and kubectl), or `go install sigs.k8s.io/kind@v0.32.0`, or set KUBELAB_KIND',
    },
    {
      name: 'kubectl',
      program: tools.kubectl,
      args: ['version', '--client', '-o', 'json'],
      version: (out) => {
        try {
          return JSON.parse(out).clientVersion?.gitVersion;
        } catch {
          return firstMatch(/(v\d+\.\d+\.\d+\S*)/)(out);
        }
      },
      fix: '`kubelab setup` makes one of the cluster\'s version; or install a kubectl release binary, or set KUBELAB_KUBECTL',
    },
    {
      name: 'jq',
      program: 'jq',
      args: ['--version'],
      version: (out) => out.trim().replace(/^jq-/, '') || undefined,
      fix: 'sudo apt-get install jq',
    },
  ];
}

/** Whether `kubelab setup` made a version (src/setup/ready.ts), injectable for tests. */
export type ReadinessCheck = (release: KubernetesRelease, env: NodeJS.ProcessEnv) => Promise<Readiness>;

/**
 * `env` says where the tools are (KUBELAB_KIND, KUBELAB_KUBECTL, KUBELAB_DOCKER, KUBELAB_CACHE's
 * cluster.env). Then one check per Kubernetes version of kubelab's table: its node image, set up
 * or not (only the default version's counts as missing).
 */
export async function runDoctor(opts: { env: NodeJS.ProcessEnv; run?: CommandRunner; readiness?: ReadinessCheck }): Promise<DoctorReport> {
  const run = opts.run ?? runCommand;
  const readiness = opts.readiness ?? (async (release, env) => (await import('./setup/ready.js')).clusterToolsReadiness(release, env));
  const checks: DoctorCheck[] = [];
  for (const spec of toolSpecs(toolEnv(opts.env))) {
    const r = await run([spec.program, ...spec.args]);
    if (r === 'not-found') {
      checks.push({ name: spec.name, status: 'missing', program: spec.program, detail: `${spec.program} not found`, fix: spec.fix });
    } else if (r.exitCode !== 0) {
      checks.push({ name: spec.name, status: 'broken', program: spec.program, detail: firstLine(r.stderr || r.stdout) || `exit code ${r.exitCode}`, fix: spec.fix });
    } else {
      checks.push({ name: spec.name, status: 'ok', program: spec.program, version: spec.version(r.stdout) ?? 'unknown version' });
    }
    if (spec.name === 'docker' && r !== 'not-found') checks.push(await daemonCheck(run, spec.program));
  }
  for (const release of KUBERNETES_RELEASES) checks.push(nodeImageCheck(release, await readiness(release, opts.env)));
  return { checks, ok: checks.every((c) => c.status === 'ok' || c.status === 'absent') };
}

function nodeImageCheck(release: KubernetesRelease, state: Readiness): DoctorCheck {
  const name = `node image ${release.version}`;
  if (state.ready) return { name, status: 'ok', program: state.tools.kind, version: `${state.tools.nodeImage} (${state.tools.nodeImageSource}), kind ${state.tools.kindVersion}, kubectl ${state.tools.kubectl}` };
  const minor = release.forMinor ? release.minor : release.version;
  const fix = `kubelab setup --kubernetes ${minor} (a kind lab of this version also runs it by itself)`;
  return { name, status: release.version === DEFAULT_KUBERNETES ? 'missing' : 'absent', program: 'kubelab setup', detail: `not set up: ${state.missing}`, fix };
}

async function daemonCheck(run: CommandRunner, docker: string): Promise<DoctorCheck> {
  const r = await run([docker, 'info', '--format', '{{.ServerVersion}} cgroup v{{.CgroupVersion}}']);
  if (r === 'not-found') return { name: 'docker daemon', status: 'missing', program: docker, detail: `${docker} not found` };
  if (r.exitCode !== 0) {
    const detail = firstLine(r.stderr) || `exit code ${r.exitCode}`;
    const denied = /permission denied/i.test(r.stderr);
    return {
      name: 'docker daemon',
      status: 'broken',
      program: docker,
      detail,
      fix: denied ? 'add yourself to the docker group (`sudo usermod -aG docker $USER`, then log in again)' : 'start it: `sudo systemctl start docker`, or `sudo kubelab setup`, which starts one',
    };
  }
  return { name: 'docker daemon', status: 'ok', program: docker, version: r.stdout.trim() };
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.trim() ?? '';
}

/** Plain text lines of a report (the CLI adds colour). */
export function formatDoctor(report: DoctorReport, paint: (style: 'green' | 'red' | 'yellow' | 'gray', s: string) => string = (_s, t) => t): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of report.checks) {
    const mark = c.status === 'ok' ? paint('green', 'ok     ') : c.status === 'missing' ? paint('red', 'missing') : c.status === 'absent' ? paint('gray', '-      ') : paint('red', 'broken ');
    lines.push(`${mark} ${c.name.padEnd(width)}  ${c.status === 'ok' ? c.version : c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`        ${' '.repeat(width)}  ${c.status === 'absent' ? paint('gray', `to use it: ${c.fix}`) : paint('yellow', `fix: ${c.fix}`)}`);
  }
  lines.push(report.ok ? 'everything kubelab needs for cluster labs is here' : paint('red', 'some tools are missing: cluster labs cannot run until they are installed'));
  return lines.join('\n') + '\n';
}
