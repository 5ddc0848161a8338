// SshNodeAccess through a stand-in `ssh` that runs the remote command string with sh on this
// machine, as sshd would: checks the quoting of every argv and the file operations end to end.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshNodeAccess } from '../../src/node/ssh.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-ssh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fakeSsh = join(dir, 'ssh');
const argsLog = join(dir, 'ssh-args');
// Logs its argv, skips the options and target up to `--`, and runs the rest like sshd: one string for sh.
writeFileSync(fakeSsh, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${argsLog}'\nwhile [ "$1" != "--" ]; do shift; done\nshift\nexec sh -c "$*"\n`);
chmodSync(fakeSsh, 0o755);

describe('SshNodeAccess', () => {
  const node = new SshNodeAccess('n1', 'root@node-1', ['-p', '2222'], fakeSsh);

  it('passes ssh options, BatchMode and the target before the command', async () => {
    await node.exec(['true']);
    const logged = readFileSync(argsLog, 'utf8').split('\n');
    expect(logged.slice(0, 6)).toEqual(['-o', 'BatchMode=yes', '-p', '2222', 'root@node-1', '--']);
    expect(node.ref).toEqual({ transport: 'ssh', target: 'root@node-1', sshArgs: ['-p', '2222'] });
  });

  it('keeps arguments with spaces, quotes and $() intact through the remote shell', async () => {
    const r = await node.exec(['printf', '%s|', 'a b', "it's", '$(echo no)', '`x`', '*']);
    expect(r.stdout).toBe("a b|it's|$(echo no)|`x`|*|");
  });

  it('writes atomically keeping the mode, backs up once and restores the original bytes', async () => {
    const path = join(dir, "conf ig's.yaml");
    writeFileSync(path, 'original\n');
    chmodSync(path, 0o640);
    const b = await node.backup(path);
    expect(b.created).toBe(true);
    await node.writeFileAtomic(path, 'changed\n');
    expect(readFileSync(path, 'utf8')).toBe('changed\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect((await node.backup(path)).created).toBe(false);
    await node.restoreBackup(path, b.backupPath);
    expect(readFileSync(path, 'utf8')).toBe('original\n');
  });
});
