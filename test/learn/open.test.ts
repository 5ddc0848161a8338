// A learner session through the package's API (openLearnSession, LearnSession): real bash, no screen.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LearnSession, openLearnSession, parseLab } from '../../src/index.js';

describe('openLearnSession', () => {
  it('runs and checks blocks in the lab\'s shell, keeps progress, and cleans up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-learn-api-'));
    const scratch = join(dir, 'scratch');
    const file = 'test/fixtures/learn/basics.md';
    const lab = parseLab(readFileSync(file, 'utf8'), file);
    const session = openLearnSession(lab, { stateDir: join(dir, 'state'), env: { ...process.env, SCRATCH: scratch } });
    expect(session).toBeInstanceOf(LearnSession);
    try {
      const ran = await session.run();
      expect(ran).toMatchObject({ kind: 'ran', result: { status: 'passed', stdout: 'hello world\n' } });
      expect(await session.next()).toBe(true);
      const before = await session.check(async () => undefined);
      expect(before).toMatchObject({ kind: 'check', ok: false });
      await session.run();
      await session.run();
      expect(await session.check(async () => undefined)).toMatchObject({ kind: 'check', ok: true });
      expect(existsSync(join(scratch, 'notes.txt'))).toBe(true);
      const cleanup = await session.cleanup();
      expect(cleanup.kind).toBe('cleanup');
      expect(existsSync(scratch)).toBe(false);
    } finally {
      await session.close();
    }
  });
});
