// Issue 9 part 4, through a real 80x24 terminal (tmux): resume keeps the lab shell's state (or
// replays and says so), `t` is a prompt in the lab's shell, a step with nothing to check is done
// once run, the completion screen, Esc takes quitting back, the exit line fits and names the lab.
// Needs `npm run build` (dist/) and tmux.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TmuxSession, hasTmux } from './tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli.js');
const LAB = 'test/fixtures/learn/state.md';

const fits = (screen: string) => screen.replace(/\n$/, '').split('\n').every((l) => [...l].length <= 80);

describe.skipIf(!hasTmux)('kubelab learn: issue 9 terminal fixes (tmux 80x24)', () => {
  let tmux: TmuxSession;
  let dir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    tmux = new TmuxSession();
    dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-fix-'));
    env = { KUBELAB_STATE_DIR: join(dir, 'state'), SCRATCH: join(dir, 'scratch'), TERM: 'xterm-256color', PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  });
  afterEach(() => {
    tmux.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (...args: string[]) => tmux.start(['node', CLI, 'learn', LAB, ...args], { env, cwd: ROOT });
  const again = (...args: string[]) => tmux.respawn(['node', CLI, 'learn', LAB, ...args], { env, cwd: ROOT });
  const quitKeeping = async () => {
    tmux.keys('q');
    await tmux.waitForText('Undo what this lab changed?');
    tmux.keys('n');
    await tmux.waitFor(() => tmux.dead(), 'the program to exit');
  };

  it('resume restores variables, working directory and functions; a step with nothing to check is done once run', async () => {
    start();
    await tmux.waitForText('step 1/3');
    tmux.keys('r');
    let screen = await tmux.waitForText('This step is done');
    expect(screen).toMatch(/step 1\/3 ✓/);
    tmux.keys('n');
    await tmux.waitForText('step 2/3');
    // Esc takes the quit question back: still in the lab.
    tmux.keys('q');
    await tmux.waitForText('Esc: stay');
    tmux.keys('Escape');
    screen = await tmux.waitFor((s) => !s.includes('Esc: stay'), 'the question to go');
    expect(screen).toContain('2. Use them');
    await quitKeeping();
    const exit = tmux.history();
    expect(exit).toContain('Saved at step 2 of 3');
    expect(exit).toContain(`kubelab learn ${LAB}`);
    expect(exit).toContain(`kubelab learn --restart ${LAB}`);
    expect(fits(exit)).toBe(true);

    again();
    screen = await tmux.waitForText('step 2/3');
    expect(screen).toContain('Welcome back: resuming at step 2 of 3, "Use them" (1 of 3 done)');
    expect(screen).toContain('Your lab shell is as you left it');
    expect(fits(screen)).toBe(true);
    tmux.keys('r');
    screen = await tmux.waitForText('✓ passed');
    expect(screen).toContain('│ node=node-42 dir=work hi you');
    await quitKeeping();
  });

  it('resume without a saved state (the lab was cleaned up) replays the earlier steps and says so', async () => {
    start();
    await tmux.waitForText('step 1/3');
    tmux.keys('r');
    await tmux.waitForText('This step is done');
    tmux.keys('n');
    await tmux.waitForText('step 2/3');
    tmux.keys('q');
    await tmux.waitForText('Undo what this lab changed?');
    tmux.keys('y');
    await tmux.waitFor(() => tmux.dead(), 'the program to exit', 30_000);

    again();
    let screen = await tmux.waitForText('step 2/3');
    expect(screen).toContain("Your lab shell's state was not kept: the first command you run replays");
    tmux.keys('r');
    screen = await tmux.waitForText('✓ passed');
    expect(screen).toContain('replaying step 1');
    expect(screen).toContain('│ node=node-42 dir=work hi you');
    await quitKeeping();
  });

  it('t is a prompt in the lab shell; what is set there stays; the last check shows the completion screen', async () => {
    start();
    await tmux.waitForText('step 1/3');
    tmux.keys('r');
    await tmux.waitForText('This step is done');
    tmux.keys('n');
    await tmux.waitForText('step 2/3');
    tmux.keys('r');
    await tmux.waitForText('✓ passed');
    tmux.keys('c');
    await tmux.waitForText('Check passed');
    tmux.keys('n');
    let screen = await tmux.waitForText('step 3/3');
    expect(screen).toMatch(/●●◎ 2\/3 done/);
    tmux.keys('c');
    screen = await tmux.waitForText('Check failed');
    // The check's command and output, no authoring hint.
    expect(screen).toContain('test "$COLOR" = blue');
    expect(screen).not.toMatch(/exit=N|add `exit/);
    tmux.keys('t');
    await tmux.waitForText('lab shell');
    tmux.type('echo "at $NODE in $(basename "$PWD")"; COLOR=blue');
    tmux.keys('Enter');
    await tmux.waitForText('at node-42 in work');
    // Ctrl-C at the prompt stops the learner's command, not kubelab.
    tmux.type('sleep 30');
    tmux.keys('Enter');
    await new Promise((r) => setTimeout(r, 300));
    tmux.keys('C-c');
    tmux.type('echo still-$((40+2))');
    tmux.keys('Enter');
    await tmux.waitForText('still-42');
    expect(tmux.dead()).toBe(false);
    tmux.keys('C-d');
    await tmux.waitForText('Back from your prompt');
    tmux.keys('c');
    screen = await tmux.waitForText('Lab complete: 3/3 steps');
    expect(fits(screen)).toBe(true);
    await quitKeeping();
    expect(tmux.history()).toContain('Saved: lab complete (3/3 steps)');
  });
});

describe.skipIf(!hasTmux)('kubelab learn: what a step shows (tmux 80x24)', () => {
  let tmux: TmuxSession;
  let dir: string;
  let env: Record<string, string>;
  const DISPLAY = 'test/fixtures/learn/display.md';

  beforeEach(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    tmux = new TmuxSession();
    dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-show-'));
    env = { KUBELAB_STATE_DIR: join(dir, 'state'), SCRATCH: join(dir, 'scratch'), TERM: 'xterm-256color', PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  });
  afterEach(() => {
    tmux.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = () => tmux.start(['node', CLI, 'learn', DISPLAY], { env, cwd: ROOT });

  it('prose stays by its block; commands get `$` each and `\\` continuations, never a cut word; offered keys only', async () => {
    start();
    const screen = await tmux.waitForText('step 1/3');
    expect(fits(screen)).toBe(true);
    const lines = screen.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    // Each block right after the prose that introduces it.
    expect(at('PROSE-BEFORE-TOKEN')).toBeLessThan(at('1. sh'));
    expect(at('1. sh')).toBeLessThan(at('PROSE-BEFORE-COMMANDS'));
    expect(at('PROSE-BEFORE-COMMANDS')).toBeLessThan(at('2. sh'));
    // The long command: broken between words with ` \`; the next command has its own `$`.
    const first = lines[at('$ echo alpha-one')]!;
    expect(first.trimEnd()).toMatch(/ \\$/);
    const words = 'alpha-one bravo-two charlie-three delta-four echo-five foxtrot-six golf-seven hotel-eight india-nine'.split(' ');
    const shown = lines.slice(at('$ echo alpha-one'), at('$ echo second')).join(' ').replace(/\\/g, ' ').split(/\s+/);
    for (const w of words) expect(shown).toContain(w);
    expect(screen).toContain('    $ echo second');
    expect(screen).not.toMatch(/^\s*> echo second/m);
    // Keys for what the step has: no check, hint or solution here.
    const keys = lines.at(-1) ?? screen.trimEnd().split('\n').at(-1)!;
    expect(screen).toMatch(/r run {2}1-2 pick {2}t shell {2}n next {2}\? keys {2}q quit/);
    expect(keys).not.toMatch(/c check|h hint|s solution/);
    tmux.keys('?');
    const help = await tmux.waitForText('Any key closes this list');
    for (const k of ['1-9', 'PgUp PgDn', 'Home End', 'Ctrl-L', 'Ctrl-C', 'Esc']) expect(help).toContain(k);
    expect(fits(help)).toBe(true);
  });

  it('long output is never cut (every prefix counted); retries show as they happen; a running block shows its time; Ctrl-C shows it stopped', async () => {
    start();
    await tmux.waitForText('step 1/3');
    tmux.keys('r');
    const screen = await tmux.waitForText('✓ passed');
    expect(fits(screen)).toBe(true);
    const token = screen
      .split('\n')
      .filter((l) => l.startsWith('│ '))
      .map((l) => l.slice(2))
      .join('');
    expect(token).toBe('A'.repeat(945) + 'Z');

    tmux.keys('n');
    await tmux.waitForText('step 2/3');
    tmux.keys('r');
    // A progress line is on the screen while the block is still running.
    await tmux.waitFor((s) => s.includes('not yet') && s.includes('Running 1. sh'), 'a retry line during the run');
    let s2 = await tmux.waitForText('✓ passed');
    expect(s2.match(/· .*not yet.*retrying in/g)?.length).toBe(2);
    tmux.keys('r');
    await tmux.waitForText('│ waiting');
    await tmux.waitFor((s) => /Running 2\. sh… [1-9]\d*s/.test(s), 'the elapsed time');
    tmux.keys('C-c');
    s2 = await tmux.waitForText('■ stopped after');
    expect(s2).toContain('2. sh ■ stopped');
    expect(s2).toContain('│ waiting');
    expect(s2).not.toMatch(/Terminated|✗ failed/);

    // A failed check: its command and its output, no author's hint. Then cleanup as it happens.
    tmux.keys('n', 'c');
    const s3 = await tmux.waitForText('Check failed');
    expect(s3).toContain('$ cat "$SCRATCH/greeting"');
    expect(s3).toMatch(/│ cat: .*greeting: No such file/);
    expect(s3).not.toMatch(/hint: |exit=N/);
    tmux.keys('q', 'y');
    await tmux.waitForText('cleaning up: 1 item');
    await tmux.waitFor(() => tmux.dead(), 'the program to exit', 30_000);
    const out = tmux.history();
    expect(out).toContain(`kubelab learn --restart ${DISPLAY}`);
    expect(fits(out)).toBe(true);
  });
});
