// Start-up cost: zx is loaded on the first tool run only. `kubelab --version` and a lab without a
// cluster never run docker/kind/ssh, so they must not load it; `kubelab doctor` does (the trace
// would see it). Spawns the built CLI (dist/, `npx tsc -p .` first) with the module tracer.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, ROOT } from '../cli/built-cli.js';

const CLI = join(ROOT, 'dist/src/cli.js');
const TRACER = join(ROOT, 'test/fixtures/cli/import-trace/register.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'kubelab-zx-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function modulesLoadedBy(args: string[]): string[] {
  const trace = join(tmp, `trace-${++n}.txt`);
  spawnSync(process.execPath, ['--import', TRACER, CLI, ...args], {
    cwd: ROOT,
    env: cliEnv({ KUBELAB_IMPORT_TRACE: trace, KUBELAB_STATE_DIR: join(tmp, 'state'), KUBELAB_CACHE: join(tmp, 'no-cache') }),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
}

const loadsZx = (modules: string[]) => modules.some((m) => m.includes('/node_modules/zx/'));

describe('start-up: zx only when a tool runs', () => {
  for (const args of [['--version'], ['run', 'test/fixtures/cli/pass.md']]) {
    it(`\`kubelab ${args.join(' ')}\` does not load zx`, () => {
      const modules = modulesLoadedBy(args);
      expect(modules.some((m) => m.endsWith('/dist/src/cli/commands/index.js'))).toBe(true);
      expect(loadsZx(modules)).toBe(false);
    });
  }

  it('`kubelab doctor` does load it', () => {
    expect(loadsZx(modulesLoadedBy(['doctor']))).toBe(true);
  });
});

describe('zx settings from the environment', () => {
  it('ZX_* variables change nothing (the instance sets every option they could)', () => {
    const script = `const { runProcess } = await import(${JSON.stringify(join(ROOT, 'dist/src/node/process.js'))});
      const r = await runProcess(['sh', '-c', 'sleep 0.2; echo ok']);
      process.stdout.write(JSON.stringify({ out: r.stdout.toString(), code: r.exitCode, timedOut: r.timedOut }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, ZX_PREFIX: 'echo hijacked;', ZX_POSTFIX: '; echo after', ZX_SHELL: '/bin/false', ZX_VERBOSE: 'true', ZX_TIMEOUT: '10ms', ZX_CWD: '/nonexistent', ZX_PREFER_LOCAL: 'true' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ out: 'ok\n', code: 0, timedOut: false });
  });
});
