// Start-up cost of `kubelab run` for a `provider: none` lab: nothing Kubernetes-related is loaded
// (the Kubernetes client, zx, the kind and existing providers, node access). A lab with a cluster
// provider does load them (the trace would see it). Spawns the built CLI (dist/, `npm run build`
// first) with the module tracer.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, ROOT } from './built-cli.js';

const CLI = join(ROOT, 'dist/src/cli.js');
const TRACER = join(ROOT, 'test/fixtures/cli/import-trace/register.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'kubelab-startup-none-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function modulesLoadedBy(args: string[]): { modules: string[]; status: number | null; out: string } {
  const trace = join(tmp, `trace-${++n}.txt`);
  const r = spawnSync(process.execPath, ['--import', TRACER, CLI, ...args], {
    cwd: ROOT,
    env: cliEnv({ KUBELAB_IMPORT_TRACE: trace, KUBELAB_STATE_DIR: join(tmp, 'state'), KUBECONFIG: join(tmp, 'no-kubeconfig') }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { modules: readFileSync(trace, 'utf8').split('\n').filter(Boolean), status: r.status, out: r.stdout + r.stderr };
}

const KUBERNETES = [/\/node_modules\/@kubernetes\/client-node\//, /\/node_modules\/zx\//, /\/dist\/src\/cluster\/(kind|existing|handle)\.js$/, /\/dist\/src\/kube\//, /\/dist\/src\/node\/(docker|ssh|command-node)\.js$/];
const kubernetesModules = (modules: string[]) => modules.filter((m) => KUBERNETES.some((re) => re.test(m)));

describe('start-up of `kubelab run`', () => {
  it('a provider:none lab loads nothing Kubernetes-related', () => {
    const { modules, status, out } = modulesLoadedBy(['run', 'test/fixtures/cli/pass.md']);
    expect(status, out).toBe(0);
    expect(modules.some((m) => m.endsWith('/dist/src/engine/runner.js'))).toBe(true);
    expect(kubernetesModules(modules)).toEqual([]);
  });

  it('a provider:existing lab does load them (the trace would see it)', () => {
    const lab = join(tmp, 'existing.md');
    writeFileSync(lab, '---\ntitle: Existing\nid: startup-existing\ncluster: { provider: existing }\n---\n\n# Existing\n\n## One\n\n```sh\ntrue\n```\n');
    const { modules, status } = modulesLoadedBy(['run', lab]);
    expect(status).toBe(2); // no kubeconfig
    expect(modules.some((m) => /\/dist\/src\/cluster\/existing\.js$/.test(m))).toBe(true);
    // The Kubernetes client: the module `npm run build` bundles the package into (or the package, unbundled).
    expect(modules.some((m) => m.endsWith('/dist/src/kube/client-node.js'))).toBe(true);
    expect(kubernetesModules(modules).length).toBeGreaterThan(0);
  });
});
