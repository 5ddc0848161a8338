// Grading with real bash shells: each learner's checks run in their own shell with KUBECONFIG
// pointing at a private copy of their context.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/parse.js';
import { openShell } from '../../src/engine/shell.js';
import { gradeLab, gradableSteps } from '../../src/grade/grade.js';
import type { Learner } from '../../src/grade/model.js';
import { lab as handLab, step, attrs } from '../learn/helpers.js';
import { fakeCourse } from './learners.js';

const load = (f: string) => parseLab(readFileSync(f, 'utf8'), f);
const base = { openShell, env: process.env as Record<string, string> };

describe('gradeLab', () => {
  it('scores each learner from points=, explains failures, and turns a missing context or kubeconfig into an error row', async () => {
    const course = fakeCourse(['alice', 'bob']);
    writeFileSync(`${course.work('alice')}/greeting.txt`, 'hello\n');
    mkdirSync(`${course.work('alice')}/logs`);
    writeFileSync(`${course.work('bob')}/greeting.txt`, 'hullo\n');
    mkdirSync(`${course.work('bob')}/logs`);
    mkdirSync(`${course.work('bob')}/tmp`);
    const learners: Learner[] = [
      { name: 'alice', kubeconfig: course.kubeconfig, context: 'ctx-alice' },
      { name: 'bob', kubeconfig: course.kubeconfig, context: 'ctx-bob' },
      { name: 'carol', kubeconfig: course.kubeconfig, context: 'ctx-carol' },
      { name: 'dave', kubeconfig: `${course.base}/nope.yaml`, context: 'ctx-dave' },
    ];
    const seen: string[] = [];
    const gb = await gradeLab(load('test/fixtures/grade/homework.md'), { ...base, learners, env: { ...process.env, GRADE_BASE: course.base }, onLearner: (g) => seen.push(g.learner) });

    expect(gb.steps.map((s) => [s.slug, s.possible])).toEqual([
      ['write-the-greeting', 2],
      ['tidy-up', 2],
    ]);
    expect(gb.possible).toBe(4);
    expect(seen.sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    const [alice, bob, carol, dave] = gb.learners;
    expect([alice!.status, alice!.earned, alice!.possible]).toEqual(['graded', 4, 4]);
    expect([bob!.status, bob!.earned]).toEqual(['graded', 1]);
    expect(bob!.steps.map((s) => s.earned)).toEqual([0, 1]);
    const greeting = bob!.steps[0]!.checks[0]!;
    expect(greeting.status).toBe('failed');
    expect(greeting.explanation).toEqual(['line 1: expected `hello`, you got `hullo`']);
    expect(greeting.output).toBe('hullo\n');
    expect(greeting.diff).toContain('-hello');
    expect(bob!.steps[1]!.checks.map((c) => [c.name, c.status])).toEqual([
      ['logs-dir', 'passed'],
      ['no-tmp', 'failed'],
    ]);
    expect(carol).toMatchObject({ status: 'error', earned: 0, possible: 4, error: { code: 'no-such-context' } });
    expect(carol!.error!.hint).toContain('ctx-alice');
    expect(dave).toMatchObject({ status: 'error', error: { code: 'no-kubeconfig' } });
    // Grading changed nothing it checks.
    expect(readFileSync(`${course.work('bob')}/greeting.txt`, 'utf8')).toBe('hullo\n');
  });

  it('grades at most --parallel learners at once', async () => {
    const names = ['l1', 'l2', 'l3', 'l4'];
    const course = fakeCourse(names);
    const learners = names.map((n) => ({ name: n, kubeconfig: course.kubeconfig, context: `ctx-${n}` }));
    const lab = load('test/fixtures/grade/slow.md');
    const timed = async (parallel: number) => {
      const t = Date.now();
      const gb = await gradeLab(lab, { ...base, learners, parallel });
      expect(gb.learners.every((l) => l.earned === 1)).toBe(true);
      return Date.now() - t;
    };
    const serial = await timed(1);
    const four = await timed(4);
    expect(serial).toBeGreaterThanOrEqual(4 * 600);
    expect(four).toBeLessThan(serial / 2);
  });

  it('runs the checks as --as USER through the private kubeconfig', async () => {
    const course = fakeCourse(['alice']);
    const lab = load('test/fixtures/grade/impersonation.md');
    const learners = [{ name: 'alice', kubeconfig: course.kubeconfig, context: 'ctx-alice' }];
    const as = await gradeLab(lab, { ...base, learners, as: { user: 'jane' } });
    expect(as.as).toBe('jane');
    expect(as.learners[0]!.earned).toBe(1);
    const plain = await gradeLab(lab, { ...base, learners });
    expect(plain.learners[0]!.earned).toBe(0);
    expect(plain.learners[0]!.steps[0]!.checks[0]!.explanation).toEqual(['you got no output at all; expected `jane`']);
  });

  it('reports an unreachable API server quickly as an error row', async () => {
    const course = fakeCourse(['alice']); // server https://127.0.0.1:1: nothing listens
    const t = Date.now();
    const gb = await gradeLab(load('test/fixtures/grade/existing.md'), { ...base, learners: [{ name: 'alice', kubeconfig: course.kubeconfig, context: 'ctx-alice' }], reachTimeoutMs: 3000 });
    expect(Date.now() - t).toBeLessThan(5000);
    expect(gb.learners[0]).toMatchObject({ status: 'error', error: { code: 'unreachable' } });
    expect(gb.learners[0]!.error!.message).toContain('https://127.0.0.1:1');
  });

  it('refuses labs with nothing to grade or with mutating verify blocks', () => {
    expect(() => gradableSteps(load('test/fixtures/grade/no-checks.md'))).toThrow(/has no verify blocks/);
    const apply = { kind: 'apply' as const, id: 's/1', pos: { file: 'lab.md', line: 3 }, attrs: attrs({ verify: true }), yaml: 'kind: Namespace', documents: [] };
    expect(() => gradableSteps(handLab([step(0, 'S', '', [apply])]))).toThrow(expect.objectContaining({ code: 'mutating-verify' }));
  });
});
