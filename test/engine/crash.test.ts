// A run killed with SIGKILL mid-way leaves its journal; finishJournals (`kubelab cleanup`) in
// another process runs its undos LIFO and the lab's Cleanup section. The run happens in a real
// child node process (the sources are transpiled for it, without type checking).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { journalDir } from '../../src/engine/journal.js';
import { finishJournals } from '../../src/engine/finish.js';
import { runLab } from '../../src/engine/runner.js';
import { parseLab } from '../../src/lab/parse.js';
import { shellProcesses, tryKill } from '../../src/engine/procs.js';

const root = join(import.meta.dirname, '..', '..');
let out: string;
let dir: string;

function transpileTree(src: string, dest: string): void {
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    if (entry.isDirectory()) transpileTree(from, join(dest, entry.name));
    else if (entry.name.endsWith('.ts')) {
      const js = ts.transpileModule(readFileSync(from, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: from }).outputText;
      const to = join(dest, relative(src, from).replace(/\.ts$/, '.js'));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, js);
    }
  }
}

beforeAll(() => {
  // Inside the repo, so the child resolves the project's node_modules.
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  out = mkdtempSync(join(root, 'node_modules', '.cache', 'kubelab-crash-'));
  transpileTree(join(root, 'src'), join(out, 'src'));
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-crash-')));
  // Transpiling the whole tree takes seconds, many more on a loaded CI machine.
}, 120_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const LAB = (log: string, started: string) => `---
title: Crash lab
id: crash-lab
---

# Crash lab

## One

\`\`\`sh
echo one
\`\`\`

## Two

\`\`\`sh
echo two
\`\`\`

\`\`\`sh
echo $$ > ${started}.pid; sleep 300 & echo $! > ${started}.bg; touch ${started}; sleep 60
\`\`\`

## Cleanup

\`\`\`sh
echo section >> ${log}
\`\`\`
`;

const CHILD = `
import { readFileSync } from 'node:fs';
import { runLab } from './src/engine/runner.js';
import { shBlock } from './src/blocks/sh.js';
import { parseLab } from './src/lab/parse.js';
const [file, stateDir, log] = process.argv.slice(2);
const lab = parseLab(readFileSync(file, 'utf8'), file);
const registering = async (block, ctx) => {
  await ctx.registerUndo({ kind: 'sh', label: 'undo ' + block.id, command: 'echo ' + block.id + ' >> ' + log, cwd: '/', env: {} });
  return shBlock.execute(block, ctx);
};
await runLab(lab, { stateDir, executors: { sh: registering } });
`;

describe('crash recovery', () => {
  it('finishes the undos and the Cleanup section of a run killed with SIGKILL', async () => {
    const log = join(dir, 'undo.log');
    const started = join(dir, 'started');
    const stateDir = join(dir, 'state');
    const file = join(dir, 'lab.md');
    writeFileSync(file, LAB(log, started));
    writeFileSync(join(out, 'child.mjs'), CHILD);

    const child = spawn(process.execPath, [join(out, 'child.mjs'), file, stateDir, log], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    // A wait, not a speed check: the child loads the engine and runs two steps first (slow under load).
    const deadline = Date.now() + 90_000;
    while (!existsSync(started) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(started), stderr).toBe(true);
    child.kill('SIGKILL');
    await exited;

    // The killed run's shell, its running block and that block's background job live on.
    const shellPid = Number(readFileSync(`${started}.pid`, 'utf8'));
    const bgPid = Number(readFileSync(`${started}.bg`, 'utf8'));
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect([alive(shellPid), alive(bgPid)]).toEqual([true, true]);

    expect(existsSync(log)).toBe(false); // nothing was undone yet
    const journal = JSON.parse(readFileSync(join(journalDir(stateDir), readdirSync(journalDir(stateDir)).find((f) => f.endsWith('.json'))!), 'utf8'));
    expect(journal.undos.map((u: { undo: { label: string } }) => u.undo.label)).toEqual(['undo one/1', 'undo two/1', 'undo two/2']);

    // A new run of the same lab refuses to start...
    const lab = parseLab(readFileSync(file, 'utf8'), file);
    const refused = await runLab(lab, { stateDir });
    expect(refused.error?.code).toBe('dirty-journal');

    // ...`kubelab cleanup` finishes the job: undos last-first, then the Cleanup section.
    const results = await finishJournals({ stateDir });
    expect(results.map((r) => `${r.label}: ${r.status}`)).toEqual(['undo two/2: passed', 'undo two/1: passed', 'undo one/1: passed', `echo section >> ${log}: passed`]);
    expect(readFileSync(log, 'utf8')).toBe('two/2\ntwo/1\none/1\nsection\n');
    expect(readdirSync(journalDir(stateDir))).toEqual([]);
    // `kubelab cleanup` ended them first (they could still have been changing things).
    expect([alive(shellPid), alive(bgPid)]).toEqual([false, false]);
    for (const p of shellProcesses(shellPid)) tryKill(p.pid, 'SIGKILL');
  }, 180_000);
});
