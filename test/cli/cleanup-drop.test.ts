// `kubelab cleanup --drop` on a terminal asks first (in-process, real journals from a real run).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'kubelab-drop-'));
mkdirSync(join(tmp, 'elsewhere'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(argv: string[], opts: { answer?: string; tty?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const stdin = opts.answer === undefined ? new PassThrough() : Readable.from([opts.answer]);
  Object.assign(stdin, { isTTY: opts.tty === true });
  const code = await runCli(argv, {
    stdin,
    stdout: new Writable({ write: (c, _e, cb) => ((stdout += String(c)), cb()) }),
    stderr: new Writable({ write: (c, _e, cb) => ((stderr += String(c)), cb()) }),
    env: { ...process.env, NO_COLOR: '1', KUBELAB_STATE_DIR: join(tmp, 'state') },
    cwd: join(tmp, 'elsewhere'),
    isTTY: opts.tty === true,
  });
  return { code, stdout, stderr };
}

describe('kubelab cleanup --drop on a terminal', () => {
  it('asks; "n" keeps the journal (exit 1), "y" drops it and lists what was not undone', { timeout: 60_000 }, async () => {
    writeFileSync(join(tmp, 'lab.md'), '---\ntitle: Drop me\nid: drop-me\ncluster: { provider: none }\n---\n\n# Drop me\n\n## Change\n\n```sh\necho changed\n```\n\n## Cleanup\n\n```sh\nfalse\n```\n');
    // --state-dir, and a lab outside runCli's cwd (kept absolute): the engine resolves both
    // against the process's env and cwd, not runCli's.
    const first = await cli(['run', join(tmp, 'lab.md'), '--no-cleanup', '--reporter', 'silent', '--state-dir', join(tmp, 'state')]);
    expect(first.code).toBe(0);
    const journals = join(tmp, 'state', 'journals');
    const [name] = readdirSync(journals);
    const no = await cli(['cleanup', '--drop', name!], { answer: 'n\n', tty: true });
    expect(no.code).toBe(1);
    expect(no.stdout).toContain(`Drop ${name}? [y/N] `);
    expect(no.stdout).toContain('Not dropped');
    expect(existsSync(join(journals, name!))).toBe(true);

    const yes = await cli(['cleanup', '--drop', name!], { answer: 'y\n', tty: true });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('Dropping it leaves 1 item NOT undone; undo them by hand:');
    expect(yes.stdout).toContain('$ false');
    expect(existsSync(join(journals, name!))).toBe(false);
    expect(readdirSync(journals).some((n) => n.startsWith(`${name}.dropped-`))).toBe(true);
    expect((await cli(['cleanup'])).stdout).toContain('nothing to clean up');
  });
});
