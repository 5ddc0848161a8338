// The page's terminal as the lab's shell: a real bash in a real pty. Blocks run by the engine and
// lines the learner types share variables, functions and the working directory, both ways.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyShell, type PtyShell } from '../../src/serve/pty-shell.js';

const env = (): Record<string, string> => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' });

/** What the terminal shows, from now on, without colours or cursor moves. */
function screen(shell: PtyShell): { text: () => string; until: (re: RegExp, ms?: number) => Promise<string> } {
  let buf = '';
  shell.onData((d) => (buf += d));
  // eslint-disable-next-line no-control-regex
  const text = () => buf.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  return {
    text,
    until: async (re, ms = 5000) => {
      const end = Date.now() + ms;
      while (!re.test(text())) {
        if (Date.now() > end) throw new Error(`terminal never showed ${re}; it shows:\n${text()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return text();
    },
  };
}

describe('PtyShell', () => {
  let shell: PtyShell | undefined;
  afterEach(async () => {
    await shell?.close();
    shell = undefined;
  });

  it('reports exit codes and captures stdout, stderr and their order', async () => {
    shell = await openPtyShell({ cwd: tmpdir(), env: env() });
    const ok = await shell.run('echo out; echo err >&2; echo out2');
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toBe('out\nout2\n');
    expect(ok.stderr).toBe('err\n');
    const merged = await shell.run('echo a; echo b >&2; echo c', { mergeStreams: true });
    expect(merged.output).toBe('a\nb\nc\n');
    expect(merged.stderr).toBe('');
    expect((await shell.run('exit_code() { return 3; }; exit_code')).exitCode).toBe(3);
    expect((await shell.run('false')).exitCode).toBe(1);
    // Output keeps its bytes: no \r from the terminal, no colours, unicode intact.
    const u = await shell.run(`printf 'héllo\\tworld\\n'`);
    expect(u.stdout).toBe('héllo\tworld\n');
  });

  it('has node_exec, as the engine\'s shell does (labs/71 runs it from the page)', async () => {
    shell = await openPtyShell({ cwd: tmpdir(), env: { ...env(), KUBELAB_DOCKER: 'echo' } });
    expect((await shell.run('type -t node_exec')).stdout).toBe('function\n');
    expect((await shell.run('node_exec kind-worker sha256sum /var/lib/kubelet/config.yaml')).stdout).toBe('exec -i kind-worker sha256sum /var/lib/kubelet/config.yaml\n');
  });

  it('shows a block in the terminal as typed, with its output', async () => {
    shell = await openPtyShell({ cwd: tmpdir(), env: env() });
    const s = screen(shell);
    await shell.run('echo shown-$((6*7))');
    const text = await s.until(/shown-42/);
    expect(text).toMatch(/lab:.*[#$] echo shown-\$\(\(6\*7\)\)\n/);
    // The side channel never reaches the screen.
    expect(text).not.toContain('777;kubelab');
  });

  it('shares variables, functions and the working directory both ways', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-pty-test-'));
    shell = await openPtyShell({ cwd: tmpdir(), env: env() });
    const s = screen(shell);
    await shell.run(`export GREETING=hello; greet() { echo "$GREETING, $1"; }; cd ${dir}`);
    // The learner types in the same shell: they see what the block set.
    shell.input('greet learner; pwd\r');
    await s.until(new RegExp(`hello, learner\\n${dir}\\n`));
    // And what the learner sets is there for the next block.
    shell.input('LEARNER_VAR=from-keys; cd sub 2>/dev/null || mkdir sub && cd sub\r');
    await s.until(/lab:.*sub[#$] $/);
    const r = await shell.run('echo "$LEARNER_VAR $PWD"');
    expect(r.stdout).toBe(`from-keys ${dir}/sub\n`);
    expect(await shell.cwd()).toBe(`${dir}/sub`);
    await shell.setEnv('CAPTURED', "it's");
    expect((await shell.env()).CAPTURED).toBe("it's");
    shell.input('echo "got $CAPTURED"\r');
    await s.until(/got it's/);
  });

  it('a block waits for the learner\'s command to finish; typing during a block is held until it ends', async () => {
    shell = await openPtyShell({ cwd: tmpdir(), env: env() });
    const s = screen(shell);
    shell.input('sleep 0.5; echo learner-done\r');
    await new Promise((r) => setTimeout(r, 100));
    const r = await shell.run('echo block-ran');
    expect(r.stdout).toBe('block-ran\n');
    expect(s.text().indexOf('learner-done')).toBeLessThan(s.text().indexOf('block-ran\n'));
    const running = shell.run('sleep 0.4; echo slow');
    await new Promise((r) => setTimeout(r, 100));
    expect(shell.running).toBe(true);
    shell.input('echo typed-ahead\r');
    expect((await running).stdout).toBe('slow\n');
    await s.until(/typed-ahead\n/);
    expect(s.text().indexOf('slow\n')).toBeLessThan(s.text().lastIndexOf('typed-ahead'));
  });

  it('a timeout stops the block with Ctrl-C; the shell and its state live on', async () => {
    shell = await openPtyShell({ cwd: tmpdir(), env: env(), killGraceMs: 500 });
    await shell.run('KEEP=kept');
    const r = await shell.run('echo start; sleep 30; echo never', { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.stdout).toBe('start\n');
    expect(r.durationMs).toBeLessThan(5000);
    const after = await shell.run('echo "$KEEP"');
    expect(after.stdout).toBe('kept\n');
    const ac = new AbortController();
    const p = shell.run('while :; do :; done', { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    const stopped = await p;
    expect(stopped.aborted).toBe(true);
    expect((await shell.run('echo "$KEEP"')).stdout).toBe('kept\n');
  });

  it('a job a signal ends (SIGPIPE in `cmd | head`) leaves the shell ready: the next block runs', async () => {
    // bash puts back the cooked terminal mode it saved when a job dies of a signal; the next run key
    // then sat in the line buffer, echoed as ^[[9197~, and the block never started (labs/69's
    // cleanup from the page hung after `journalctl | grep -q`).
    shell = await openPtyShell({ cwd: tmpdir(), env: env(), killGraceMs: 500 });
    for (let i = 0; i < 3; i++) {
      const piped = await shell.run('yes | head -n 1; sh -c \'kill -PIPE $$\'', { timeoutMs: 5000 });
      expect(piped.stdout).toBe('y\n');
      const next = await shell.run('echo next', { timeoutMs: 5000 });
      expect(next.timedOut, 'the block after the signalled job ran').toBe(false);
      expect(next.stdout).toBe('next\n');
    }
  });

  it('a block whose run key bash never took still ends at its timeout', async () => {
    shell = await openPtyShell({ cwd: tmpdir(), env: env(), killGraceMs: 500 });
    // The learner's own doing: the run key unbound. The block cannot start; it must not hang.
    await shell.run("bind -r '\\e[9197~'");
    const started = performance.now();
    const r = await shell.run('echo never', { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout).toBe('');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
