// Stopping a block (abort, timeout) stops it as a whole, wherever bash is in it: no later command
// of the block runs, and the shell keeps its state. Real bash.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openShell } from '../../src/engine/shell.js';
import type { Shell } from '../../src/engine/types.js';

let dir: string;
let sh: Shell;

beforeEach(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-shell-stop-')));
  sh = await openShell({ cwd: dir, env: process.env as Record<string, string>, killGraceMs: 500 });
});
afterEach(async () => {
  await sh.close();
  rmSync(dir, { recursive: true, force: true });
});

const SLOW_TEST_MS = 120_000;

function abortAfter(ms: number): AbortSignal {
  const ac = new AbortController();
  setTimeout(() => ac.abort('SIGINT'), ms);
  return ac.signal;
}

/** Wait a moment, so that a block that went on after the stop would have written its file. */
const settle = () => new Promise((r) => setTimeout(r, 600));

describe('stopping a block inside a command substitution', () => {
  // Each block: a command substitution that is running when the stop comes, then commands that
  // must never run.
  const blocks = {
    assignment: 'X=$(sleep 5; echo v); echo "got $X" > out.txt',
    argument: `printf '%s' "$(sleep 5; echo v)" > out.txt`,
    'two substitutions': `printf '%s %s' "$(sleep 5)" "$(echo second)" > out.txt`,
    'in a function': 'f() { local y; y=$(sleep 5); echo "f $y" > out.txt; }; f; echo after > out2.txt',
    'busy loop in the substitution': 'Y=$(while :; do :; done); echo "got $Y" > out.txt',
    'in a for list': 'for w in $(sleep 5; echo a b); do echo "$w" >> out.txt; done',
  };
  for (const [name, block] of Object.entries(blocks)) {
    it(`abort (${name}): no later command runs, the state is kept`, async () => {
      await sh.run('kept=yes; keptfn() { echo fn; }; mkdir -p sub && cd sub');
      const r = await sh.run(block, { signal: abortAfter(300) });
      expect(r.aborted).toBe(true);
      expect(r.exitCode).toBeNull();
      await settle();
      expect(existsSync(join(dir, 'sub', 'out.txt'))).toBe(false);
      expect(existsSync(join(dir, 'sub', 'out2.txt'))).toBe(false);
      const n = await sh.run('echo "$kept"; keptfn; pwd');
      expect(n.stdout).toBe(`yes\nfn\n${dir}/sub\n`);
    }, SLOW_TEST_MS);
  }

  it('timeout: the same', async () => {
    await sh.run('kept=yes');
    const r = await sh.run('X=$(sleep 5; echo v); echo "got $X" > out.txt', { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.aborted).toBeFalsy();
    await settle();
    expect(existsSync(join(dir, 'out.txt'))).toBe(false);
    expect((await sh.run('echo "$kept"')).stdout).toBe('yes\n');
  }, SLOW_TEST_MS);

  it('a plain foreground command is still stopped without a new shell (background jobs live on)', async () => {
    await sh.run('sleep 30 & bg=$!');
    const r = await sh.run('sleep 100; echo never > out.txt', { signal: abortAfter(300) });
    expect(r.aborted).toBe(true);
    expect(r.notice).toBeUndefined();
    await settle();
    expect(existsSync(join(dir, 'out.txt'))).toBe(false);
    expect((await sh.run('kill -0 $bg && echo alive')).stdout).toBe('alive\n');
  }, SLOW_TEST_MS);

  it('the next block runs normally after a stop', async () => {
    await sh.run('printf "%s" "$(sleep 5)" > out.txt', { signal: abortAfter(300) });
    const n = await sh.run('echo ok; echo ok2 > ok.txt');
    expect(n).toMatchObject({ exitCode: 0, stdout: 'ok\n' });
    expect(readFileSync(join(dir, 'ok.txt'), 'utf8')).toBe('ok2\n');
  }, SLOW_TEST_MS);
});
