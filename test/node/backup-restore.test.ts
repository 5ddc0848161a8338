// Backups that know their bytes, on real files through a stand-in `ssh` that runs the remote
// command with sh on this machine (as sshd would): a restore already done is done, a missing or
// foreign backup fails loudly, a stale backup is moved aside.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { SshNodeAccess } from '../../src/node/ssh.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fakeSsh = join(dir, 'ssh');
writeFileSync(fakeSsh, `#!/bin/sh\nwhile [ "$1" != "--" ]; do shift; done\nshift\nexec sh -c "$*"\n`);
chmodSync(fakeSsh, 0o755);
const node = new SshNodeAccess('n1', 'root@node-1', [], fakeSsh);
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

describe('backup, restore and moveAside', () => {
  it('records the sha256 of the backed-up bytes, also of a backup it kept', async () => {
    const path = join(dir, 'a.yaml');
    writeFileSync(path, 'original\n');
    const b = await node.backup(path);
    expect(b).toEqual({ backupPath: `${path}.kubelab.bak`, created: true, sha256: sha('original\n') });
    writeFileSync(path, 'changed\n');
    expect(await node.backup(path)).toEqual({ ...b, created: false });
  });

  it('a restore whose backup was already moved back succeeds again (interrupt after the restore)', async () => {
    const path = join(dir, 'b.yaml');
    writeFileSync(path, 'original: 1\n');
    const b = await node.backup(path);
    writeFileSync(path, 'changed: 1\n');
    expect(await node.restoreBackup(path, b.backupPath, { sha256: b.sha256 })).toBe('restored');
    expect(readFileSync(path, 'utf8')).toBe('original: 1\n');
    expect(existsSync(b.backupPath)).toBe(false);
    expect(await node.restoreBackup(path, b.backupPath, { sha256: b.sha256 })).toBe('already-restored');
    expect(readFileSync(path, 'utf8')).toBe('original: 1\n');
  });

  it('fails loudly when the backup is gone and the file differs from the backed-up bytes, changing nothing', async () => {
    const path = join(dir, 'c.yaml');
    writeFileSync(path, 'original\n');
    const b = await node.backup(path);
    rmSync(b.backupPath);
    writeFileSync(path, 'someone else\n');
    await expect(node.restoreBackup(path, b.backupPath, { sha256: b.sha256 })).rejects.toThrow(/backup .* does not exist and .* differs from the backed-up bytes/);
    expect(readFileSync(path, 'utf8')).toBe('someone else\n');
  });

  it('refuses a backup whose bytes are not the recorded ones', async () => {
    const path = join(dir, 'd.yaml');
    writeFileSync(path, 'original\n');
    const b = await node.backup(path);
    writeFileSync(b.backupPath, 'replaced\n');
    writeFileSync(path, 'changed\n');
    await expect(node.restoreBackup(path, b.backupPath, { sha256: b.sha256 })).rejects.toThrow(/is not the backup kubelab made/);
    expect(readFileSync(path, 'utf8')).toBe('changed\n');
  });

  it('without a recorded sha256 (older journals) a missing backup still fails', async () => {
    const path = join(dir, 'e.yaml');
    writeFileSync(path, 'x\n');
    await expect(node.restoreBackup(path, `${path}.kubelab.bak`)).rejects.toThrow(/does not exist/);
  });

  it('moves a stale backup aside under a new name, never over another file', async () => {
    const path = join(dir, 'f.yaml.kubelab.bak');
    writeFileSync(path, 'stale\n');
    const now = new Date('2026-12-03T06:00:00.123Z');
    const aside = await node.moveAside(path, now);
    expect(aside).toBe(`${path}.stale-20261203T060000Z`);
    expect(readFileSync(aside!, 'utf8')).toBe('stale\n');
    expect(existsSync(path)).toBe(false);
    writeFileSync(path, 'stale again\n');
    await expect(node.moveAside(path, now)).rejects.toThrow(/already exists/);
    expect(readFileSync(aside!, 'utf8')).toBe('stale\n');
    expect(await node.moveAside(join(dir, 'none.bak'))).toBeUndefined();
    expect(readdirSync(dir).filter((n) => n.startsWith('f.yaml'))).toHaveLength(2);
  });
});
