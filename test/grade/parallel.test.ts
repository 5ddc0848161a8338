// Grading runs learners side by side up to --parallel, with real bash. Timing-independent: a check
// that waits for every other learner's marker passes only when they all run at once; a slot
// counter (mkdir locks) shows that no more than --parallel run at once.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/parse.js';
import { openShell } from '../../src/engine/shell.js';
import { gradeLab } from '../../src/grade/grade.js';
import { fakeCourse } from './learners.js';

function labOf(check: string): ReturnType<typeof parseLab> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-grade-par-'));
  const file = join(dir, 'lab.md');
  writeFileSync(file, `---\ntitle: Parallel\nid: parallel\ncluster: { provider: none }\n---\n\n# Parallel\n\n## Check\n\n\`\`\`sh {verify name=together}\n${check}\n\`\`\`\n`);
  return parseLab(readFileSync(file, 'utf8'), file);
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `l${i + 1}`);

describe('grading in parallel', () => {
  it('grades --parallel learners at the same time (each check waits for all of them to start)', async () => {
    const learners = names(4);
    const course = fakeCourse(learners);
    const lab = labOf(`touch "$BASE/started-$KUBELAB_LEARNER"
for _ in $(seq 300); do [ "$(ls "$BASE" | grep -c '^started-')" -ge 4 ] && exit 0; sleep 0.05; done
echo "not all learners started" >&2; exit 1`);
    const spawned: string[] = [];
    const gb = await gradeLab(lab, {
      learners: learners.map((name) => ({ name, kubeconfig: course.kubeconfig, context: `ctx-${name}` })),
      parallel: 4,
      env: { ...(process.env as Record<string, string>), BASE: course.base },
      openShell: (o) => (spawned.push(o.env.KUBELAB_LEARNER!), openShell(o)),
    });
    expect(gb.learners.map((l) => `${l.learner}: ${l.status} ${l.earned}/${l.possible}`)).toEqual(learners.map((l) => `${l}: graded 1/1`));
    // One shell (one process of ours) per learner.
    expect(spawned.sort()).toEqual(learners);
  });

  it('never runs more than --parallel learners at once', async () => {
    const learners = names(6);
    const course = fakeCourse(learners);
    // Take a free slot (of 3) or record an overlap; hold it a little; give it back.
    const lab = labOf(`slot=
for i in 1 2; do mkdir "$BASE/slot-$i" 2>/dev/null && { slot=$i; break; }; done
[ -n "$slot" ] || echo "$KUBELAB_LEARNER" >> "$BASE/over"
sleep 0.2
[ -n "$slot" ] && rmdir "$BASE/slot-$slot"
true`);
    const gb = await gradeLab(lab, {
      learners: learners.map((name) => ({ name, kubeconfig: course.kubeconfig, context: `ctx-${name}` })),
      parallel: 2,
      env: { ...(process.env as Record<string, string>), BASE: course.base },
      openShell,
    });
    expect(gb.learners.every((l) => l.status === 'graded')).toBe(true);
    expect(() => readFileSync(join(course.base, 'over'), 'utf8')).toThrow();
  });
});
