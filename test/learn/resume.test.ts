// What learn says on resume and on leaving: where the learner is, what became of the shell, and
// whole commands naming the lab, each line within the width (80 columns, a long lab path too).
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/parse.js';
import { cleanedLines, exitLines, interruptedLines, resumeNotice } from '../../src/learn/resume.js';

const lab = parseLab(`---\ntitle: T\nid: t\ncluster: { provider: none }\n---\n\n# T\n\n## One\n\n\`\`\`sh\necho 1\n\`\`\`\n\n## Two\n\n\`\`\`sh\necho 2\n\`\`\`\n\n## Three\n\n\`\`\`sh\necho 3\n\`\`\`\n`, 'x.md');
const LONG = 'labs/a-course-with-a-rather-long-directory-name/71-node-log-kubelet-authz.md';

describe('resume notice', () => {
  it('says the step, its title and how many are done; restored, replayed, secrets, finished', () => {
    expect(resumeNotice({ lab, startStep: 1, done: ['one'], restored: true, replay: false })).toEqual([
      'Welcome back: resuming at step 2 of 3, "Two" (1 of 3 done).',
      'Your lab shell is as you left it: its variables, functions and working directory are back.',
      '(--restart starts over.)',
    ]);
    expect(resumeNotice({ lab, startStep: 2, done: [], restored: false, replay: true }).join('\n')).toContain('replays steps 1-2 first');
    expect(resumeNotice({ lab, startStep: 1, done: [], restored: true, replay: false, secrets: ['TOKEN'] }).join('\n')).toContain('run the block that sets $TOKEN again');
    expect(resumeNotice({ lab, startStep: 2, done: ['one', 'two', 'three'], restored: true, replay: false })[0]).toBe('Welcome back: you finished this lab (3/3 steps done).');
  });
});

describe('exit lines', () => {
  it('fit 80 columns, name the lab, and never break a command', () => {
    for (const lines of [
      exitLines({ file: LONG, stepIndex: 2, steps: 9, changed: true, width: 80 }),
      cleanedLines({ file: LONG, stepIndex: 2, failed: false, width: 80 }),
      interruptedLines({ file: LONG, stepIndex: 2, width: 80 }),
    ]) {
      expect(lines.every((l) => [...l].length <= 80)).toBe(true);
      // A command too long for a line continues with ` \\`: joined, it is whole.
      expect(lines.join('\n').replace(/ \\\n\s*/g, ' ')).toContain(`  kubelab learn ${LONG}`);
    }
    // Too long for one line: a ` \` continuation between words, the path whole.
    const out = exitLines({ file: LONG, stepIndex: 2, steps: 9, changed: true, width: 80 });
    const at = out.indexOf('  kubelab learn --restart \\');
    expect(at).toBeGreaterThan(0);
    expect(out[at + 1]!.trim()).toBe(LONG);
    expect(exitLines({ file: 'x.md', stepIndex: 0, steps: 3, changed: false, width: 80 })).toEqual(['Saved at step 1 of 3. To resume:', '  kubelab learn x.md']);
  });
});
