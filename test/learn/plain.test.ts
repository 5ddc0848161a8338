// `kubelab learn` without a terminal: line commands on stdin, plain text out (real bash).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { Readable, Writable } from 'node:stream';

const ROOT = resolve(import.meta.dirname, '../..');

async function learn(args: string[], input: string, env: NodeJS.ProcessEnv) {
  let out = '';
  // A child process: its stdin is a pipe, so learn uses the plain mode.
  return new Promise<{ code: number | null; out: string }>((res) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli.js'), 'learn', ...args], { cwd: ROOT, env: { ...env, NO_COLOR: '1' } });
    child.stdout.on('data', (c) => (out += c.toString()));
    child.stderr.on('data', (c) => (out += c.toString()));
    child.on('close', (code) => res({ code, out }));
    child.stdin.end(input);
  });
}

describe('kubelab learn, plain mode', () => {
  it('prints steps and follows run/check/next/quit commands; resumes where it stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-plain-'));
    const env = { ...process.env, KUBELAB_STATE_DIR: join(dir, 'state'), SCRATCH: join(dir, 'scratch') };
    const first = await learn(['test/fixtures/learn/basics.md'], 'run\ncheck\nnext\nhint\ncheck\nsolution\nquit\nn\n', env);
    expect(first.code).toBe(0);
    expect(first.out).toContain('== Step 1/3: Say hello');
    expect(first.out).toContain('hello world\n✓ passed');
    expect(first.out).toContain('✓ Check passed');
    expect(first.out).toContain('== Step 2/3: Make a file');
    expect(first.out).toContain('Hint:');
    expect(first.out).toContain('✗ Check failed.');
    expect(first.out).toContain('Solution:');
    expect(first.out).toContain('Saved at step 2 of 3');
    expect(first.out).not.toContain('\x1b[');

    const second = await learn(['test/fixtures/learn/basics.md'], 'run\ncheck\nnext\ncheck\n3\n\nquit\ny\n', env);
    expect(second.out).toContain('Welcome back: resuming at step 2 of 3');
    expect(second.out).toContain('✓ notes-file');
    expect(second.out).toContain('== Step 3/3: Count lines');
    expect(second.out).toContain('Paste the output of');
    expect(second.out).toMatch(/✓ Check passed[\s\S]*Cleanup:\n {2}✓ rm -rf/);
    expect(existsSync(env.SCRATCH)).toBe(false);
  });

  it('explains a pasted mismatch and treats end of input as quit without cleanup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-plain-'));
    const env = { ...process.env, KUBELAB_STATE_DIR: join(dir, 'state') };
    const r = await learn(['test/fixtures/learn/basics.md', '--plain'], 'goto 3\ncheck\n  3\n\n', env);
    expect(r.code).toBe(0);
    expect(r.out).toContain('line 1: expected `3`, you got `  3`');
    expect(r.out).toContain('Saved at step 3 of 3');
  });

  it('--restart first undoes what an earlier session left (the engine finishes its journal)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-plain-'));
    const env = { ...process.env, KUBELAB_STATE_DIR: join(dir, 'state'), SCRATCH: join(dir, 'scratch') };
    await learn(['test/fixtures/learn/basics.md'], 'goto 2\nrun\nquit\nn\n', env);
    expect(existsSync(join(env.SCRATCH, 'notes.txt'))).toBe(true);
    const r = await learn(['test/fixtures/learn/basics.md', '--restart'], 'quit\nn\n', env);
    expect(r.out).toMatch(/Undoing what earlier sessions of this lab changed…\nCleanup:\n {2}✓ rm -rf/);
    expect(r.out).toContain('== Step 1/3: Say hello');
    expect(existsSync(env.SCRATCH)).toBe(false);
  });

  it('reads its line commands from the stdin runCli is given (CliIo.stdin)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-plain-'));
    let out = '';
    const stdout = new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) });
    const code = await runCli(['learn', 'test/fixtures/learn/basics.md'], {
      stdin: Readable.from(['run\n', 'goto 3\n', 'quit\n', 'n\n']),
      stdout,
      stderr: stdout,
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', KUBELAB_STATE_DIR: join(dir, 'state') },
    });
    expect(out).toContain('hello world\n✓ passed');
    expect(out).toContain('== Step 3/3: Count lines');
    expect(out).toContain('Saved at step 3 of 3');
    expect(code).toBe(0);
  });

  it('Ctrl-C (SIGINT) stops the running block, says learn saves without cleanup, keeps the place, exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-plain-'));
    const marker = join(dir, 'cleanup-ran');
    const env = { ...process.env, NO_COLOR: '1', KUBELAB_STATE_DIR: join(dir, 'state') };
    const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli.js'), 'learn', 'test/fixtures/learn/interrupt.md', '--var', `MARKER=${marker}`], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    const closed = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!stdout.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await once(child.stdout, 'data');
    child.stdin.write('goto 2\nrun\n');
    await waitFor('$ sleep 60');
    const interrupted = Date.now();
    child.kill('SIGINT');
    const code = await closed;
    expect(Date.now() - interrupted).toBeLessThan(10_000);
    expect(stderr).toContain('kubelab: SIGINT: leaving the lab; your place is saved and nothing is cleaned up');
    expect(stderr).not.toContain('cleaning up');
    expect(stdout).toContain('Interrupted: saved at step 2;');
    expect(code).toBe(130);
    expect(existsSync(marker)).toBe(false);

    const again = await learn(['test/fixtures/learn/interrupt.md', '--var', `MARKER=${marker}`], 'quit\nn\n', env);
    expect(again.out).toContain('Welcome back: resuming at step 2 of 2');
  }, 60_000);

  it('refuses a missing lab file with exit 2', async () => {
    const r = await runCli(['learn', 'test/fixtures/learn/does-not-exist.md'], { stdout: new Writable({ write: (_c, _e, cb) => cb() }), stderr: new Writable({ write: (_c, _e, cb) => cb() }) });
    expect(r).toBe(2);
  });
});
