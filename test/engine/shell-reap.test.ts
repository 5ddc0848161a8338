// Closing shells reaps what they left running (background jobs, double-forked ones too), also when
// several close together and share one scan of the process table (a grading closes many).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openShell } from '../../src/engine/shell.js';
import { shellProcessesShared, tryKill } from '../../src/engine/procs.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-reap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir });

describe.runIf(process.platform === 'linux')('reaping closed shells', () => {
  it('callers in one window share a scan, and each sees the processes of its own session', async () => {
    const a = spawn('bash', ['-c', 'sleep 30 & sleep 31'], { detached: true, stdio: 'ignore' });
    const b = spawn('bash', ['-c', 'sleep 32 & wait'], { detached: true, stdio: 'ignore' });
    try {
      // The processes exist before the ask: the shared scan (started after it) must see them.
      await new Promise((r) => setTimeout(r, 300));
      const [ofA, ofB] = await Promise.all([shellProcessesShared(a.pid!, 30), shellProcessesShared(b.pid!, 30)]);
      expect(ofA.length).toBe(2);
      expect(ofA.every((p) => p.sid === a.pid && p.pid !== a.pid)).toBe(true);
      expect(ofB.map((p) => p.sid)).toEqual([b.pid]);
    } finally {
      tryKill(-a.pid!, 'SIGKILL');
      tryKill(-b.pid!, 'SIGKILL');
    }
  });

  it('shells closed together stop what each left running', async () => {
    const shells = await Promise.all([0, 1, 2].map(() => openShell({ cwd: dir, env: env(), reapShareMs: 20 })));
    const pids: number[] = [];
    for (const [i, sh] of shells.entries()) {
      // A plain background job, and one that left its parent (double fork, reparented).
      await sh.run(`sleep 300 & echo $! > ${i}.bg; (sleep 301 & echo $! > ${i}.orphan)`);
      pids.push(Number(readFileSync(join(dir, `${i}.bg`), 'utf8')), Number(readFileSync(join(dir, `${i}.orphan`), 'utf8')));
    }
    expect(pids.every((p) => tryKill(p, 0))).toBe(true);
    await Promise.all(shells.map((sh) => sh.close()));
    // SIGTERM, then what is left SIGKILLed: gone (zombies of a reaped parent are gone too).
    const end = Date.now() + 3000;
    while (pids.some((p) => tryKill(p, 0)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter((p) => tryKill(p, 0))).toEqual([]);
  });
});
