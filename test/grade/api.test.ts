// Grading through the package's API (src/index.ts): a CSV roster, gradeLab with its default shell
// and executors, and the gradebook files.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeLab, parseLab, parseRoster, writeGradebook } from '../../src/index.js';
import { fakeCourse } from './learners.js';

describe('grading API', () => {
  it('grades a CSV roster with the default shell and executors and writes the gradebook', async () => {
    const course = fakeCourse(['ann', 'ben']);
    writeFileSync(join(course.work('ann'), 'greeting.txt'), 'hello\n');
    mkdirSync(join(course.work('ann'), 'logs'));
    writeFileSync(join(course.work('ben'), 'greeting.txt'), 'bye\n');
    const rosterFile = join(course.base, 'roster.csv');
    const learners = parseRoster(`learner,kubeconfig,context\nann,kubeconfig,ctx-ann\nben,kubeconfig,ctx-ben\n`, rosterFile);
    expect(learners).toEqual([
      { name: 'ann', kubeconfig: course.kubeconfig, context: 'ctx-ann' },
      { name: 'ben', kubeconfig: course.kubeconfig, context: 'ctx-ben' },
    ]);
    const file = 'test/fixtures/grade/homework.md';
    const gb = await gradeLab(parseLab(readFileSync(file, 'utf8'), file), { learners, env: { ...process.env, GRADE_BASE: course.base } });
    expect(gb.learners.map((l) => [l.learner, l.status, l.earned])).toEqual([
      ['ann', 'graded', 4],
      ['ben', 'graded', 1], // only "no tmp directory" holds
    ]);
    const files = await writeGradebook(join(course.base, 'out'), gb);
    expect(readFileSync(files.csv, 'utf8').split('\n')[1]).toMatch(/^ann,ctx-ann,graded,4,4,/);
    expect(existsSync(files.html)).toBe(true);
  });
});
