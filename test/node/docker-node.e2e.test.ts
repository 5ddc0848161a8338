// NodeAccess over `docker exec`, against a real container.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerNodeAccess } from '../../src/node/docker.js';
import { NodeError } from '../../src/node/errors.js';
import { dockerAvailable, dockerExec, removeContainer, startTinyContainer } from './helpers.js';

const name = `kubelab-node-test-${process.pid}`;
const hasDocker = dockerAvailable();

describe.skipIf(!hasDocker)('DockerNodeAccess', () => {
  let node: DockerNodeAccess;
  beforeAll(() => {
    startTinyContainer(name);
    node = new DockerNodeAccess('tiny', name);
  });
  afterAll(() => removeContainer(name));

  it('runs an argv without a shell in between', async () => {
    const r = await node.exec(['sh', '-c', 'printf "%s|" "$@"; exit 3', 'sh', 'a b', '$(id)', "it's"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("a b|$(id)|it's|");
  });

  it('passes input on stdin', async () => {
    const r = await node.exec(['cat'], { input: 'hello\n' });
    expect(r.stdout).toBe('hello\n');
  });

  it('reads and writes binary bytes exactly', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await node.writeFileAtomic('/etc/demo/bin.dat', bytes);
    expect(Buffer.compare(await node.readFile('/etc/demo/bin.dat'), bytes)).toBe(0);
  });

  it('keeps owner and mode when it replaces a file, and leaves no temp file', async () => {
    dockerExec(name, 'sh', '-c', 'printf old > "/etc/demo/a file"; chown 65534:65534 "/etc/demo/a file"; chmod 0640 "/etc/demo/a file"');
    await node.writeFileAtomic('/etc/demo/a file', 'new: value\n');
    expect(dockerExec(name, 'stat', '-c', '%u:%g %a', '/etc/demo/a file').trim()).toBe('65534:65534 640');
    expect(dockerExec(name, 'cat', '/etc/demo/a file')).toBe('new: value\n');
    expect(dockerExec(name, 'ls', '-A', '/etc/demo')).not.toContain('.kubelab.');
  });

  it('fails with the path and the node in the message when the directory does not exist', async () => {
    const err = await node.writeFileAtomic('/nope/x.yaml', 'a').catch((e) => e);
    expect(err).toBeInstanceOf(NodeError);
    expect(err.message).toContain('/nope/x.yaml');
    expect(err.message).toContain(`container ${name}`);
  });

  it('backs up once: a second backup keeps the first bytes, and restore gives them back with owner and mode', async () => {
    const path = '/etc/demo/config.yaml';
    dockerExec(name, 'sh', '-c', `printf 'original: 1\\n' > ${path}; chown 65534:0 ${path}; chmod 0600 ${path}`);
    const before = dockerExec(name, 'stat', '-c', '%u:%g %a %Y', path);
    const first = await node.backup(path);
    expect(first).toMatchObject({ backupPath: `${path}.kubelab.bak`, created: true });
    await node.writeFileAtomic(path, 'changed: 1\n');
    const second = await node.backup(path);
    expect(second.created).toBe(false);
    expect((await node.readFile(second.backupPath)).toString()).toBe('original: 1\n');
    await node.writeFileAtomic(path, 'changed: 2\n');
    await node.restoreBackup(path, first.backupPath);
    expect((await node.readFile(path)).toString()).toBe('original: 1\n');
    expect(dockerExec(name, 'stat', '-c', '%u:%g %a %Y', path)).toBe(before);
    // The backup is consumed: a later run backs up the file as it is then.
    expect((await node.exec(['sh', '-c', 'test -e "$1"', 'sh', first.backupPath])).exitCode).toBe(1);
    await expect(node.restoreBackup(path, first.backupPath)).rejects.toThrow(/does not exist/);
  });

  it('refuses to back up a file that does not exist', async () => {
    await expect(node.backupFile('/etc/demo/missing')).rejects.toThrow(/no such file/);
  });

  it('says which program is missing when the transport is not installed', async () => {
    const broken = new DockerNodeAccess('x', name, 'docker-not-installed-here');
    await expect(broken.exec(['true'])).rejects.toThrow(/docker-not-installed-here is not installed/);
  });
});
