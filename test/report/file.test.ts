// Report files: obvious problems are refused before the run, failures at the end are kept for the
// CLI (never thrown into the run), and an older report never passes for this run's.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReportTarget, ReportWriteError, writeReportFile } from '../../src/report/file.js';
import { createJsonReporter } from '../../src/report/json.js';
import { createJunitReporter } from '../../src/report/junit.js';
import { play } from './capture.js';
import { sampleRun } from './events.js';

const tmp = mkdtempSync(join(tmpdir(), 'kubelab-report-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;

function refused(fn: () => unknown): ReportWriteError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ReportWriteError);
    return e as ReportWriteError;
  }
  throw new Error('not refused');
}

describe('checkReportTarget', () => {
  it('accepts a new file in a new directory under a writable one', () => {
    expect(() => checkReportTarget(join(tmp, 'a', 'b', 'report.json'), 'json')).not.toThrow();
    expect(existsSync(join(tmp, 'a'))).toBe(false);
  });

  it('refuses a path whose parent is a file, naming that file', () => {
    const file = join(tmp, 'plain-file');
    writeFileSync(file, 'x');
    const e = refused(() => checkReportTarget(join(file, 'sub', 'report.json'), 'json'));
    expect(e.message).toBe(`cannot write the JSON report to ${join(file, 'sub', 'report.json')}: a part of the path is a file, not a directory (${file} is a file)`);
    expect(e.hint).toMatch(/--json/);
    expect(e.exitCode).toBe(2);
  });

  it('refuses a directory', () => {
    const dir = join(tmp, 'is-a-dir');
    mkdirSync(dir);
    const e = refused(() => createJunitReporter({ outputFile: dir }));
    expect(e.message).toBe(`cannot write the JUnit report to ${dir}: it is a directory`);
    expect(e.hint).toMatch(/--junit/);
  });

  it.skipIf(isRoot)('refuses a read-only directory', () => {
    const dir = join(tmp, 'read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    try {
      expect(refused(() => createJsonReporter({ outputFile: join(dir, 'r.json') })).message).toContain('permission denied');
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

describe('writing a report at the end of a run', () => {
  it('replaces the file atomically and leaves no temp file', async () => {
    const dir = join(tmp, 'atomic');
    await writeReportFile(join(dir, 'r.json'), 'one', 'json');
    await writeReportFile(join(dir, 'r.json'), 'two', 'json');
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('keeps the failure for the CLI instead of throwing, and moves an older report aside', async () => {
    const dir = join(tmp, 'late');
    mkdirSync(dir);
    const file = join(dir, 'report.json');
    writeFileSync(file, '{"old": true}\n');
    const reporter = createJsonReporter({ outputFile: file });
    // After the check, the target becomes impossible: a directory where the temp file must go.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'now a file');
    await play(reporter, sampleRun().events);
    const problems = reporter.problems?.() ?? [];
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^cannot write the JSON report to .*report\.json: a part of the path is a file, not a directory/);
    expect(problems[0]!.exitCode).toBe(2);
  });

  it.skipIf(isRoot)('says when an older report could not be moved aside (read-only directory after the check)', async () => {
    const dir = join(tmp, 'stale-ro');
    mkdirSync(dir);
    const file = join(dir, 'report.xml');
    writeFileSync(file, '<old/>');
    const reporter = createJunitReporter({ outputFile: file });
    chmodSync(dir, 0o555);
    try {
      await play(reporter, sampleRun().events);
    } finally {
      chmodSync(dir, 0o755);
    }
    expect(reporter.problems?.()[0]?.message).toBe(`cannot write the JUnit report to ${file}: permission denied; ${file} still holds the report of an EARLIER run`);
  });

  it('a write that works replaces an older report and clears an earlier failure', async () => {
    const dir = join(tmp, 'replace');
    mkdirSync(dir);
    const file = join(dir, 'report.json');
    writeFileSync(file, '{"old": true}\n');
    const reporter = createJsonReporter({ outputFile: file });
    await play(reporter, sampleRun().events);
    expect(reporter.problems?.()).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8')).runId).toBe('run-1');
  });
});
