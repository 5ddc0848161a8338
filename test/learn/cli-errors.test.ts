// `kubelab learn` on bad input: one error line and a hint on stderr, exit 2, no stack, nothing run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-errors-'));

async function learn(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['learn', ...args], {
    stdin: Readable.from(['quit\n', 'n\n']),
    stdout: new Writable({ write: (c, _e, cb) => ((stdout += String(c)), cb()) }),
    stderr: new Writable({ write: (c, _e, cb) => ((stderr += String(c)), cb()) }),
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', KUBELAB_STATE_DIR: join(dir, 'state') },
    isTTY: false,
  });
  return { code, stdout, stderr };
}

function expectUsageError(r: { code: number; stdout: string; stderr: string }, message: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^kubelab: error: /);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^ {2}hint: \S/);
}

describe('kubelab learn, bad input', () => {
  it('a lab file that does not exist', async () => {
    expectUsageError(await learn(['test/fixtures/learn/does-not-exist.md']), /cannot read lab test\/fixtures\/learn\/does-not-exist\.md: no such file/);
  });

  it('a directory instead of a lab', async () => {
    expectUsageError(await learn(['test/fixtures/learn']), /cannot read lab test\/fixtures\/learn: it is a directory/);
  });

  it('a lab without steps', async () => {
    const lab = join(dir, 'empty.md');
    writeFileSync(lab, '---\ntitle: Empty\nid: empty\ncluster: { provider: none }\n---\n\n# Empty\n\nNo steps here.\n');
    expectUsageError(await learn([lab]), /empty\.md has no steps to learn/);
  });

  it('a --state-dir that cannot be a directory', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expectUsageError(await learn(['test/fixtures/learn/basics.md', '--state-dir', join(file, 'state')]), /cannot use .*a-file\/state as the state directory: a part of the path is a file/);
  });

  it('a lab with errors, at file:line', async () => {
    const lab = join(dir, 'broken.md');
    writeFileSync(lab, '---\ntitle: Broken\nid: broken\ncluster: { provider: none }\n---\n\n# Broken\n\n## Step\n\n```sh {timeout=soon}\necho hi\n```\n');
    const r = await learn([lab]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kubelab: error: .*broken\.md:11/);
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
