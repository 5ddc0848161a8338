// The lab shell's node_exec function (src/engine/shell-init.ts), in a real persistent shell: which
// program it runs for a node (ssh when the run maps the node to a target, else docker exec), that
// every argument arrives as one word on the node, exit codes, and what it says when it cannot
// reach a node. The programs are small recorders standing in for docker and ssh (the real ones
// are in test/e2e/node-exec.e2e.test.ts): "ssh" here runs the remote command with sh -c, as sshd
// does with the login shell.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShell } from '../../src/engine/shell.js';

type Shell = Awaited<ReturnType<typeof openShell>>;

const dir = mkdtempSync(join(tmpdir(), 'kubelab-node-exec-'));
const log = join(dir, 'argv');
const docker = join(dir, 'docker');
const ssh = join(dir, 'ssh');
writeFileSync(
  docker,
  `#!/bin/bash\nif [[ $1 == container ]]; then [[ $3 == known-node ]]; exit; fi\nprintf '%s\\n' "$@" > ${log}\nshift 3; exec "$@"\n`,
);
// Records its argv, drops the options and the target, and runs the remote words joined by spaces
// through sh -c (what sshd does).
writeFileSync(ssh, `#!/bin/bash\nprintf '%s\\n' "$@" > ${log}\nwhile [[ $1 != -- ]]; do shift; done; shift\nexec sh -c "$*"\n`);
chmodSync(docker, 0o755);
chmodSync(ssh, 0o755);

let sh: Shell;
beforeAll(async () => {
  sh = await openShell({ cwd: dir, env: { ...(process.env as Record<string, string>), KUBELAB_DOCKER: docker, KUBELAB_SSH: ssh, KUBELAB_SSH_CONFIG: '', KUBELAB_NODE_SSH: 'worker-0=root@10.0.0.5\nnode-b=admin@10.0.0.6' } });
});
afterAll(async () => {
  await sh.close();
  rmSync(dir, { recursive: true, force: true });
});

const argv = () => readFileSync(log, 'utf8').trimEnd().split('\n');

describe('node_exec', () => {
  it('uses docker exec -i for a node without an ssh target, each argument one word', async () => {
    const r = await sh.run(`node_exec kind-worker printf '<%s>' 'a b' "c'd" '$HOME' ''`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`<a b><c'd><$HOME><>`);
    expect(argv().slice(0, 3)).toEqual(['exec', '-i', 'kind-worker']);
  });

  it('passes stdin through to the node', async () => {
    const r = await sh.run(`printf 'from the shell' | node_exec kind-worker cat`);
    expect(r.stdout).toBe('from the shell');
  });

  it('uses ssh for a node the run maps to a target, in batch mode, words intact through the remote shell', async () => {
    const r = await sh.run(`node_exec worker-0 printf '<%s>' 'a b' "c'd" '$HOME' '*' ';' ''`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`<a b><c'd><$HOME><*><;><>`);
    expect(argv().slice(0, 4)).toEqual(['-o', 'BatchMode=yes', 'root@10.0.0.5', '--']);
  });

  it('gives ssh the run\'s ssh configuration file with -F', async () => {
    await sh.run(`KUBELAB_SSH_CONFIG=${dir}/ssh_config node_exec node-b true`);
    expect(argv().slice(0, 5)).toEqual(['-o', 'BatchMode=yes', '-F', `${dir}/ssh_config`, 'admin@10.0.0.6']);
  });

  it('returns the command\'s exit code, and survives set -euo pipefail and an odd IFS', async () => {
    expect((await sh.run('node_exec kind-worker sh -c "exit 7"')).exitCode).toBe(7);
    expect((await sh.run('node_exec worker-0 sh -c "exit 5"')).exitCode).toBe(5);
    const r = await sh.run(`( set -euo pipefail; IFS=,; node_exec worker-0 printf '<%s>' 'x y' z )`);
    expect(r.stdout).toBe('<x y><z>');
  });

  it('says how to reach a node that is neither a container here nor has an ssh target', async () => {
    const r = await sh.run('node_exec nowhere sh -c "exit 1"');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/node_exec: nowhere is not a kind node container here; for a node reached over ssh run kubelab with --ssh nowhere=USER@HOST/);
    const known = await sh.run('node_exec known-node sh -c "exit 1"');
    expect(known.stderr).not.toMatch(/node_exec:/);
  });

  it('without a command: usage, exit 2', async () => {
    const r = await sh.run('node_exec worker-0');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/usage: node_exec NODE COMMAND/);
  });
});
