// LearnSession on the real engine runtime: a real persistent bash, the engine's executors and
// journal (provider none), progress files in a temp state dir.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/parse.js';
import { openShell } from '../../src/engine/shell.js';
import { EngineRuntime } from '../../src/learn/runtime.js';
import { LearnJournal } from '../../src/learn/journal.js';
import { LearnSession } from '../../src/learn/session.js';
import { findProgress } from '../../src/learn/progress.js';

const FILE = 'test/fixtures/learn/basics.md';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-session-'));
  const stateDir = join(dir, 'state');
  const lab = parseLab(readFileSync(FILE, 'utf8'), FILE);
  const vars = { ...lab.vars, SCRATCH: join(dir, 'scratch') };
  const journal = new LearnJournal(stateDir, lab, process.cwd(), vars);
  const runtime = new EngineRuntime({ lab, openShell, journal, providerOptions: { stateDir }, vars, env: process.env as Record<string, string> });
  const session = new LearnSession({ lab, runtime, stateDir, file: join(process.cwd(), FILE) });
  return { dir, stateDir, lab, vars, journal, session };
}

describe('LearnSession', () => {
  it('runs blocks in one shell, checks with verify blocks, and saves progress per step', async () => {
    const { stateDir, lab, vars, journal, session } = setup();
    try {
      const ran = await session.run();
      expect(ran).toMatchObject({ kind: 'ran', result: { status: 'passed', output: 'hello world\n' }, explanation: [] });
      expect(await session.next()).toBe(true);
      let check = await session.check(async () => undefined);
      expect(check).toMatchObject({ kind: 'check', ok: false });
      expect(session.done.has('make-a-file')).toBe(false);
      await session.run();
      expect(existsSync(join(vars.SCRATCH!, 'notes.txt'))).toBe(true);
      check = await session.check(async () => undefined);
      expect(check).toMatchObject({ kind: 'check', ok: true, lines: [{ ok: true, text: 'notes-file' }] });
      const saved = await findProgress(stateDir, FILE, lab.source);
      expect(saved).toMatchObject({ match: 'exact', progress: { step: 1, stepSlug: 'make-a-file', done: ['make-a-file'] } });
      expect(session.reveal('hint')).toMatchObject({ kind: 'reveal', what: 'hint' });
      expect(session.reveal('solution')).toMatchObject({ kind: 'reveal', blocks: [{ attrs: { solution: true } }] });
      // The journal exists from the first block on; cleanup runs the Cleanup section and removes it.
      expect(journal.exists()).toBe(true);
      const cleanup = await session.cleanup();
      expect(cleanup).toMatchObject({ kind: 'cleanup', results: [{ label: 'rm -rf "${SCRATCH:-/tmp/kubelab-learn-basics}"', status: 'passed' }] });
      expect(existsSync(vars.SCRATCH!)).toBe(false);
      expect(journal.exists()).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('compares pasted output when a step has no verify blocks and explains the mismatch', async () => {
    const { session, stateDir } = setup();
    try {
      await session.goTo(2);
      const bad = await session.check(async () => 'three');
      expect(bad).toEqual({ kind: 'check', ok: false, lines: [{ ok: false, text: "printf 'a\\nb\\nc\\n' | wc -l", detail: ['line 1: expected `3`, you got `three`'] }] });
      const good = await session.check(async () => '3\n');
      expect(good).toMatchObject({ ok: true });
      expect(readdirSync(join(stateDir, 'learn'))).toHaveLength(1);
    } finally {
      await session.close();
    }
  });
});
