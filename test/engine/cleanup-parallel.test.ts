// The cleanup phase runs undos on independent targets at the same time, keeps last-first order on
// one target, and keeps shell-run items (`{cleanup}` blocks, sh undos, the Cleanup section) in
// their place relative to everything. Real processes: the undos are real `restore-file` handlers
// whose `docker exec` is a bash script that runs the command here (files in a temp dir stand for
// the node's), logs what it does, and can wait for another node's marker. No assertion depends
// on timing: two undos that each wait for the other's marker pass only if they run together; a
// `mkdir` lock reports any overlap on one target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import type { Undo } from '../../src/model/undo.js';
import { Journal, journalDir } from '../../src/engine/journal.js';
import { runCleanupPhase } from '../../src/engine/cleanup-phase.js';
import { finishJournal } from '../../src/engine/finish.js';
import { openShell } from '../../src/engine/shell.js';
import { Redactor } from '../../src/engine/redact.js';
import { journalUndoSink } from '../../src/engine/journal-sink.js';
import { SERIAL, targetsMeet, undoTarget } from '../../src/engine/undo.js';
import { lab as makeLab, sh } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
let dir: string;
let n = 0;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-cleanup-par-')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A fresh case: a directory, a fake docker and a journal. The fake docker runs
 * `exec [-i] CONTAINER ARGV...` as ARGV here and logs `start C PATH` / `end C PATH`; with a file
 * `wait-C` holding another container's name it first waits (up to 20 s) for that container's
 * `started-` marker; with a file `hold` it stops before acting, and gives up without acting once `hold` is gone.
 */
function setup() {
  const d = join(dir, `case-${++n}`);
  mkdirSync(d);
  const docker = join(d, 'docker');
  writeFileSync(
    docker,
    `#!/bin/bash
d=${JSON.stringify(d)}
[ "$1" = exec ] || { echo "fake docker: $*" >&2; exit 97; }
shift; [ "$1" = -i ] && shift
c=$1; shift
p=\${@: -2:1}
echo "start $c $(basename "$p")" >> "$d/log"
touch "$d/started-$c"
if [ -f "$d/wait-$c" ]; then
  other=$(cat "$d/wait-$c")
  for _ in $(seq 200); do [ -e "$d/started-$other" ] && break; sleep 0.1; done
  [ -e "$d/started-$other" ] || { echo "$c: $other never started" >&2; exit 1; }
fi
if [ -f "$d/hold" ]; then touch "$d/held-$c"; while [ -f "$d/hold" ]; do sleep 0.1; done; exit 1; fi
mkdir "$d/busy-$c" 2>/dev/null || echo "overlap $c" >> "$d/log"
"$@"; rc=$?
sleep 0.05
rmdir "$d/busy-$c" 2>/dev/null
echo "end $c $(basename "$p")" >> "$d/log"
exit $rc
`,
  );
  chmodSync(docker, 0o755);
  const labFile = join(d, 'lab.md');
  writeFileSync(labFile, '# lab\n');
  const lab = makeLab(labFile, [], { cleanupBlocks: [sh(`echo "section" >> ${JSON.stringify(join(d, 'log'))}`)] });
  const stateDir = join(d, 'state');
  const journal = Journal.create(stateDir, lab, { runId: `r${n}`, cwd: d, vars: {} });
  const tools = { docker, ssh: 'ssh', kind: 'kind', kubectl: 'kubectl' };
  /** A file "on" a node, with the backup a restore-file undo puts back. */
  const restore = (container: string, name: string): Undo => {
    const path = join(d, `${container}-${name}`);
    writeFileSync(path, 'changed\n');
    writeFileSync(`${path}.bak`, `original ${name}\n`);
    return { kind: 'restore-file', label: `restore ${name} on ${container}`, node: { transport: 'docker', container }, path, backupPath: `${path}.bak` };
  };
  const shUndo = (word: string): Undo => ({ kind: 'sh', label: `sh ${word}`, command: `echo "sh ${word}" >> ${JSON.stringify(join(d, 'log'))}`, cwd: d, env: {} });
  const log = () => (existsSync(join(d, 'log')) ? readFileSync(join(d, 'log'), 'utf8').trim().split('\n') : []);
  const run = async (opts: { lab?: boolean } = {}) => {
    const redactor = new Redactor();
    let shell: Awaited<ReturnType<typeof openShell>> | undefined;
    try {
      return await runCleanupPhase({
        journal,
        lab: opts.lab === false ? undefined : lab,
        session: async () => {
          shell ??= await openShell({ cwd: d, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
          return { lab, shell, vars: {}, undo: journalUndoSink(journal), signal: new AbortController().signal, redactor, progress: () => undefined };
        },
        reporters: [],
        tools,
      });
    } finally {
      await shell?.close();
    }
  };
  return { d, docker, lab, journal, stateDir, tools, restore, shUndo, log, run };
}

describe('cleanup targets', () => {
  it('are read from the undo records', () => {
    const node = (container: string) => ({ transport: 'docker' as const, container });
    const a = undoTarget({ kind: 'restore-file', label: '', node: node('w1'), path: '/a', backupPath: '/a.bak', restartService: 'kubelet' });
    const b = undoTarget({ kind: 'restore-file', label: '', node: node('w1'), path: '/b', backupPath: '/b.bak' });
    const c = undoTarget({ kind: 'restore-file', label: '', node: node('w2'), path: '/a', backupPath: '/a.bak', restartService: 'kubelet' });
    const ssh = undoTarget({ kind: 'restore-file', label: '', node: { transport: 'ssh', target: 'w1' }, path: '/a', backupPath: '/a.bak' });
    const objects = undoTarget({ kind: 'delete-objects', label: '', kubeconfig: '/k', context: 'c1', objects: [] });
    const other = undoTarget({ kind: 'delete-objects', label: '', kubeconfig: '/k', context: 'c2', objects: [] });
    expect(targetsMeet(a, b)).toBe(true); // one node: in order
    expect(targetsMeet(a, c)).toBe(false); // two nodes: together
    expect(targetsMeet(a, ssh)).toBe(false); // a container and an ssh host of the same name differ
    expect(targetsMeet(a, objects)).toBe(false); // a node's file and API objects: together
    expect(targetsMeet(objects, objects)).toBe(true);
    expect(targetsMeet(objects, other)).toBe(false);
    for (const serial of [
      undoTarget({ kind: 'sh', label: '', command: 'true', cwd: '/', env: {} }),
      undoTarget({ kind: 'cleanup-block', label: '', block: sh('true') as never, cwd: '/' }),
      undoTarget({ kind: 'delete-cluster', label: '', provider: 'kind', name: 'x' }),
    ]) {
      expect(serial).toEqual(SERIAL);
      for (const t of [a, c, objects]) expect(targetsMeet(serial, t)).toBe(true);
    }
  });
});

describe('cleanup phase, undos side by side', () => {
  it('runs undos on two nodes at the same time (each waits for the other to start)', async () => {
    const c = setup();
    c.journal.registerUndo(c.restore('n1', 'config'));
    c.journal.registerUndo(c.restore('n2', 'config'));
    writeFileSync(join(c.d, 'wait-n1'), 'n2');
    writeFileSync(join(c.d, 'wait-n2'), 'n1');
    const results = await c.run({ lab: false });
    expect(results.map((r) => `${r.label}: ${r.status}${r.message ? ` ${r.message}` : ''}`).sort()).toEqual(['restore config on n1: passed', 'restore config on n2: passed']);
    expect(readFileSync(join(c.d, 'n1-config'), 'utf8')).toBe('original config\n');
    expect(readFileSync(join(c.d, 'n2-config'), 'utf8')).toBe('original config\n');
    expect(c.journal.stack.unfinished).toBe(0);
    // Each undo's own time is reported, as when they ran one by one.
    for (const r of results) expect(r.durationMs).toBeGreaterThan(0);
  });

  it('keeps last-first order, without overlap, for undos on one node', async () => {
    const c = setup();
    for (const name of ['a', 'b', 'c']) c.journal.registerUndo(c.restore('n1', name));
    c.journal.registerUndo(c.restore('n2', 'x'));
    const results = await c.run({ lab: false });
    expect(results.every((r) => r.status === 'passed')).toBe(true);
    const n1 = c.log().filter((l) => l.includes(' n1 ') || l.startsWith('overlap'));
    expect(n1).toEqual(['start n1 n1-c', 'end n1 n1-c', 'start n1 n1-b', 'end n1 n1-b', 'start n1 n1-a', 'end n1 n1-a']);
  });

  it('keeps shell-run items in their place: a {cleanup} block, an sh undo and the Cleanup section wait for everything before them', async () => {
    const c = setup();
    c.journal.registerUndo(c.restore('n1', 'first'));
    c.journal.registerUndo(c.shUndo('middle'));
    c.journal.registerUndo({ kind: 'cleanup-block', label: 'flagged', block: { ...sh(`echo "flagged" >> ${JSON.stringify(join(c.d, 'log'))}`), id: 'x/1' } as never, cwd: c.d });
    c.journal.registerUndo(c.restore('n2', 'last'));
    c.journal.registerUndo(c.restore('n3', 'last'));
    // n2 and n3 run together (each waits for the other); everything else keeps its place.
    writeFileSync(join(c.d, 'wait-n2'), 'n3');
    writeFileSync(join(c.d, 'wait-n3'), 'n2');
    const results = await c.run();
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
    const log = c.log();
    const at = (line: string) => log.indexOf(line);
    expect(Math.max(at('end n2 n2-last'), at('end n3 n3-last'))).toBeLessThan(at('flagged'));
    expect(log.slice(at('flagged'))).toEqual(['flagged', 'sh middle', 'start n1 n1-first', 'end n1 n1-first', 'section']);
  });

  it('a failing undo does not stop the others; it is kept for a retry', async () => {
    const c = setup();
    c.journal.registerUndo(c.restore('n1', 'ok'));
    const bad = c.restore('n2', 'bad');
    rmSync((bad as { backupPath: string }).backupPath);
    c.journal.registerUndo(bad);
    const results = await c.run({ lab: false });
    expect(results.map((r) => `${r.label}: ${r.status}`).sort()).toEqual(['restore bad on n2: failed', 'restore ok on n1: passed']);
    expect(c.journal.stack.unfinished).toBe(1);
  });
});

// A cleanup killed with SIGKILL while two undos are under way: both are still pending in the
// journal, and `kubelab cleanup` (finishJournal, in this process) finishes them.
describe('cleanup phase killed mid-way', () => {
  let out: string;
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
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    out = mkdtempSync(join(root, 'node_modules', '.cache', 'kubelab-cleanup-par-'));
    transpileTree(join(root, 'src'), join(out, 'src'));
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(out, 'child.mjs'),
      `import { Journal } from './src/engine/journal.js';
import { runCleanupPhase } from './src/engine/cleanup-phase.js';
const [path, docker] = process.argv.slice(2);
await runCleanupPhase({ journal: Journal.load(path), session: async () => { throw new Error('no shell'); }, reporters: [], tools: { docker, ssh: 'ssh', kind: 'kind' } });
`,
    );
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('leaves both undos pending, and kubelab cleanup finishes them', async () => {
    const c = setup();
    c.journal.registerUndo(c.restore('n1', 'config'));
    c.journal.registerUndo(c.restore('n2', 'config'));
    writeFileSync(join(c.d, 'hold'), '');
    const child = spawn(process.execPath, [join(out, 'child.mjs'), c.journal.path, c.docker], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    // A wait, not a speed check: the child loads the engine first (slow under load).
    const deadline = Date.now() + 90_000;
    const held = () => existsSync(join(c.d, 'held-n1')) && existsSync(join(c.d, 'held-n2'));
    while (!held() && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(held(), stderr).toBe(true);
    // The whole group: the cleanup process and the fake docker execs it started.
    process.kill(-child.pid!, 'SIGKILL');
    await exited;

    const journal = JSON.parse(readFileSync(c.journal.path, 'utf8'));
    expect(journal.undos.map((u: { status: string }) => u.status)).toEqual(['pending', 'pending']);
    expect(readFileSync(join(c.d, 'n1-config'), 'utf8')).toBe('changed\n');

    rmSync(join(c.d, 'hold'));
    const results = await finishJournal(c.journal.path, { stateDir: c.stateDir, tools: c.tools, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    expect(results.filter((r) => r.label.startsWith('restore')).map((r) => `${r.label}: ${r.status}`).sort()).toEqual(['restore config on n1: passed', 'restore config on n2: passed']);
    expect(readFileSync(join(c.d, 'n1-config'), 'utf8')).toBe('original config\n');
    expect(readFileSync(join(c.d, 'n2-config'), 'utf8')).toBe('original config\n');
    expect(readdirSync(journalDir(c.stateDir)).filter((f) => f.endsWith('.json'))).toEqual([]);
  }, 180_000);
});
