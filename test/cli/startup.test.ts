// Start-up cost: commands that need no cluster must not load the Kubernetes client (it takes most
// of a second). Spawns the built CLI (dist/, `npx tsc -p .` first) with a module-resolution hook
// that logs every module the process loads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, ROOT } from './built-cli.js';

const CLI = join(ROOT, 'dist/src/cli.js');
const TRACER = join(ROOT, 'test/fixtures/cli/import-trace/register.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'kubelab-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** The URLs of the modules `kubelab ...args` loads, and its exit code. */
function modulesLoadedBy(args: string[]): { modules: string[]; status: number | null } {
  const trace = join(tmp, `trace-${++n}.txt`);
  const r = spawnSync(process.execPath, ['--import', TRACER, CLI, ...args], {
    cwd: ROOT,
    env: cliEnv({ KUBELAB_IMPORT_TRACE: trace, KUBELAB_STATE_DIR: join(tmp, 'state') }),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { modules: readFileSync(trace, 'utf8').split('\n').filter(Boolean), status: r.status };
}

// The package, or the module `npm run build` bundles it into.
const loadsKubeClient = (modules: string[]) => modules.some((m) => m.includes('/node_modules/@kubernetes/client-node/') || m.endsWith('/dist/src/kube/client-node.js'));

describe('start-up: what each command loads', () => {
  for (const args of [['lint', 'test/fixtures/learn/basics.md'], ['list', 'test/fixtures/learn/basics.md'], ['--help'], ['--version']]) {
    it(`\`kubelab ${args.join(' ')}\` does not load @kubernetes/client-node`, () => {
      const { modules, status } = modulesLoadedBy(args);
      expect(status).toBe(0);
      // The trace saw the CLI itself (it works), but not the Kubernetes client.
      expect(modules.some((m) => m.endsWith('/dist/src/cli/commands/index.js'))).toBe(true);
      expect(loadsKubeClient(modules)).toBe(false);
    });
  }

  it('`kubelab learn` of a provider:none lab does not load it either (a cluster lab does: test/cli/startup-none.test.ts)', () => {
    // stdin is /dev/null: learn reads end of input, saves and leaves.
    const { modules, status } = modulesLoadedBy(['learn', 'test/fixtures/learn/basics.md']);
    expect(status).toBe(0);
    expect(modules.some((m) => m.endsWith('/dist/src/learn/session.js'))).toBe(true);
    expect(loadsKubeClient(modules)).toBe(false);
  });
});
