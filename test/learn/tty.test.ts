// `kubelab learn` in a real 80x24 terminal (tmux): keys in, screen out; quit halfway, start
// again, and it resumes at the same step. Needs `npm run build` (dist/) and tmux.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TmuxSession, hasTmux } from './tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli.js');

describe.skipIf(!hasTmux)('kubelab learn in a terminal', () => {
  let tmux: TmuxSession;
  let dir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    tmux = new TmuxSession();
    dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-tty-'));
    env = { KUBELAB_STATE_DIR: join(dir, 'state'), SCRATCH: join(dir, 'scratch'), TERM: 'xterm-256color', PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  });
  afterEach(() => {
    tmux.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (lab: string, ...extra: string[]) => tmux.start(['node', CLI, 'learn', lab, ...extra], { env, cwd: ROOT });

  it('runs, checks, hints, moves, quits halfway and resumes at the same step', async () => {
    start('test/fixtures/learn/basics.md');
    let screen = await tmux.waitForText('step 1/3');
    const lines = screen.replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
    expect(screen).toContain('1. Say hello');
    expect(screen).toContain('$ echo "$GREETING world"');
    expect(screen).toMatch(/r run .*q quit/);

    tmux.keys('r');
    screen = await tmux.waitForText('✓ passed');
    expect(screen).toContain('│ hello world');
    expect(screen).toContain('output matches');
    tmux.keys('c');
    await tmux.waitForText('Check passed');

    tmux.keys('Right');
    screen = await tmux.waitForText('step 2/3');
    expect(screen).toContain('2. Make a file');
    expect(screen).toContain('1 check (c), a hint (h), a solution (s)');
    tmux.keys('h');
    screen = await tmux.waitForText('Hint:');
    expect(screen).toContain('# the directory must exist first');
    tmux.keys('c');
    screen = await tmux.waitForText('Check failed');
    expect(screen).toContain('✗ notes-file');
    expect(screen).toMatch(/exited with code 2|exit code/);

    tmux.keys('q');
    await tmux.waitForText('Undo what this lab changed?');
    tmux.keys('n');
    await tmux.waitFor(() => tmux.dead(), 'the program to exit');
    expect(tmux.history()).toContain('Saved at step 2 of 3');

    // Second session: resumes at step 2; do it right, check, finish with cleanup.
    tmux.respawn(['node', CLI, 'learn', 'test/fixtures/learn/basics.md'], { env, cwd: ROOT });
    screen = await tmux.waitForText('step 2/3');
    expect(screen).toContain('Welcome back: resuming at step 2 of 3');
    expect(screen).toContain('2. Make a file');
    tmux.keys('s');
    await tmux.waitForText('Solution:');
    tmux.keys('r');
    await tmux.waitForText('✓ passed');
    expect(existsSync(join(env.SCRATCH!, 'notes.txt'))).toBe(true);
    tmux.keys('c');
    screen = await tmux.waitForText('Check passed');
    expect(screen).toMatch(/step 2\/3 ✓/);
    tmux.keys('q');
    await tmux.waitForText('Undo what this lab changed?');
    tmux.keys('y');
    await tmux.waitFor(() => tmux.dead(), 'the program to exit', 30_000);
    screen = tmux.history();
    expect(screen).toContain('rm -rf');
    expect(screen).toContain('Cleaned up');
    // The lab's Cleanup section removed the scratch directory.
    expect(existsSync(env.SCRATCH!)).toBe(false);
  });

  it('checks pasted output and explains a mismatch line by line; --restart starts over', async () => {
    start('test/fixtures/learn/basics.md');
    await tmux.waitForText('step 1/3');
    tmux.keys('n');
    await tmux.waitForText('step 2/3');
    tmux.keys('n');
    await tmux.waitForText('step 3/3');
    tmux.keys('c');
    await tmux.waitForText('Paste the output of');
    tmux.type('4');
    tmux.keys('Enter', 'Enter');
    let screen = await tmux.waitForText('Check failed');
    expect(screen).toContain('line 1: expected `3`, you got `4`');
    tmux.keys('c');
    await tmux.waitForText('Paste the output of');
    // A real (bracketed) paste, with a trailing newline, then Enter on the empty line.
    tmux.paste('3\n');
    tmux.keys('Enter');
    await tmux.waitForText('Check passed');
    tmux.keys('q');
    await tmux.waitForText('Undo what this lab changed?');
    tmux.keys('Enter');
    await tmux.waitFor(() => tmux.dead(), 'the program to exit');

    tmux.respawn(['node', CLI, 'learn', 'test/fixtures/learn/basics.md', '--restart'], { env, cwd: ROOT });
    screen = await tmux.waitForText('step 1/3');
    expect(screen).not.toContain('Welcome back');
    tmux.keys('q');
    await tmux.waitForText('Undo what this lab changed?');
    tmux.keys('n');
    await tmux.waitFor(() => tmux.dead(), 'the program to exit');
  });

  it('scrolls long prose in 80x24 and pages between steps with the arrow keys', async () => {
    start('test/fixtures/learn/long.md');
    let screen = await tmux.waitForText('step 1/2');
    expect(screen).toContain('↓ more');
    expect(screen).not.toContain('END-OF-PROSE');
    expect(screen.split('\n').every((l) => [...l].length <= 80)).toBe(true);
    tmux.keys('NPage');
    screen = await tmux.waitForText('END-OF-PROSE');
    expect(screen).toMatch(/step 1\/2 · (\d+%|end)/);
    tmux.keys('Home');
    screen = await tmux.waitFor((s) => !s.includes('END-OF-PROSE'), 'scrolling back to the top');
    expect(screen).toContain('Paragraph one');
    tmux.keys('Right');
    await tmux.waitForText('2. Second');
    tmux.keys('Left');
    await tmux.waitForText('1. Read a lot');
    tmux.keys('q');
    await tmux.waitForText('Undo what this lab changed?');
    tmux.keys('n');
    await tmux.waitFor(() => tmux.dead(), 'the program to exit');
  });
});
