// `kubelab report RUN.json --html DIR` on what `kubelab run --json` really writes (one lab: an
// object; several: an array), and its refusals of files that are not run reports.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUsageError as expectCliUsageError, runCliCaptured, type CliResult } from './in-process.js';
import { FIXTURES } from './built-cli.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kubelab-report-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const kubelab = (argv: string[]) => runCliCaptured(argv, { env: { ...process.env, KUBELAB_STATE_DIR: join(tmp, 'state') } });

/** A usage error, and nothing on stdout. */
function expectUsageError(r: CliResult, message: RegExp) {
  expectCliUsageError(r, message);
  expect(r.stdout).toBe('');
}

describe('kubelab report, bad input', () => {
  const file = (name: string, text: string) => {
    const path = join(tmp, name);
    writeFileSync(path, text);
    return path;
  };
  const report = (path: string, html = join(tmp, 'html-bad')) => kubelab(['report', path, '--html', html]);

  it('a file that is not JSON', async () => {
    const path = file('notes.json', '# not json\n');
    expectUsageError(await report(path), new RegExp(`${path.replace(/[.]/g, '\\.')} is not JSON`));
  });

  it('JSON that is not a kubelab report', async () => {
    expectUsageError(await report(file('package.json', '{"name": "x", "version": "1.0.0"}')), /is not a kubelab run report \(schemaVersion 1\)/);
    expectUsageError(await report(file('empty-list.json', '[]')), /holds no run reports/);
  });

  it('a report of another schemaVersion', async () => {
    expectUsageError(await report(file('v2.json', '{"schemaVersion": 2, "steps": [], "lab": {}}')), /is a run report of schemaVersion 2; this kubelab \S+ reads schemaVersion 1/);
  });

  it('a directory, or a file that does not exist', async () => {
    expectUsageError(await report(tmp), /cannot read .*: it is a directory/);
    expectUsageError(await report(join(tmp, 'nope.json')), /cannot read .*nope\.json: no such file/);
  });

  it('an --html directory that cannot be written', async () => {
    const json = join(tmp, 'one-for-html.json');
    await kubelab(['run', `${FIXTURES}/pass.md`, '--var', `MARKER=${join(tmp, 'marker')}`, '--json', json, '--reporter', 'silent']);
    file('a-file', '');
    expectUsageError(await report(json, join(tmp, 'a-file', 'html')), /cannot write the HTML report to .*a-file\/html: a part of the path is a file/);
  });
});

describe('kubelab report, several labs', () => {
  it('renders the array `run --json` writes for several labs: an index and a page per lab', async () => {
    const json = join(tmp, 'two.json');
    const run = await kubelab(['run', `${FIXTURES}/pass.md`, `${FIXTURES}/fail.md`, '--var', `MARKER=${join(tmp, 'marker')}`, '--json', json, '--reporter', 'silent']);
    expect(run.code).toBe(1);
    expect(Array.isArray(JSON.parse(readFileSync(json, 'utf8')))).toBe(true);

    const out = join(tmp, 'html-two');
    const r = await kubelab(['report', json, '--html', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(out, 'index.html')} and 2 lab pages`);
    const pages = readdirSync(join(out, 'labs')).sort();
    expect(pages).toEqual(['001-cli-pass.html', '002-cli-fail.html']);

    const index = readFileSync(join(out, 'index.html'), 'utf8');
    const rows = [...index.matchAll(/<tr data-lab="([^"]+)"><td><a href="([^"]+)">[^<]*<\/a>.*?<span class="badge (\w+)">/g)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([
      ['cli-pass', 'labs/001-cli-pass.html', 'passed'],
      ['cli-fail', 'labs/002-cli-fail.html', 'failed'],
    ]);
    const failPage = readFileSync(join(out, 'labs', '002-cli-fail.html'), 'utf8');
    expect(failPage).toContain('<a href="../index.html">← All lab runs</a>');
    expect(failPage).toContain('Failing lab');
    expect(failPage).toContain(`${FIXTURES}/fail.md:17`);
  });

  it('renders one lab (an object) as a single page, as before', async () => {
    const json = join(tmp, 'one.json');
    await kubelab(['run', `${FIXTURES}/pass.md`, '--var', `MARKER=${join(tmp, 'marker')}`, '--json', json, '--reporter', 'silent']);
    const out = join(tmp, 'html-one');
    const r = await kubelab(['report', json, '--html', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${join(out, 'index.html')}\n`);
    expect(existsSync(join(out, 'labs'))).toBe(false);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Passing lab');
  });

  it('names the entry of an array that is not a run report', async () => {
    const json = join(tmp, 'mixed.json');
    const one = readFileSync(join(tmp, 'one.json'), 'utf8');
    writeFileSync(json, `[${one}, {"hello": 1}]`);
    const r = await kubelab(['report', json, '--html', join(tmp, 'html-mixed')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${json}[1] is not a kubelab run report`);
  });
});
