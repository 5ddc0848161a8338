// `kubelab setup` on the warm cache that test/run-all.sh's `npm run cluster:prepare` (that same
// command) has just filled: the real CLI, real docker, go, kind and kubectl. A second run must
// reuse everything, quickly, and leave env files the engine can use. Runs as root (the suite does:
// prepare needs it), so it can also see what a user without docker permission gets.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/cluster/env.js';
import { cacheRoot, layout } from '../../src/setup/cache.js';
import { cliEnv, ROOT, runCliProcess, type CliRun } from '../cli/built-cli.js';

const exec = promisify(execFile);
const paths = layout(cacheRoot(process.env));
// The dist/ that run-all.sh built and prepare.sh ran: the package layout (dist/src next to
// assets/setup), as a user runs it.
const cli = join(ROOT, 'dist', 'src', 'cli.js');
let warm: CliRun;
let warmMs = 0;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build it first (npm run build; test/run-all.sh does)`);
  const t = Date.now();
  warm = await runCliProcess(cli, ['setup'], { env: cliEnv() });
  warmMs = Date.now() - t;
}, 600_000);

describe('kubelab setup on the prepared cache', () => {
  it('finishes at once, every part cached', () => {
    expect(warm.stderr).toBe('');
    expect(warm.code).toBe(0);
    const ends = warm.stdout.split('\n').filter((l) => /^setup: .+ (cached|ready) in /.test(l));
    expect(ends.map((l) => l.replace(/ in .*/, ''))).toEqual(['setup: docker cached', 'setup: kind v0.32.0 cached', 'setup: node image v1.36.1 cached']);
    expect(warm.stdout).toMatch(/^setup: ready in \d+\.\ds; wrote .*cluster-v1\.36\.1\.env, .*cluster\.env$/m);
    // About 1 s on an idle machine; the bound leaves room for a loaded one.
    expect(warmMs).toBeLessThan(20_000);
  });

  it('writes cluster.env and cluster-v1.36.1.env alike, naming tools that are there and of that version', async () => {
    const text = readFileSync(paths.defaultEnvFile, 'utf8');
    expect(readFileSync(paths.envFile('v1.36.1'), 'utf8')).toBe(text);
    const env = parseEnvFile(text);
    expect(env).toMatchObject({ KUBELAB_K8S_VERSION: 'v1.36.1', KUBELAB_KIND_VERSION: 'v0.32.0', KUBELAB_KIND: paths.kindBin('v0.32.0'), KUBELAB_KUBECTL: paths.kubectlBin('v1.36.1') });
    expect(env.KUBELAB_NODE_IMAGE).toMatch(/^(kindest\/node:v1\.36\.1|kubelab\/node:v1\.36\.1-[0-9a-f]{10})$/);
    expect(env.KUBELAB_PAUSE_IMAGE).toMatch(/\/pause:/);
    expect((await exec(env.KUBELAB_KIND!, ['version'])).stdout).toMatch(/^kind v0\.32\.0 /);
    expect((await exec(env.KUBELAB_KUBECTL!, ['version', '--client', '-o', 'json'])).stdout).toContain('"gitVersion": "v1.36.1"');
    const inspected = await exec('docker', ['image', 'inspect', '--format', '{{.Config.Entrypoint}}', env.KUBELAB_NODE_IMAGE!]);
    expect(inspected.stdout.trim()).toBe('[/usr/local/bin/entrypoint /sbin/init]');
  });

  it('a user without permission on the docker socket gets exit 2 and the docker-group hint', async () => {
    expect(process.getuid?.()).toBe(0);
    const home = mkdtempSync(join(tmpdir(), 'kubelab-nobody-'));
    try {
      await exec('chmod', ['777', home]);
      const r = await exec('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${home}`, `KUBELAB_CACHE=${join(home, 'cache')}`, `PATH=${process.env.PATH}`, 'NO_COLOR=1', process.execPath, cli, 'setup']).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^kubelab: error: no permission to use docker: .*permission denied/);
      expect(lines[1]).toMatch(/^ {2}hint: add yourself to the docker group/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
