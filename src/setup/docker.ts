// Docker: a daemon that answers. As root, assets/setup/docker-up.sh installs what is missing from
// Debian's packages (docker.io and what a node-image build needs) and starts dockerd, with the runc
// wrapper where CAP_SYS_RESOURCE is missing. Otherwise the daemon must already answer, and when it
// does not, the error says why (no client, no permission, not running).
import { join } from 'node:path';
import { SetupError } from './errors.js';
import type { PartContext } from './types.js';

export async function ensureDocker(ctx: PartContext): Promise<{ cached: boolean; detail: string }> {
  if (ctx.isRoot) {
    const out = await ctx.proc.run(['bash', join(ctx.assets, 'docker-up.sh')], {
      env: { KUBELAB_CACHE: ctx.layout.cache },
      onStderrLine: (line) => ctx.emit({ kind: 'log', part: 'docker', line }),
    });
    if (out.exitCode !== 0) {
      throw new SetupError('SETUP_STEP_FAILED', `docker could not be readied (assets/setup/docker-up.sh exit ${out.exitCode}): ${lastLine(out.stderr)}`, {
        hint: `see the lines above and ${join(ctx.layout.cache, 'dockerd.log')}; fix that and run \`kubelab setup\` again`,
      });
    }
    return { cached: /already answers/.test(out.stderr), detail: await describeDaemon(ctx) };
  }
  if (!ctx.proc.which('docker')) {
    throw new SetupError('SETUP_NO_DOCKER', 'docker is not installed (no `docker` on PATH)', {
      hint: 'run `sudo kubelab setup` (as root it installs Debian\'s docker.io and starts dockerd), or install Docker Engine yourself',
    });
  }
  const out = await ctx.proc.run(['docker', 'info', '--format', '{{.ServerVersion}}'], { timeoutMs: 30_000 });
  if (out.exitCode === 0) return { cached: true, detail: await describeDaemon(ctx) };
  throw dockerInfoError(out.stderr + out.stdout);
}

/** Why `docker info` failed, as a SetupError with what to do. Pure (exported for tests). */
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

async function describeDaemon(ctx: PartContext): Promise<string> {
  const out = await ctx.proc.run(['docker', 'info', '--format', 'dockerd {{.ServerVersion}}, {{.Driver}}, cgroup v{{.CgroupVersion}}'], { timeoutMs: 30_000 });
  const line = out.stdout.trim();
  // kind nodes on a cgroup v1 host need failCgroupV1: false; the kind provider adds it.
  return out.exitCode === 0 ? `${line}${line.endsWith('cgroup v1') ? ' (kind configs get failCgroupV1: false)' : ''}` : 'dockerd answers';
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').pop()?.replace(/^\[kubelab [\d:]+\] (ERROR: )?/, '') ?? '(no output)';
}
