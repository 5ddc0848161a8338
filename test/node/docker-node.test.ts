// DockerNodeAccess and nodeFromRef through a stand-in `docker` that runs `exec` locally: which
// program runs (the one given, never an environment variable), the argv it gets, stdin, and a
// transport that is not installed. The real docker is in docker-node.e2e.test.ts.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerNodeAccess } from '../../src/node/docker.js';
import { SshNodeAccess } from '../../src/node/ssh.js';
import { nodeFromRef } from '../../src/node/from-ref.js';
import { NodeError } from '../../src/node/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-docker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A `docker` that logs its argv to `log` and runs `exec [-i] CONTAINER ARGV...` here. */
function fakeDocker(name: string): { program: string; log: string } {
  const program = join(dir, name);
  const log = join(dir, `${name}.log`);
  writeFileSync(program, `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\n[ "$1" = exec ] || exit 99\nshift\n[ "$1" = -i ] && shift\nshift\nexec "$@"\n`);
  chmodSync(program, 0o755);
  return { program, log };
}

const saved = { ...process.env };
afterEach(() => {
  process.env.KUBELAB_DOCKER = saved.KUBELAB_DOCKER;
  process.env.KUBELAB_SSH = saved.KUBELAB_SSH;
  if (saved.KUBELAB_DOCKER === undefined) delete process.env.KUBELAB_DOCKER;
  if (saved.KUBELAB_SSH === undefined) delete process.env.KUBELAB_SSH;
});

describe('DockerNodeAccess', () => {
  it('runs `docker exec CONTAINER argv` with the docker it was given, -i only with input', async () => {
    const docker = fakeDocker('docker-a');
    const node = new DockerNodeAccess('kind-worker', 'kind-worker', docker.program);
    const r = await node.exec(['sh', '-c', 'printf "%s|" "$@"', 'sh', 'a b', '$(id)']);
    expect(r).toEqual({ exitCode: 0, stdout: 'a b|$(id)|', stderr: '' });
    expect(readFileSync(docker.log, 'utf8').split('\n').slice(0, 2)).toEqual(['exec', 'kind-worker']);
    expect((await node.exec(['cat'], { input: 'on stdin\n' })).stdout).toBe('on stdin\n');
    expect(readFileSync(docker.log, 'utf8').split('\n').slice(0, 3)).toEqual(['exec', '-i', 'kind-worker']);
  });

  it('does not read KUBELAB_DOCKER: the program comes from its caller', async () => {
    const given = fakeDocker('docker-given');
    const fromEnv = fakeDocker('docker-env');
    process.env.KUBELAB_DOCKER = fromEnv.program;
    await new DockerNodeAccess('n', 'c', given.program).exec(['true']);
    await nodeFromRef({ transport: 'docker', container: 'c2' }, undefined, { docker: given.program }).exec(['true']);
    expect(readFileSync(given.log, 'utf8')).toBe('exec\nc2\ntrue\n');
    expect(() => readFileSync(fromEnv.log)).toThrow();
  });

  it('says which program is missing when the transport is not installed', async () => {
    const err = await new DockerNodeAccess('x', 'c', join(dir, 'no-docker-here')).exec(['true']).catch((e) => e);
    expect(err).toBeInstanceOf(NodeError);
    expect(err.code).toBe('node-transport-missing');
    expect(err.message).toBe(`cannot reach container c: ${join(dir, 'no-docker-here')} is not installed`);
    // A command missing on the node is the node's answer (127), not a missing transport.
    const docker = fakeDocker('docker-b');
    expect((await new DockerNodeAccess('n', 'c', docker.program).exec(['kubelab-no-such-command'])).exitCode).toBe(127);
  });

  it('fails file operations with the command, the node and the explained exit code', async () => {
    const docker = fakeDocker('docker-c');
    const node = new DockerNodeAccess('n', 'kind-worker', docker.program);
    const err = await node.readFile(join(dir, 'missing.yaml')).catch((e) => e);
    expect(err).toBeInstanceOf(NodeError);
    expect(err.message).toMatch(new RegExp(`^reading ${join(dir, 'missing.yaml')} on container kind-worker failed: exited with 1: cat: `));
  });
});

describe('nodeFromRef', () => {
  it('uses the ssh it is given, not KUBELAB_SSH', async () => {
    process.env.KUBELAB_SSH = join(dir, 'ssh-from-env');
    const node = nodeFromRef({ transport: 'ssh', target: 'root@h', sshArgs: ['-p', '2'] }, 'w', { ssh: join(dir, 'no-ssh-here') });
    expect(node).toBeInstanceOf(SshNodeAccess);
    expect(node.name).toBe('w');
    const err = await node.exec(['true']).catch((e) => e);
    expect(err.code).toBe('node-transport-missing');
    expect(err.message).toBe(`cannot reach ssh root@h: ${join(dir, 'no-ssh-here')} is not installed`);
  });
});
