// Whether another unfinished run of the same state dir still owns an undo: what lets the
// kubelet-config block tell a backup of another run (refused) from a stale one (moved aside).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Undo } from '../../src/model/undo.js';
import { Journal } from '../../src/engine/journal.js';
import { journalUndoSink } from '../../src/engine/journal-sink.js';
import { lab as makeLab } from './helpers.js';

const d = mkdtempSync(join(tmpdir(), 'kubelab-sink-'));
afterAll(() => rmSync(d, { recursive: true, force: true }));
const stateDir = join(d, 'state');
const lab = (name: string) => {
  const file = join(d, `${name}.md`);
  writeFileSync(file, `# ${name}\n`);
  return { ...makeLab(file, []), id: name };
};
const restore: Undo = { kind: 'restore-file', label: 'restore', node: { transport: 'docker', container: 'w1' }, path: '/c.yaml', backupPath: '/c.yaml.kubelab.bak', sha256: 'ab' };
const isRestore = (u: Undo) => u.kind === 'restore-file' && u.backupPath === '/c.yaml.kubelab.bak';

describe('journalUndoSink.pendingElsewhere', () => {
  it('finds the undo in another unfinished journal of the state dir, not in its own, and not once done', async () => {
    const a = Journal.create(stateDir, lab('a'), { runId: 'ra', cwd: d, vars: {} });
    const b = Journal.create(stateDir, lab('b'), { runId: 'rb', cwd: d, vars: {} });
    const sinkA = journalUndoSink(a);
    const sinkB = journalUndoSink(b);
    expect(sinkB.pendingElsewhere!(isRestore)).toBeUndefined();
    const id = await sinkA.register(restore);
    expect(sinkA.isPending(isRestore)).toBe(true);
    expect(sinkA.pendingElsewhere!(isRestore)).toBeUndefined();
    expect(sinkB.isPending(isRestore)).toBe(false);
    expect(sinkB.pendingElsewhere!(isRestore)).toBe(join(d, 'a.md'));
    a.markUndo(a.stack.entries.find((e) => e.id === id)!, 'done');
    expect(sinkB.pendingElsewhere!(isRestore)).toBeUndefined();
  });

  it('skips a journal it cannot read', () => {
    const c = Journal.create(stateDir, lab('c'), { runId: 'rc', cwd: d, vars: {} });
    writeFileSync(join(stateDir, 'journals', 'broken.json'), '{not json');
    expect(journalUndoSink(c).pendingElsewhere!(isRestore)).toBeUndefined();
  });
});
