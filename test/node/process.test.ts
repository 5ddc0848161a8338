// The process layer (zx underneath) with real processes: exit codes, argv kept intact, stdin,
// missing programs, timeouts and aborts.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainExitCode, formatArgv, ProcessError, runProcess, runProcessOrThrow } from '../../src/node/process.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runProcess', () => {
  it('runs true and false and reports exit code, signal, duration', async () => {
    const ok = await runProcess(['true']);
    expect(ok).toMatchObject({ argv: ['true'], exitCode: 0, signal: null, timedOut: false });
    expect(ok.stdout.length + ok.stderr.length).toBe(0);
    expect(ok.duration).toBeGreaterThanOrEqual(0);
    expect((await runProcess(['false'])).exitCode).toBe(1);
  });

  it('passes every argument as is: spaces, quotes, $(), globs, newlines, empty strings', async () => {
    const args = ['a b', "it's", '$(echo no)', '`x`', '*', 'two\nlines', '', '-n', '"dq"', '\\back', ';', '|', 'é'];
    const r = await runProcess(['sh', '-c', 'printf "%s|" "$@"; echo err >&2; exit 3', 'sh', ...args]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.toString()).toBe(args.map((a) => `${a}|`).join(''));
    expect(r.stderr.toString()).toBe('err\n');
  });

  it('says which program is missing, with 127, rather than running a shell error', async () => {
    const err = await runProcess(['kubelab-no-such-tool', '--version']).catch((e) => e);
    expect(err).toBeInstanceOf(ProcessError);
    expect(err.code).toBe('command-not-found');
    expect(err.commandExitCode).toBe(127);
    expect(err.message).toBe('`kubelab-no-such-tool --version` cannot run: kubelab-no-such-tool is not installed (not found in PATH)');
  });

  it('treats a path that is not executable as missing, and runs a relative path from cwd', async () => {
    const script = join(dir, 'tool.sh');
    writeFileSync(script, '#!/bin/sh\necho "tool in $(pwd)"\n');
    expect((await runProcess([script]).catch((e) => e)).code).toBe('command-not-found');
    chmodSync(script, 0o755);
    const r = await runProcess(['./tool.sh'], { cwd: dir });
    expect(r.stdout.toString().trim()).toBe(`tool in ${dir}`);
  });

  it('a program that itself exits 127 is a result, not a missing program', async () => {
    const r = await runProcess(['sh', '-c', 'exit 127']);
    expect(r.exitCode).toBe(127);
  });

  it('gives stdin input, text or bytes, and /dev/null without it', async () => {
    expect((await runProcess(['cat'], { input: 'hello\n' })).stdout.toString()).toBe('hello\n');
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(Buffer.compare((await runProcess(['cat'], { input: bytes })).stdout, bytes)).toBe(0);
    // Empty input is end of input at once, not a stdin left open.
    expect((await runProcess(['cat'], { input: '', timeoutMs: 5_000 })).timedOut).toBe(false);
    const noInput = await runProcess(['cat'], { timeoutMs: 5_000 });
    expect(noInput).toMatchObject({ exitCode: 0, timedOut: false });
  });

  it('survives a program that exits without reading a large input', async () => {
    const r = await runProcess(['true'], { input: Buffer.alloc(8 * 1024 * 1024, 'x') });
    expect(r.exitCode).toBe(0);
  });

  it('keeps multi-byte characters that straddle output chunks', async () => {
    const r = await runProcess([process.execPath, '-e', 'process.stdout.write("é€".repeat(200_000))']);
    expect(r.stdout.toString()).toBe('é€'.repeat(200_000));
  });

  it('uses the environment it is given', async () => {
    const r = await runProcess(['sh', '-c', 'echo "$KUBELAB_PROC_TEST"'], { env: { PATH: process.env.PATH, KUBELAB_PROC_TEST: 'from env' } });
    expect(r.stdout.toString()).toBe('from env\n');
  });

  it('kills a program that outlives timeoutMs and says it timed out', async () => {
    const t0 = Date.now();
    const r = await runProcess(['sleep', '30'], { timeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r).toMatchObject({ timedOut: true, signal: 'SIGKILL', exitCode: 137 });
    const err = await runProcessOrThrow(['sleep', '30'], { timeoutMs: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(ProcessError);
    expect(err.code).toBe('command-timed-out');
    expect(err.message).toBe('`sleep 30` timed out after 200ms');
  });

  it('on abort sends SIGTERM to the program itself and settles only once it has exited', async () => {
    const marker = join(dir, 'term-handled');
    // The trap takes a while to finish: the promise must not settle before it has.
    const script = `trap 'kill $! 2>/dev/null; sleep 0.5; echo done > "$1"; exit 0' TERM; sleep 30 & wait`;
    const ac = new AbortController();
    const p = runProcess(['sh', '-c', script, 'sh', marker], { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop now')), 300);
    const t0 = Date.now();
    await expect(p).rejects.toThrow('stop now');
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(existsSync(marker)).toBe(true);
  });

  it('kills a program that ignores SIGTERM after the grace time', async () => {
    const ac = new AbortController();
    const p = runProcess(['sh', '-c', "trap '' TERM; exec sleep 30"], { signal: ac.signal, killGraceMs: 300 });
    setTimeout(() => ac.abort(), 300);
    const t0 = Date.now();
    const err = await p.catch((e) => e);
    expect(err.name).toBe('AbortError');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('does not start anything when the signal is already aborted', async () => {
    const marker = join(dir, 'should-not-exist');
    const err = await runProcess(['touch', marker], { signal: AbortSignal.abort(new Error('too late')) }).catch((e) => e);
    expect(err.message).toBe('too late');
    expect(existsSync(marker)).toBe(false);
  });

  it('passes stderr lines as they come, without ANSI sequences or blank lines', async () => {
    const lines: string[] = [];
    const r = await runProcess(['sh', '-c', 'printf "one\\r\\n\\033[32m two \\033[0m\\n\\n" >&2; sleep 0.1; printf "three" >&2'], { onStderrLine: (l) => lines.push(l) });
    expect(lines).toEqual(['one', 'two', 'three']);
    expect(r.stderr.toString()).toContain('three');
  });

  it('passes stdout lines too, and keeps stdin open while an input stream is', async () => {
    const input = new PassThrough();
    const lines: string[] = [];
    const p = runProcess(['sh', '-c', 'echo ready; cat; echo bye'], { input, onStdoutLine: (l) => lines.push(l) });
    await vi.waitFor(() => expect(lines).toEqual(['ready']));
    input.write('fed later\n');
    await vi.waitFor(() => expect(lines).toEqual(['ready', 'fed later']));
    input.end();
    const r = await p;
    expect(r.exitCode).toBe(0);
    expect(lines).toEqual(['ready', 'fed later', 'bye']);
  });

  describe('processGroup', () => {
    const bgScript = (pidFile: string) => `sleep 60 & echo $! > ${pidFile}; wait`;

    it('an abort stops the whole group: a script and what it started in the background', async () => {
      const pidFile = join(dir, 'group-abort.pid');
      const ac = new AbortController();
      const p = runProcess(['bash', '-c', bgScript(pidFile)], { signal: ac.signal, processGroup: true });
      await vi.waitFor(() => expect(existsSync(pidFile)).toBe(true));
      const bg = Number(readFileSync(pidFile, 'utf8'));
      ac.abort(new Error('stop'));
      await expect(p).rejects.toThrow('stop');
      await vi.waitFor(() => expect(running(bg)).toBe(false));
    });

    it('a timeout kills the whole group', async () => {
      const pidFile = join(dir, 'group-timeout.pid');
      const r = await runProcess(['bash', '-c', bgScript(pidFile)], { timeoutMs: 500, processGroup: true });
      expect(r.timedOut).toBe(true);
      const bg = Number(readFileSync(pidFile, 'utf8'));
      await vi.waitFor(() => expect(running(bg)).toBe(false));
    });

    it('an abort before the program starts starts nothing', async () => {
      const marker = join(dir, 'group-not-started');
      await expect(runProcess(['touch', marker], { signal: AbortSignal.abort(new Error('early')), processGroup: true })).rejects.toThrow('early');
      expect(existsSync(marker)).toBe(false);
    });
  });

  it('leaves zx global settings alone', async () => {
    const { $ } = await import('zx/core');
    const before = { verbose: $.verbose, quiet: $.quiet, shell: $.shell, prefix: $.prefix, nothrow: $.nothrow, timeout: $.timeout };
    await runProcess(['true']);
    await runProcess(['false']);
    expect({ verbose: $.verbose, quiet: $.quiet, shell: $.shell, prefix: $.prefix, nothrow: $.nothrow, timeout: $.timeout }).toEqual(before);
  });
});

describe('runProcessOrThrow', () => {
  it('says which command failed, its exit code explained and the tail of stderr', async () => {
    const script = 'for i in $(seq 30); do echo "line $i"; done >&2; exit 126';
    const err = await runProcessOrThrow(['sh', '-c', script, 'my script']).catch((e) => e);
    expect(err).toBeInstanceOf(ProcessError);
    expect(err.code).toBe('command-failed');
    expect(err.commandExitCode).toBe(126);
    const tail = Array.from({ length: 10 }, (_, i) => `line ${i + 21}`).join('\n');
    expect(err.message).toBe(`\`sh -c '${script}' 'my script'\` exited with 126 (command not executable):\n${tail}`);
    expect(err.stderrTail).toBe(tail);
  });

  it('returns the result when the program succeeds', async () => {
    expect((await runProcessOrThrow(['echo', 'ok'])).stdout.toString()).toBe('ok\n');
  });
});

describe('explainExitCode and formatArgv', () => {
  it('explains the shell codes and deaths by signal', () => {
    expect(explainExitCode(0)).toBe('0');
    expect(explainExitCode(1)).toBe('1');
    expect(explainExitCode(127)).toBe('127 (command not found)');
    expect(explainExitCode(126)).toBe('126 (command not executable)');
    expect(explainExitCode(130)).toBe('130 (interrupted)');
    expect(explainExitCode(137)).toBe('137 (killed)');
    expect(explainExitCode(143)).toBe('143 (terminated)');
    expect(explainExitCode(141)).toBe('141 (SIGPIPE)');
  });
  it('quotes only what needs it', () => {
    expect(formatArgv(['kind', 'create', 'cluster', '--name', 'a b', "it's"])).toBe(`kind create cluster --name 'a b' 'it'\\''s'`);
  });
});

/** Whether a process runs (a zombie waiting for its parent does not). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
