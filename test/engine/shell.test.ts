// The persistent shell, with real bash.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openShell } from '../../src/engine/shell.js';
import type { Shell } from '../../src/engine/types.js';

let dir: string;
let sh: Shell;

beforeEach(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-shell-test-')));
  sh = await openShell({ cwd: dir, env: { ...(process.env as Record<string, string>), KUBELAB_TEST: 'yes' }, killGraceMs: 500 });
});
afterEach(async () => {
  await sh.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Poll until the process is gone (a loaded machine may take a while to reap it); false if it lives on. */
async function gone(pid: number, withinMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((res) => setTimeout(res, 50));
  }
  return true;
}

// Time bounds below only prove that a block did not run to its natural end (`sleep 100`, an
// endless loop), with wide margins for a loaded CI machine; speed is measured in bench/.
const WELL_BEFORE_THE_END_MS = 60_000;
const SLOW_TEST_MS = 120_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('persistent shell', () => {
  it('keeps variables, arrays, functions and cwd from one block to the next', async () => {
    const a = await sh.run('x=5; declare -A m=([k]=v); greet() { echo "hi $1"; }; mkdir -p sub && cd sub');
    expect(a.exitCode).toBe(0);
    const b = await sh.run('echo "$x ${m[k]}"; greet bob; pwd; echo $KUBELAB_TEST');
    expect(b.stdout).toBe(`5 v\nhi bob\n${dir}/sub\nyes\n`);
    expect(await sh.cwd()).toBe(`${dir}/sub`);
  });

  it('gives each block its own exit code, stdout and stderr', async () => {
    const a = await sh.run('echo out; echo err >&2; false');
    expect(a).toMatchObject({ exitCode: 1, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    const b = await sh.run('(exit 7)');
    expect(b.exitCode).toBe(7);
    const c = await sh.run('echo fine');
    expect(c).toMatchObject({ exitCode: 0, stdout: 'fine\n', stderr: '' });
  });

  it('interleaves stdout and stderr in arrival order', async () => {
    const r = await sh.run('echo a; sleep 0.05; echo b >&2; sleep 0.05; echo c');
    expect(r.output).toBe('a\nb\nc\n');
    expect(r.stdout).toBe('a\nc\n');
    expect(r.stderr).toBe('b\n');
  });

  it('with mergeStreams, keeps the exact terminal order even for back-to-back writes', async () => {
    for (let i = 0; i < 30; i++) {
      const r = await sh.run('echo a; echo b >&2; echo c', { mergeStreams: true });
      expect(r.output).toBe('a\nb\nc\n');
      expect(r.exitCode).toBe(0);
    }
  });

  it('runs commands bigger than the inline limit, quotes and backslashes intact', async () => {
    const line = `echo 'it''s' "a\\b" $'tab\\there'\n`;
    const big = `: ${'x'.repeat(20_000)}\n${line}`;
    const r = await sh.run(big);
    expect(r.stdout).toBe('its a\\b tab\there\n');
    const small = await sh.run(line);
    expect(small.stdout).toBe(r.stdout);
  });

  it('runs multi-line commands, heredocs and commands without a trailing newline', async () => {
    const r = await sh.run('cat <<EOF\nline 1\n  line 2\nEOF\nfor i in 1 2; do\n  printf "%s," "$i"\ndone');
    expect(r.stdout).toBe('line 1\n  line 2\n1,2,');
    const s = await sh.run('printf "no newline"');
    expect(s.stdout).toBe('no newline');
  });

  it('is not fooled by output that looks like its markers', async () => {
    const r = await sh.run(`printf '\\036KLo123:0\\036 and \\036KLe\\036\\n'; echo done`);
    expect(r.stdout).toBe('\x1eKLo123:0\x1e and \x1eKLe\x1e\ndone\n');
    expect(r.exitCode).toBe(0);
  });

  it('carries megabytes of output without losing a byte', async () => {
    const r = await sh.run('head -c 3000000 /dev/zero | tr "\\0" x; echo; seq 1 100000 >&2');
    expect(r.stdout.length).toBe(3_000_001);
    expect(r.stderr.split('\n').length).toBe(100_001);
    const next = await sh.run('echo next');
    expect(next.output).toBe('next\n');
  });

  it('decodes UTF-8 split across chunks', async () => {
    const r = await sh.run('for i in $(seq 1 20000); do printf "é€"; done');
    expect(r.stdout).toBe('é€'.repeat(20000));
  });

  it('survives `exit 3` in a block: reports 3, starts a new shell with the same state', async () => {
    await sh.run('kept=yes; keptfn() { echo fn; }; cd /');
    const r = await sh.run('echo before; exit 3');
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('before\n');
    expect(r.notice).toMatch(/exited with code 3.*new shell with the same variables/);
    const n = await sh.run('echo $kept; keptfn; pwd');
    expect(n.stdout).toBe('yes\nfn\n/\n');
  });

  it('handles `set -e` in a block like a script: stops at the failure, reports its code', async () => {
    const r = await sh.run('set -e; echo one; false; echo never');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('one\n');
    const n = await sh.run('false; echo still here');
    expect(n.stdout).toBe('still here\n');
  });

  it('survives set -u and set -o pipefail in a block, and traces only the block under set -x', async () => {
    expect((await sh.run('set -uo pipefail')).exitCode).toBe(0);
    const u = await sh.run('echo "$undefined_var"');
    expect(u.exitCode).not.toBe(0);
    expect(u.stderr).toContain('undefined_var: unbound variable');
    expect((await sh.run('false | true')).exitCode).toBe(1);
    await sh.run('set +uo pipefail; set -x');
    const x = await sh.run('echo traced');
    expect(x.stdout).toBe('traced\n');
    // As a terminal shows it (the block runs inside an eval, one level deeper: see shell-xtrace).
    expect(x.stderr).toBe('+ echo traced\n');
    await sh.run('set +x');
    expect((await sh.run('echo quiet')).stderr).toBe('');
  });

  it('gives blocks an empty stdin; an `exec` redirection of stdout/stderr lasts for its block only', async () => {
    const c = await sh.run('cat; echo after-cat');
    expect(c.stdout).toBe('after-cat\n');
    const e = await sh.run('exec 3>&1 >/dev/null; echo hidden; echo shown >&3');
    expect(e.exitCode).toBe(0);
    expect(e.stdout).toBe('shown\n');
    const n = await sh.run('exec 1>&-; echo to-closed; echo err >&2');
    expect(n.stderr).toContain('err');
    const next = await sh.run('echo still-works');
    expect(next).toMatchObject({ exitCode: 0, stdout: 'still-works\n' });
  });

  it('keeps background jobs running across blocks and collects their output later', async () => {
    await sh.run('sleep 30 & bgpid=$!');
    const r = await sh.run('kill -0 $bgpid && echo running');
    expect(r.stdout).toBe('running\n');
  });

  it('times out a block: kills its process group, the next block still has the state', async () => {
    await sh.run('state=kept');
    const r = await sh.run('sleep 100 & echo $! > sleeper.pid; sleep 100; echo never', { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.stdout).not.toContain('never');
    expect(r.durationMs).toBeLessThan(WELL_BEFORE_THE_END_MS);
    const pid = Number((await sh.run('cat sleeper.pid')).stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(await gone(pid)).toBe(true);
    const n = await sh.run('echo $state; pwd');
    expect(n.stdout).toBe(`kept\n${dir}\n`);
    expect(n.exitCode).toBe(0);
  }, SLOW_TEST_MS);

  it('times out a builtin busy loop and keeps the state', async () => {
    await sh.run('state=kept2');
    const r = await sh.run('while :; do :; done', { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(WELL_BEFORE_THE_END_MS);
    const n = await sh.run('echo $state');
    expect(n.stdout).toBe('kept2\n');
    expect(n.exitCode).toBe(0);
  }, SLOW_TEST_MS);

  it('keeps the state across busy-loop timeouts, every time (the save is not cut short by the stop signals)', async () => {
    await sh.run('set -o noclobber; g() { echo g; }');
    for (let round = 0; round < 12; round++) {
      await sh.run(`state=kept${round}; for i in $(seq 200); do builtin eval "v$i=$i"; done`);
      const r = await sh.run('while :; do :; done', { timeoutMs: 300 });
      expect(r.timedOut).toBe(true);
      expect(r.notice).toContain('same variables');
      const n = await sh.run('echo "$state $v1 $v200 $(g)"; [[ -o noclobber ]] && echo noclobber');
      expect(n.stdout).toBe(`kept${round} 1 200 g\nnoclobber\n`);
    }
  }, SLOW_TEST_MS);

  it('does not kill background jobs of earlier blocks when a block times out', async () => {
    await sh.run('sleep 30 & bg=$!');
    await sh.run('sleep 100', { timeoutMs: 200 });
    const r = await sh.run('kill -0 $bg && echo alive');
    // The shell was not restarted (the foreground sleep died, the block ended): the job lives.
    expect(r.stdout).toBe('alive\n');
  });

  it('stops a block on abort', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort('SIGINT'), 200);
    const r = await sh.run('sleep 100', { signal: ac.signal });
    expect(r.aborted).toBe(true);
    expect(r.timedOut).toBe(false);
    expect(r.durationMs).toBeLessThan(WELL_BEFORE_THE_END_MS);
    expect((await sh.run('echo ok')).stdout).toBe('ok\n');
  }, SLOW_TEST_MS);

  it('exports variables with setEnv, whatever characters they hold', async () => {
    const value = `it's "quoted" $HOME \\ \n newline`;
    await sh.setEnv('TRICKY', value);
    const r = await sh.run('printf "%s" "$TRICKY"; bash -c \'printf "|%s" "$TRICKY"\'');
    expect(r.stdout).toBe(`${value}|${value}`);
    expect((await sh.env()).TRICKY).toBe(value);
  });

  it('streams output through onOutput as it arrives', async () => {
    const chunks: string[] = [];
    const r = await sh.run('echo one; sleep 0.1; echo two >&2', { onOutput: (s, c) => chunks.push(`${s}:${c}`) });
    expect(chunks.join('')).toBe('stdout:one\nstderr:two\n');
    expect(r.output).toBe('one\ntwo\n');
  });

  it('leaves no helper files in the working directory', async () => {
    writeFileSync(join(dir, 'keep'), '');
    await sh.run('echo hi');
    expect(existsSync(join(dir, 'cmd'))).toBe(false);
  });
});
