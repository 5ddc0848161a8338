// `kubelab grade` and `kubelab report` through the CLI entry point (in-process, real shells).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageError, runCliCaptured } from '../cli/in-process.js';
import { sampleRunReport } from '../html/sample.js';
import { fakeCourse } from './learners.js';

const cli = (argv: string[], env: NodeJS.ProcessEnv = process.env) => runCliCaptured(argv, { env, cwd: process.cwd() });

describe('kubelab grade', () => {
  it('grades a CSV roster, prints a line per learner and writes grades.csv, grades.json and HTML', async () => {
    const course = fakeCourse(['alice', 'bob']);
    writeFileSync(`${course.work('alice')}/greeting.txt`, 'hello\n');
    mkdirSync(`${course.work('alice')}/logs`);
    const roster = join(course.base, 'roster.csv');
    writeFileSync(roster, `learner,kubeconfig,context\nalice,kubeconfig,ctx-alice\nbob,kubeconfig,ctx-bob\nzed,missing.yaml,ctx-zed\n`);
    const out = join(course.base, 'out');
    const r = await cli(['grade', 'test/fixtures/grade/homework.md', '--roster', roster, '--out', out, '--parallel', '2'], { ...process.env, GRADE_BASE: course.base });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // zed could not be graded
    expect(r.stdout).toContain('✓ alice: 4/4');
    expect(r.stdout).toMatch(/• bob: 1\/4\n {4}✗ greeting: exited with code 1, expected 0\n {4}✗ logs-dir: /);
    expect(r.stdout).toMatch(/✗ zed: kubeconfig .*missing\.yaml does not exist/);
    expect(r.stdout).toContain('2 graded, 1 could not be graded.');
    const csv = readFileSync(join(out, 'grades.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('learner,context,status,score,possible,write-the-greeting,tidy-up,error');
    expect(csv[1]).toBe('alice,ctx-alice,graded,4,4,2,2,');
    expect(csv[2]).toBe('bob,ctx-bob,graded,1,4,0,1,');
    const json = JSON.parse(readFileSync(join(out, 'grades.json'), 'utf8'));
    expect(json.learners.map((l: { learner: string; earned: number }) => [l.learner, l.earned])).toEqual([
      ['alice', 4],
      ['bob', 1],
      ['zed', 0],
    ]);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(existsSync(join(out, 'learners', '002-bob.html'))).toBe(true);
  });

  it('exits 0 when every learner was graded (even with low scores), 2 on usage errors', async () => {
    const course = fakeCourse(['alice']);
    const ok = await cli(['grade', 'test/fixtures/grade/homework.md', '--kubeconfig', course.kubeconfig, '--context', 'ctx-alice'], { ...process.env, GRADE_BASE: course.base });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('• ctx-alice: 1/4'); // named after the context; no tmp is the only check that passes
    const none = await cli(['grade', 'test/fixtures/grade/homework.md']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nobody to grade');
    const empty = await cli(['grade', 'test/fixtures/grade/no-checks.md', '--context', 'x']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('has no verify blocks');
  });
});


describe('kubelab grade, bad input', () => {
  it('a roster file that does not exist', async () => {
    const r = await cli(['grade', 'test/fixtures/grade/homework.md', '--roster', 'no/such/roster.csv']);
    expectUsageError(r, /cannot read roster no\/such\/roster\.csv: no such file/);
    expect(r.stdout).toBe('');
  });

  it('a malformed CSV row, with file:line, before grading anyone', async () => {
    const course = fakeCourse(['alice']);
    const roster = join(course.base, 'roster.csv');
    writeFileSync(roster, 'learner,kubeconfig,context\nalice,kubeconfig,ctx-alice\nbob,kubeconfig,ctx-bob,oops\n');
    const r = await cli(['grade', 'test/fixtures/grade/homework.md', '--roster', roster]);
    expectUsageError(r, new RegExp(`${roster.replace(/[.]/g, '\\.')}:3: this row has 4 fields`));
    expect(r.stdout).toBe('');
  });

  it('an --out path that cannot be a directory, before grading anyone', async () => {
    const course = fakeCourse(['alice']);
    writeFileSync(join(course.base, 'a-file'), '');
    const r = await cli(['grade', 'test/fixtures/grade/homework.md', '--kubeconfig', course.kubeconfig, '--context', 'ctx-alice', '--out', join(course.base, 'a-file', 'out')]);
    expectUsageError(r, /cannot write the gradebook to .*a-file\/out: a part of the path is a file/);
    expect(r.stdout).toBe('');
  });
});

describe('kubelab report', () => {
  it('renders a run report JSON to index.html', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-report-'));
    writeFileSync(join(dir, 'run.json'), JSON.stringify(sampleRunReport()));
    const r = await cli(['report', join(dir, 'run.json'), '--html', join(dir, 'html')]);
    expect(r.code).toBe(0);
    const page = readFileSync(join(dir, 'html', 'index.html'), 'utf8');
    expect(page).toContain('id="timeline"');
    const bad = await cli(['report', join(dir, 'nope.json'), '--html', join(dir, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no such file');
  });
});
