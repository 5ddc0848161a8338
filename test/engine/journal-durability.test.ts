// The journal is fsync'd before anything it must survive a machine crash for (an undo, a cleanup
// block), and not before: a `provider: none` lab without a Cleanup section pays for no fsync at
// all, yet its journal is on disk (whole) while its steps run, for `kubelab cleanup` after a kill
// -9. Spawns the built CLI (dist/, `npx tsc -p .` first) under strace, which shows each fsync and
// each file a step creates, in order.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, ROOT } from '../cli/built-cli.js';

const CLI = join(ROOT, 'dist/src/cli.js');
const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'kubelab-durability-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** Runs `kubelab run` on a lab under strace; returns the trace lines (fsyncs and file creations) and the exit code. */
function traceRun(body: string): { lines: string[]; status: number | null; marker: string; seen: string; stdout: string } {
  const d = join(tmp, `case-${++n}`);
  const marker = join(d, 'marker');
  const seen = join(d, 'seen');
  rmSync(d, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', d]);
  const file = join(d, 'lab.md');
  writeFileSync(file, `---\ntitle: Durability\nid: durability-${n}\ncluster: { provider: none }\n---\n\n# Durability\n\n${body.replaceAll('MARKER', marker).replaceAll('SEEN', seen).replaceAll('STATE', join(d, 'state'))}`);
  const trace = join(d, 'trace.txt');
  const r = spawnSync('strace', ['-f', '-y', '-e', 'trace=fsync,fdatasync,openat', '-o', trace, process.execPath, CLI, 'run', file], {
    cwd: ROOT,
    env: cliEnv({ KUBELAB_STATE_DIR: join(d, 'state') }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => /fsync|fdatasync/.test(l) || (l.includes(marker) && l.includes('O_CREAT')));
  return { lines, status: r.status, marker, seen, stdout: r.stdout };
}

const journalSyncs = (lines: string[]) => lines.filter((l) => /f(data)?sync\(\d+<[^>]*\/journals\b/.test(l));

describe.skipIf(!hasStrace)('journal durability', () => {
  it('a provider:none lab without undos or cleanup fsyncs nothing, and its journal is there while it runs', () => {
    const r = traceRun('## Only\n\n```sh\nls STATE/journals > SEEN\ntouch MARKER\n```\n');
    expect(r.status, r.stdout).toBe(0);
    expect(journalSyncs(r.lines)).toEqual([]);
    expect(readFileSync(r.seen, 'utf8')).toMatch(/^durability-\d+-[0-9a-f]+\.json$/m);
  });

  it('a lab with a Cleanup section has its journal fsync\'d before its first block runs', () => {
    const r = traceRun('## Only\n\n```sh\ntouch MARKER\n```\n\n## Cleanup\n\n```sh\ntrue\n```\n');
    expect(r.status, r.stdout).toBe(0);
    const created = r.lines.findIndex((l) => l.includes(r.marker));
    expect(created).toBeGreaterThan(0);
    expect(journalSyncs(r.lines.slice(0, created)).length).toBeGreaterThan(0);
  });

  it('a lab whose first obligation is a {cleanup} block fsyncs when that block is registered, before the next block runs', () => {
    const r = traceRun('## One\n\n```sh\ntrue\n```\n\n```sh { cleanup }\ntrue\n```\n\n## Two\n\n```sh\ntouch MARKER\n```\n');
    expect(r.status, r.stdout).toBe(0);
    const created = r.lines.findIndex((l) => l.includes(r.marker));
    expect(created).toBeGreaterThan(0);
    expect(journalSyncs(r.lines.slice(0, created)).length).toBeGreaterThan(0);
  });
});
