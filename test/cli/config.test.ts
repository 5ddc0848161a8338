// Every command honours the environment runCli is given (the typed config), never the process's.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from './in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LAB = ['---', 'title: Env', 'cluster: { provider: none }', '---', '', '# Env', '', '## Show', '', '```sh', 'echo "$ONLY_IN_GIVEN_ENV"', '```', '', '```text', 'given', '```', '', '## Cleanup', '', '```sh', 'true', '```', ''].join('\n');

describe('runCli(argv, { env })', () => {
  it('run, cleanup: state dir and the lab shell come from the given environment', async () => {
    const home = join(dir, 'home');
    const file = join(dir, 'lab.md');
    writeFileSync(file, LAB);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, ONLY_IN_GIVEN_ENV: 'given' };
    const r = await runCliCaptured(['run', file, '--no-cleanup'], { env, cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The journal went under the given HOME, not the real ~/.local/state.
    const journals = join(home, '.local', 'state', 'kubelab', 'journals');
    expect(readdirSync(journals).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    const c = await runCliCaptured(['cleanup'], { env, cwd: dir });
    expect(c.code).toBe(0);
    expect(readdirSync(journals)).toEqual([]);
    expect(existsSync(join(home, '.local', 'state', 'kubelab'))).toBe(true);
  });
});
