// A typed block's result is what the learner sees of it: a check on an access-review block shows
// its rows (passed or not), and a failed sh check shows its command and what it printed, never an
// author's hint. The engine runtime with the access-review executor replaced (no cluster here).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/parse.js';
import { openShell } from '../../src/engine/shell.js';
import { EngineRuntime } from '../../src/learn/runtime.js';
import { LearnJournal } from '../../src/learn/journal.js';
import { LearnSession } from '../../src/learn/session.js';
import { formatNote } from '../../src/learn/notes.js';
import { makeStyle, stripAnsi } from '../../src/learn/text.js';

const LAB = `---
title: Typed checks
id: typed-checks
cluster: { provider: none }
---

# Typed checks

## Who may do what

\`\`\`access-review { as=system:serviceaccount:kauthz:metrics-reader verb=get resource=nodes verify }
metrics yes
proxy   no
\`\`\`

\`\`\`sh { verify name=has-file }
echo "looking for it"; test -e /nonexistent/kubelab-file
\`\`\`
`;

describe('a check shows what its blocks did', () => {
  it('access-review rows and a failed command with its output; no authoring hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-typed-'));
    const stateDir = join(dir, 'state');
    const lab = parseLab(LAB, join(dir, 'typed.md'));
    const journal = new LearnJournal(stateDir, lab, dir, {});
    const runtime = new EngineRuntime({
      lab,
      openShell,
      journal,
      providerOptions: { stateDir },
      vars: {},
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      cwd: dir,
      executors: {
        'access-review': async () => ({ status: 'failed', command: 'access-review get nodes', output: 'metrics yes\nproxy   yes\n', stdout: 'metrics yes\nproxy   yes\n', stderr: '', timedOut: false, expected: 'metrics yes\nproxy   no\n', message: '1 of 2 answers differ: proxy: expected no, got yes', hint: 'add exit=N to the block', durationMs: 5 }),
      },
    });
    const session = new LearnSession({ lab, runtime, stateDir, file: lab.file });
    try {
      const note = await session.check(async () => undefined);
      const text = stripAnsi(formatNote(note, makeStyle(false), 80).join('\n'));
      expect(text).toContain('✗ Check failed');
      expect(text).toContain('│ metrics yes');
      expect(text).toContain('│ proxy   yes');
      expect(text).toContain('$ echo "looking for it"; test -e /nonexistent/kubelab-file');
      expect(text).toContain('│ looking for it');
      expect(text).not.toMatch(/hint:|exit=N/);
      expect(text.split('\n').every((l) => [...l].length <= 80)).toBe(true);
    } finally {
      await session.close();
    }
  });
});
