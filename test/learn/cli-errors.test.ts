// `kubelab learn` on bad input: one error line and a hint on stderr, exit 2, no stack, nothing run.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageError as expectCliUsageError, runCliCaptured, type CliResult } from '../cli/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-errors-'));

const learn = (args: string[]) =>
  runCliCaptured(['learn', ...args], { stdin: ['quit\n', 'n\n'], env: { ...process.env, KUBELAB_STATE_DIR: join(dir, 'state') } });

/** A usage error, and nothing on stdout: nothing ran. */
function expectUsageError(r: CliResult, message: RegExp) {
  expectCliUsageError(r, message);
  expect(r.stdout).toBe('');
}

describe('kubelab learn, bad input', () => {
  it('a lab file that does not exist', async () => {
    expectUsageError(await learn(['test/fixtures/learn/does-not-exist.md']), /cannot read lab test\/fixtures\/learn\/does-not-exist\.md: no such file/);
  });

  it('a directory with no labs (a directory is a course)', async () => {
    const empty = join(dir, 'no-labs');
    mkdirSync(empty, { recursive: true });
    expectUsageError(await learn([empty]), /no labs in .*no-labs/);
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
