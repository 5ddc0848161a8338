// `kubelab learn DIR` on a course of two provider:none labs, line mode (as scripts and screen
// readers use it): the course index shows each lab's progress, a number opens a lab, Enter the
// next unfinished one, leaving a lab comes back to the index with its progress, and a second
// session finds the same progress on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { ROOT } from '../cli/built-cli.js';

const COURSE = 'test/fixtures/course';
const stateDir = mkdtempSync(join(tmpdir(), 'kubelab-learn-course-'));

/** Run `kubelab learn COURSE --plain`, answering each prompt in turn: [what to wait for, the line to send]. */
async function learnCourse(script: [RegExp, string][]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdin = new PassThrough();
  let stdout = '';
  let stderr = '';
  let seen = 0;
  let step = 0;
  const feed = () => {
    while (step < script.length) {
      const [wait, line] = script[step]!;
      const m = wait.exec(stdout.slice(seen));
      if (!m) return;
      seen += m.index + m[0].length;
      step++;
      stdin.write(line + '\n');
    }
    stdin.end();
  };
  const code = await runCli(['learn', COURSE, '--plain', '--state-dir', stateDir], {
    stdin,
    stdout: new Writable({ write: (c, _e, cb) => ((stdout += String(c)), setImmediate(feed), cb()) }),
    stderr: new Writable({ write: (c, _e, cb) => ((stderr += String(c)), cb()) }),
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', KUBELAB_STATE_DIR: stateDir },
    isTTY: false,
  });
  expect(step, `every answer was asked for; output:\n${stdout}${stderr}`).toBe(script.length);
  return { code, stdout, stderr };
}

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('kubelab learn DIR: the course index', () => {
  it('opens labs from the index and shows each lab\'s progress when the learner comes back', async () => {
    const r = await learnCourse([
      [/course> /, '1'],
      [/> /, 'run'],
      [/> /, 'check'],
      [/> /, 'quit'],
      [/\[y\/N\] /, 'y'],
      [/course> /, ''],
      [/> /, 'run'],
      [/> /, 'check'],
      [/> /, 'quit'],
      [/\[y\/N\] /, 'n'],
      [/course> /, 'nine'],
      [/course> /, 'quit'],
    ]);
    expect(r.code).toBe(0);
    const indexes = r.stdout.split(/^A small course · 2 labs$/m).slice(1);
    expect(indexes).toHaveLength(3);
    // At first: nothing done, Enter opens lab 1.
    expect(indexes[0]).toMatch(/1\. Greetings\n\s+\[-{10}\] 0\/1 steps done · not started/);
    expect(indexes[0]).toMatch(/2\. Counting to three\n\s+\[-{10}\] 0\/2 steps done · not started/);
    expect(indexes[0]).toContain('Enter: lab 1');
    // Lab 1 done and cleaned up; Enter now opens lab 2, the next unfinished one.
    expect(indexes[1]).toMatch(/✓ 1\. Greetings\n\s+\[#{10}\] 1\/1 steps done · complete\n/);
    expect(indexes[1]).toContain('Enter: lab 2');
    expect(r.stdout).toContain('== Step 1/2: Count to three');
    // Lab 2 left half done, without cleanup: the index says so.
    expect(indexes[2]).toMatch(/2\. Counting to three\n\s+\[#{5}-{5}\] 1\/2 steps done · in progress: step 1 of 2 · cleanup pending/);
    expect(r.stdout).toContain('Unknown choice `nine`: a lab number (1-2), Enter, or quit.');
    // No shared cluster in a course without kind labs: nothing about one.
    expect(r.stdout).not.toContain('kind cluster');
    expect(r.stderr).toBe('');
  });

  it('a new session finds the same progress, and a number opens that lab where the learner left it', async () => {
    const r = await learnCourse([
      [/course> /, '2'],
      [/> /, 'next'],
      [/> /, 'run'],
      [/> /, 'check'],
      [/> /, 'quit'],
      [/\[y\/N\] /, 'y'],
      [/course> /, 'quit'],
    ]);
    expect(r.code).toBe(0);
    const indexes = r.stdout.split(/^A small course · 2 labs$/m).slice(1);
    expect(indexes[0]).toMatch(/1\/2 steps done · in progress: step 1 of 2 · cleanup pending/);
    expect(r.stdout).toContain('Welcome back');
    expect(indexes[1]).toMatch(/✓ 2\. Counting to three\n\s+\[#{10}\] 2\/2 steps done · complete\n/);
    expect(indexes[1]).not.toContain('cleanup pending');
  });
});
