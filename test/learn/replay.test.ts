// A resume with no saved shell state replays the earlier steps before the first block; with the
// lab's changes still in place (a journal is left) only shell blocks are replayed, typed ones are
// not made twice. A recording runtime (the pure session logic); tmux covers the real terminal.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/parse.js';
import type { Block } from '../../src/lab/model.js';
import { LearnSession, type LearnRuntime } from '../../src/learn/session.js';

const lab = parseLab(
  `---\ntitle: R\nid: r\ncluster: { provider: kind }\n---\n\n# R\n\n## Set up\n\n\`\`\`sh\nNODE=n1\n\`\`\`\n\n\`\`\`apply\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n\`\`\`\n\n## Use\n\n\`\`\`sh\necho "$NODE"\n\`\`\`\n`,
  'r.md',
);

function runtime(opts: { saved: boolean; pending: boolean }) {
  const ran: string[] = [];
  const rt: LearnRuntime = {
    runBlock: async (_s, b: Block) => {
      ran.push(`${b.kind}:${b.id}`);
      return { kind: b.kind, id: b.id, status: 'passed', durationMs: 1, output: '', stdout: '', stderr: '', timedOut: false, pos: b.pos, attempts: 1 } as never;
    },
    cleanup: async () => [],
    close: async () => undefined,
    hasSavedState: () => opts.saved,
    hasPendingChanges: () => opts.pending,
  };
  return { rt, ran };
}

describe('resume replay', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kubelab-replay-'));
  it('replays shell blocks only while the changes are in place', async () => {
    const { rt, ran } = runtime({ saved: false, pending: true });
    const s = new LearnSession({ lab, runtime: rt, stateDir, startStep: 1 });
    expect(s.willReplay).toBe(true);
    const progress: string[] = [];
    await s.run({ progress: (m) => progress.push(m) });
    expect(ran.map((r) => r.split(':')[0])).toEqual(['sh', 'sh']);
    expect(progress[0]).toContain("your shell's state was not kept: replaying step 1");
  });
  it('replays every block after a cleanup, and nothing when the state was saved', async () => {
    const a = runtime({ saved: false, pending: false });
    await new LearnSession({ lab, runtime: a.rt, stateDir, startStep: 1 }).run();
    expect(a.ran.map((r) => r.split(':')[0])).toEqual(['sh', 'apply', 'sh']);
    const b = runtime({ saved: true, pending: true });
    await new LearnSession({ lab, runtime: b.rt, stateDir, startStep: 1 }).run();
    expect(b.ran.map((r) => r.split(':')[0])).toEqual(['sh']);
  });
});
