// Docker: a daemon that answers. As root, assets/setup/docker-up.sh installs what is missing from
// Debian's packages (docker.io and what a node-image build needs) and starts dockerd, with the runc
// wrapper where CAP_SYS_RESOURCE is missing. Otherwise the daemon must already answer, and when it
// does not, the error says why (no client, no permission, not running).
import { join } from 'node:path';
import { SetupError } from './errors.js';
import type { PartContext } from './types.js';

export async function ensureDocker(ctx: PartContext): Promise<{ cached: boolean; detail: string }> {
  const first = ctx.proc.which('docker') ? await dockerInfo(ctx) : undefined;
  if (first?.ok) return { cached: true, detail: first.detail };
  if (ctx.isRoot) {
    await runDockerUp(ctx);
    const after = await dockerInfo(ctx);
    if (after.ok) return { cached: false, detail: after.detail };
    throw dockerInfoError(after.detail);
  }
  if (!first) {
    throw new SetupError('SETUP_NO_DOCKER', 'docker is not installed (no `docker` on PATH)', {
      hint: 'run `sudo kubelab setup` (as root it installs Debian\'s docker.io and starts dockerd), or install Docker Engine yourself',
    });
  }
  throw dockerInfoError(first.detail);
}

/**
 * assets/setup/docker-up.sh: as root, installs what is missing from Debian's packages (docker.io,
 * and jq, debootstrap, gcc, libc6-dev, iptables for a node-image build) and starts dockerd when it
 * does not answer. A node-image build runs it too, for the packages.
 */
export async function runDockerUp(ctx: PartContext): Promise<void> {
  const out = await ctx.proc.run(['bash', join(ctx.assets, 'docker-up.sh')], {
    env: { KUBELAB_CACHE: ctx.layout.cache },
    onStderrLine: (line) => ctx.emit({ kind: 'log', part: 'docker', line: line.replace(/^\[kubelab [\d:]+\] /, '') }),
  });
  if (out.exitCode !== 0) {
    throw new SetupError('SETUP_STEP_FAILED', `docker could not be readied (assets/setup/docker-up.sh exit ${out.exitCode}): ${lastLine(out.stderr)}`, {
      hint: `see the lines above and ${join(ctx.layout.cache, 'dockerd.log')}; fix that and run \`kubelab setup\` again`,
    });
  }
}

async function dockerInfo(ctx: PartContext): Promise<{ ok: boolean; detail: string }> {
  // `docker version` says why it cannot reach the daemon; `docker info --format` (client 20.10)
  // sometimes prints only a template error instead.
  const version = await ctx.proc.run(['docker', 'version', '--format', '{{.Server.Version}}'], { timeoutMs: 30_000 });
  if (version.exitCode !== 0 || !version.stdout.trim()) return { ok: false, detail: version.stderr.trim() || version.stdout };
  const out = await ctx.proc.run(['docker', 'info', '--format', '{{.Driver}}, cgroup v{{.CgroupVersion}}'], { timeoutMs: 30_000 });
  const info = out.exitCode === 0 ? `, ${out.stdout.trim()}` : '';
  // kind nodes on a cgroup v1 host need failCgroupV1: false; the kind provider adds it.
  return { ok: true, detail: `dockerd ${version.stdout.trim()}${info}${info.endsWith('cgroup v1') ? ' (kind configs get failCgroupV1: false)' : ''}` };
}

/** Why `docker version` failed, as a SetupError with what to do. Pure (exported for tests). */
export function dockerInfoError(output: string): SetupError {
  const said = lastLine(output);
  if (/permission denied/i.test(output)) {
    return new SetupError('SETUP_DOCKER_PERMISSION', `no permission to use docker: ${said}`, {
      hint: 'add yourself to the docker group (`sudo usermod -aG docker $USER`, then log in again), or run `sudo kubelab setup`',
    });
  }
  return new SetupError('SETUP_DOCKER_DOWN', `dockerd does not answer: ${said}`, {
    hint: 'start it (`sudo systemctl start docker`), or run `sudo kubelab setup`, which starts it',
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').pop()?.replace(/^\[kubelab [\d:]+\] (ERROR: )?/, '') ?? '(no output)';
}
