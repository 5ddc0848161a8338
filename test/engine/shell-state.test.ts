// The shell's state (variables, functions, cwd) survives what a lab may do to the shell: its own
// EXIT trap, `exit`, `set -e` failures, `exec bash`; and the learner is told when a new shell was
// started. Real bash.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openShell } from '../../src/engine/shell.js';
import type { Shell } from '../../src/engine/types.js';

let dir: string;
let sh: Shell;

beforeEach(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-shell-state-')));
  sh = await openShell({ cwd: dir, env: process.env as Record<string, string>, killGraceMs: 500 });
});
afterEach(async () => {
  await sh.close();
  rmSync(dir, { recursive: true, force: true });
});

const SETUP = 'kept="a b"; declare -a arr=(x "y z"); keptfn() { echo fn; }; mkdir -p sub && cd sub';
const CHECK = 'echo "$kept ${arr[1]}"; keptfn; pwd';
const checked = () => `a b y z\nfn\n${dir}/sub\n`;

describe("a lab's own EXIT trap", () => {
  for (const [name, block, code] of [
    ['exit', 'exit 4', 4],
    ['set -e failure', 'set -e; false; echo never', 1],
  ] as const) {
    it(`runs, and the state is kept, after ${name} in a later block`, async () => {
      await sh.run(SETUP);
      await sh.run(`trap 'echo "trap ran ($?)" > ${dir}/trap.log' EXIT`);
      const r = await sh.run(block);
      expect(r.exitCode).toBe(code);
      expect(r.notice).toMatch(/same variables/);
      expect(readFileSync(join(dir, 'trap.log'), 'utf8')).toBe(`trap ran (${code})\n`);
      expect((await sh.run(CHECK)).stdout).toBe(checked());
    });
  }

  it('in the same block as the exit', async () => {
    await sh.run(SETUP);
    const r = await sh.run(`trap 'echo bye' EXIT; x=1; exit 2`);
    expect(r.stdout).toBe('bye\n');
    expect(r.exitCode).toBe(2);
    expect((await sh.run(`${CHECK}; echo $x`)).stdout).toBe(`${checked()}1\n`);
  });

  it('shows in trap -p (kubelab traps do not), can be reset, and is kept in the new shell', async () => {
    await sh.run(`trap 'echo "it'"'"'s done"' EXIT; trap 'echo hup' HUP`);
    const p = await sh.run('trap -p');
    expect(p.stdout).toBe(`trap -- 'echo "it'\\''s done"' EXIT\ntrap -- 'echo hup' SIGHUP\n`);
    expect((await sh.run('trap -p EXIT')).stdout).toBe(`trap -- 'echo "it'\\''s done"' EXIT\n`);
    expect((await sh.run('exit 0')).stdout).toBe("it's done\n");
    // The new shell has the trap again (the session goes on).
    expect((await sh.run('trap -p EXIT')).stdout).toBe(`trap -- 'echo "it'\\''s done"' EXIT\n`);
    await sh.run('trap - EXIT');
    expect((await sh.run('trap -p')).stdout).toBe("trap -- 'echo hup' SIGHUP\n");
    const r = await sh.run('exit 0');
    expect(r.stdout).toBe('');
  });

  it('works as usual in subshells and scripts', async () => {
    const r = await sh.run(`( trap 'echo sub-exit' EXIT; echo in ); bash -c "trap 'echo script-exit' EXIT; true"`);
    expect(r.stdout).toBe('in\nsub-exit\nscript-exit\n');
  });

  it('runs when kubelab closes the shell', async () => {
    await sh.run(`trap 'echo closed > ${dir}/closed.log' EXIT`);
    await sh.close();
    expect(readFileSync(join(dir, 'closed.log'), 'utf8')).toBe('closed\n');
    sh = await openShell({ cwd: dir, env: process.env as Record<string, string> });
  });
});

describe('exec', () => {
  for (const target of ['bash', 'sh', 'bash --norc -i', 'env FOO=1 bash']) {
    it(`exec ${target}: a new shell with the state, and a notice that says so`, async () => {
      await sh.run(SETUP);
      const r = await sh.run(`late=yes; exec ${target}`);
      expect(r.notice).toMatch(new RegExp(`exec ${target.split(' ')[0]}.*replaced the shell.*same variables`));
      expect((await sh.run(`${CHECK}; echo $late`)).stdout).toBe(`${checked()}yes\n`);
    });
  }

  it('exec with only redirections keeps working, for its block only, and leaves no stale state', async () => {
    await sh.run('v=1');
    const r = await sh.run('exec 3>&1 >/dev/null; echo hidden; echo shown >&3');
    expect(r.stdout).toBe('shown\n');
    expect(r.notice).toBeUndefined();
    await sh.run('v=2');
    // A later death must not bring back the state saved at the exec above (v=1).
    const k = await sh.run('kill -9 $$');
    expect(k.notice).toMatch(/lost/);
  });

  it('exec in a subshell or a command substitution leaves the shell alone', async () => {
    const sub = await sh.run('v=3; (exec true); echo "$(exec echo in-comsub)"');
    expect(sub).toMatchObject({ exitCode: 0, stdout: 'in-comsub\n' });
    expect(sub.notice).toBeUndefined();
    expect((await sh.run('echo $v')).stdout).toBe('3\n');
  });
});

describe('notices', () => {
  it('a shell that died between blocks: the next block runs in a new shell, its result says so', async () => {
    await sh.run('v=1');
    // The shell dies after its block ended.
    await sh.run('(sleep 0.3; kill -9 $$) >/dev/null 2>&1 &');
    await new Promise((r) => setTimeout(r, 1500));
    const r = await sh.run('echo ran');
    expect(r.stdout).toBe('ran\n');
    expect(r.notice).toMatch(/killed by SIGKILL.*lost/);
    expect((await sh.run('echo next')).notice).toBeUndefined();
  });

  it('a restart during setEnv: the notice comes with the next block', async () => {
    await sh.run('v=1; (sleep 0.3; kill -9 $$) >/dev/null 2>&1 &');
    await new Promise((r) => setTimeout(r, 1500));
    await sh.setEnv('X', 'y');
    const r = await sh.run('echo "$X"');
    expect(r.stdout).toBe('y\n');
    expect(r.notice).toMatch(/killed by SIGKILL/);
  });
});
