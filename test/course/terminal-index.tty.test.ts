// `kubelab learn DIR` in a real 80x24 terminal (tmux): the course index, a lab opened with its
// number key, checked and left with cleanup, and the index again with the lab done and Enter on
// the next one; q leaves the course. Needs `npm run build` (dist/) and tmux.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TmuxSession, hasTmux } from '../learn/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli.js');

describe.skipIf(!hasTmux)('the course index in a terminal', () => {
  let tmux: TmuxSession;
  let dir: string;

  beforeEach(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    tmux = new TmuxSession();
    dir = mkdtempSync(join(tmpdir(), 'kubelab-course-tty-'));
  });
  afterEach(() => {
    tmux.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a lab with its number key and comes back to the index with its progress', async () => {
    const env = { KUBELAB_STATE_DIR: join(dir, 'state'), TERM: 'xterm-256color', PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
    tmux.start(['node', CLI, 'learn', 'test/fixtures/course'], { env, cwd: ROOT });
    let screen = await tmux.waitForText('q: quit');
    expect(screen.split('\n').every((l) => [...l].length <= 80)).toBe(true);
    expect(screen).toMatch(/› 1\. Greetings\n\s+\[-{10}\] 0\/1 steps done · not started/);
    expect(screen).toContain('1-2: open a lab · Enter: lab 1 · q: quit');

    tmux.keys('1');
    await tmux.waitForText('step 1/1');
    tmux.keys('r');
    await tmux.waitForText('output matches');
    tmux.keys('c');
    await tmux.waitForText('Check passed');
    tmux.keys('q');
    await tmux.waitForText('Undo what this lab changed?');
    tmux.keys('y');
    screen = await tmux.waitForText('Enter: lab 2');
    expect(screen).toMatch(/✓ 1\. Greetings\n\s+\[#{10}\] 1\/1 steps done · complete/);
    expect(screen).toMatch(/› 2\. Counting to three/);

    tmux.keys('q');
    await tmux.waitFor(() => tmux.dead(), 'the course to end');
  });
});
