// endProcessGroups: a later process ends what a killed run's shell left running (bash, the block
// it ran, background jobs), and never a process that merely got a recorded pid again. The run
// happens in a real child node process (the shell's sources transpiled for it), killed with SIGKILL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { endProcessGroups, listProcs, processStartTime, tryKill, type ShellProcessGroups } from '../../src/engine/procs.js';

const src = join(import.meta.dirname, '..', '..', 'src');
let out: string;

beforeAll(() => {
  out = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-procs-')));
  for (const f of ['engine/shell.ts', 'engine/shell-init.ts', 'engine/procs.ts', 'errors.ts', 'files.ts']) {
    const js = ts.transpileModule(readFileSync(join(src, f), 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const to = join(out, f.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, js);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(out, 'run.js'),
    `import { openShell } from './engine/shell.js';
const sh = await openShell({ cwd: ${JSON.stringify(out)}, env: process.env });
await sh.run('sleep 300 & echo $! > bg.pid');
console.log(JSON.stringify(sh.processGroups()));
void sh.run('sleep 301; echo never > never.txt');
setTimeout(() => console.log('running'), 300);
setInterval(() => {}, 1000);
`,
  );
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

function alive(pid: number): boolean {
  return tryKill(pid, 0);
}

describe.runIf(process.platform === 'linux')('endProcessGroups', () => {
  it("ends a SIGKILLed run's bash, its running block and its background jobs", async () => {
    const child = spawn(process.execPath, [join(out, 'run.js')], { cwd: out, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        text += b.toString();
        if (text.includes('running')) resolve();
      });
      child.once('exit', () => reject(new Error(`child exited early: ${text}`)));
    });
    const id = JSON.parse(text.split('\n')[0]!) as ShellProcessGroups;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const bg = Number(readFileSync(join(out, 'bg.pid'), 'utf8'));
    const session = () => listProcs().filter((p) => p.sid === id.pid);
    // Left behind: bash (running the block), the block's sleep, the background sleep.
    expect(alive(id.pid)).toBe(true);
    expect(alive(bg)).toBe(true);
    expect(session().length).toBeGreaterThanOrEqual(3);
    expect(id.startTime).toBe(processStartTime(id.pid));

    const r = await endProcessGroups(id, { graceMs: 1000 });
    expect(r.found).toBeGreaterThanOrEqual(3);
    expect(r.left).toBe(0);
    expect(alive(id.pid)).toBe(false);
    expect(alive(bg)).toBe(false);
    expect(session()).toEqual([]);
    // Calling it again finds nothing.
    expect(await endProcessGroups([id], { graceMs: 100 })).toEqual({ found: 0, left: 0 });
  }, 60_000);

  it('never signals a pid whose start time or boot differs (a reused pid)', async () => {
    const other = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    try {
      const pid = other.pid!;
      const started = processStartTime(pid)!;
      expect(await endProcessGroups({ pid, startTime: started + 1 }, { graceMs: 100 })).toEqual({ found: 0, left: 0 });
      expect(await endProcessGroups({ pid, startTime: started, bootId: 'another-boot' }, { graceMs: 100 })).toEqual({ found: 0, left: 0 });
      expect(await endProcessGroups({ pid }, { graceMs: 100 })).toEqual({ found: 0, left: 0 });
      expect(alive(pid)).toBe(true);
      // The right identity does end it.
      expect((await endProcessGroups({ pid, startTime: started }, { graceMs: 1000 })).left).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid)).toBe(false);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
