import { describe, expect, it } from 'vitest';
import { formatDoctor, runDoctor, type CommandRunner } from '../src/doctor.js';

const env = { KUBELAB_CACHE: '/nonexistent-kubelab-cache', PATH: '/usr/bin' } as NodeJS.ProcessEnv;

function fakeTools(answers: Record<string, { exitCode: number; stdout?: string; stderr?: string } | 'not-found'>): CommandRunner {
  return async (argv) => {
    const key = argv[0] === 'docker' && argv[1] === 'info' ? 'docker info' : argv[0]!;
    const a = answers[key] ?? 'not-found';
    return a === 'not-found' ? a : { exitCode: a.exitCode, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
  };
}

describe('runDoctor', () => {
  it('reports each version and ok when everything is there', async () => {
    const report = await runDoctor({
      env,
      run: fakeTools({
        docker: { exitCode: 0, stdout: '28.2.2\n' },
        'docker info': { exitCode: 0, stdout: '20.10.24 cgroup v1\n' },
        kind: { exitCode: 0, stdout: 'kind v0.32.0 go1.26.0 linux/amd64\n' },
        kubectl: { exitCode: 0, stdout: '{"clientVersion":{"gitVersion":"v1.36.1"}}' },
        jq: { exitCode: 0, stdout: 'jq-1.6\n' },
      }),
    });
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.version])).toEqual([
      ['docker', '28.2.2'],
      ['docker daemon', '20.10.24 cgroup v1'],
      ['kind', 'v0.32.0'],
      ['kubectl', 'v1.36.1'],
      ['jq', '1.6'],
    ]);
  });

  it('says how to install what is missing and how to fix a daemon that refuses', async () => {
    const report = await runDoctor({
      env,
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
    expect(byName.kind).toMatchObject({ status: 'missing', fix: expect.stringMatching(/go install sigs\.k8s\.io\/kind@v0\.32\.0.*npm run cluster:prepare/) });
    expect(byName.kubectl!.version).toBe('v1.30.0');
    const text = formatDoctor(report);
    expect(text).toMatch(/^missing kind +kind not found$/m);
    expect(text).toMatch(/fix: go install/);
  });

  it('checks the kind that KUBELAB_KIND names', async () => {
    const seen: string[] = [];
    await runDoctor({ env: { ...env, KUBELAB_KIND: '/opt/kind' }, run: async (argv) => (seen.push(argv[0]!), 'not-found') });
    expect(seen).toContain('/opt/kind');
  });

  it('runs the real tools of this machine without throwing', async () => {
    const report = await runDoctor();
    expect(report.checks.length).toBeGreaterThanOrEqual(4);
    for (const c of report.checks) expect(c.status === 'ok' ? c.version : c.detail).toBeTruthy();
  });
});
