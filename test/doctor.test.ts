import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatDoctor, runCommand, runDoctor, toolSpecs, type CommandRunner, type ReadinessCheck } from '../src/doctor.js';
import { KUBERNETES_RELEASES } from '../src/setup/versions.js';

const env = { KUBELAB_CACHE: '/nonexistent-kubelab-cache', PATH: '/usr/bin' } as NodeJS.ProcessEnv;

function fakeTools(answers: Record<string, { exitCode: number; stdout?: string; stderr?: string } | 'not-found'>): CommandRunner {
  return async (argv) => {
    const key = argv[0] === 'docker' && argv[1] === 'info' ? 'docker info' : argv[0]!;
    const a = answers[key] ?? 'not-found';
    return a === 'not-found' ? a : { exitCode: a.exitCode, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
  };
}

/** v1.36.1 set up (a built image), the other versions not. */
const onlyDefault: ReadinessCheck = async (release) =>
  release.version === 'v1.36.1'
    ? { ready: true, tools: { version: 'v1.36.1', kindVersion: 'v0.32.0', kind: '/c/kind', kubectl: '/c/kubectl', nodeImage: 'kubelab/node:v1.36.1-abc', pauseImage: 'p', nodeImageSource: 'built', envFile: '/c/e' } }
    : { ready: false, missing: `Kubernetes ${release.version} was never set up in /c` };

describe('runDoctor', () => {
  it('reports each version and ok when everything is there', async () => {
    const report = await runDoctor({
      env,
      readiness: onlyDefault,
      run: fakeTools({
        docker: { exitCode: 0, stdout: '28.2.2\n' },
        'docker info': { exitCode: 0, stdout: '20.10.24 cgroup v1\n' },
        kind: { exitCode: 0, stdout: 'kind v0.32.0 go1.26.0 linux/amd64\n' },
        kubectl: { exitCode: 0, stdout: '{"clientVersion":{"gitVersion":"v1.36.1"}}' },
        jq: { exitCode: 0, stdout: 'jq-1.6\n' },
      }),
    });
    expect(report.ok).toBe(true);
    expect(report.checks.slice(0, 5).map((c) => [c.name, c.version])).toEqual([
      ['docker', '28.2.2'],
      ['docker daemon', '20.10.24 cgroup v1'],
      ['kind', 'v0.32.0'],
      ['kubectl', 'v1.36.1'],
      ['jq', '1.6'],
    ]);
    // One line per version of the table: set up, or how to set it up (not counted as missing).
    expect(report.checks.slice(5).map((c) => [c.name, c.status])).toEqual(KUBERNETES_RELEASES.map((r) => [`node image ${r.version}`, r.version === 'v1.36.1' ? 'ok' : 'absent']));
    const text = formatDoctor(report);
    expect(text).toMatch(/^ok +node image v1\.36\.1 +kubelab\/node:v1\.36\.1-abc \(built\), kind v0\.32\.0, kubectl \/c\/kubectl$/m);
    expect(text).toMatch(/^- +node image v1\.35\.4 +not set up: Kubernetes v1\.35\.4 was never set up in \/c$/m);
    expect(text).toMatch(/to use it: kubelab setup --kubernetes 1\.35 /);
    expect(text).toMatch(/to use it: kubelab setup --kubernetes v1\.36\.3 /);
    expect(text).toMatch(/everything kubelab needs/);
  });

  it('the default version without a node image is missing: doctor fails and says `kubelab setup`', async () => {
    const report = await runDoctor({ env, readiness: async (r) => ({ ready: false, missing: `Kubernetes ${r.version} was never set up in /c` }), run: async () => ({ exitCode: 0, stdout: '' , stderr: '' }) });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'node image v1.36.1')).toMatchObject({ status: 'missing', fix: expect.stringMatching(/^kubelab setup --kubernetes 1\.36 /) });
  });

  it('no fix mentions a test script', async () => {
    const report = await runDoctor({ env, readiness: onlyDefault, run: async () => 'not-found' });
    for (const c of report.checks) expect(c.fix ?? '').not.toMatch(/npm run|test\//);
  });

  it('says how to install what is missing and how to fix a daemon that refuses', async () => {
    const report = await runDoctor({
      env,
      readiness: onlyDefault,
      run: fakeTools({
        docker: { exitCode: 0, stdout: '28.2.2\n' },
        'docker info': { exitCode: 1, stderr: 'permission denied while trying to connect to the Docker daemon socket\n' },
        kubectl: { exitCode: 0, stdout: 'Client Version: v1.30.0\n' },
        jq: { exitCode: 0, stdout: 'jq-1.7.1\n' },
      }),
    });
    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName['docker daemon']).toMatchObject({ status: 'broken', fix: expect.stringMatching(/docker group/) });
    expect(byName.kind).toMatchObject({ status: 'missing', fix: expect.stringMatching(/kubelab setup.*go install sigs\.k8s\.io\/kind@v0\.32\.0/) });
    expect(byName.kubectl!.version).toBe('v1.30.0');
    const text = formatDoctor(report);
    expect(text).toMatch(/^missing kind +kind not found$/m);
    expect(text).toMatch(/fix: `kubelab setup` builds it/);
  });

  it('checks the kind that KUBELAB_KIND names', async () => {
    const seen: string[] = [];
    await runDoctor({ env: { ...env, KUBELAB_KIND: '/opt/kind' }, readiness: onlyDefault, run: async (argv) => (seen.push(argv[0]!), 'not-found') });
    expect(seen).toContain('/opt/kind');
  });

  it('runs the real tools of this machine without throwing', async () => {
    const report = await runDoctor({ env: process.env });
    expect(report.checks.length).toBeGreaterThanOrEqual(4);
    for (const c of report.checks) expect(c.status === 'ok' ? c.version : c.detail).toBeTruthy();
  });
});

describe('runCommand (real processes)', () => {
  it('answers not-found for a missing program, and the exit code and output of one that runs', async () => {
    expect(await runCommand(['kubelab-no-such-tool', 'version'])).toBe('not-found');
    const notExecutable = join(mkdtempSync(join(tmpdir(), 'kubelab-doctor-')), 'kind');
    writeFileSync(notExecutable, '#!/bin/sh\necho v1\n', { mode: 0o644 });
    expect(await runCommand([notExecutable, 'version'])).toBe('not-found');
    rmSync(dirname(notExecutable), { recursive: true });
    expect(await runCommand(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });
});

describe('toolSpecs', () => {
  it('checks the programs it is given, whatever the environment says', () => {
    const saved = process.env.KUBELAB_DOCKER;
    process.env.KUBELAB_DOCKER = '/from/env/docker';
    try {
      const programs = toolSpecs({ docker: '/cfg/docker', kind: '/cfg/kind', kubectl: '/cfg/kubectl' }).map((s) => s.program);
      expect(programs).toEqual(['/cfg/docker', '/cfg/kind', '/cfg/kubectl', 'jq']);
    } finally {
      if (saved === undefined) delete process.env.KUBELAB_DOCKER;
      else process.env.KUBELAB_DOCKER = saved;
    }
  });
});
