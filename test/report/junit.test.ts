import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createJunitReporter, renderJunit } from '../../src/report/junit.js';
import { xmlAttr, xmlText } from '../../src/report/xml.js';
import { stripAnsi } from '../../src/text/ansi.js';
import { play } from './capture.js';
import { sampleRun } from './events.js';
import { find, parseXml } from './xml-parse.js';

describe('junit reporter', () => {
  it('writes one testcase per step, a cleanup testcase, failures with message and diff', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubelab-junit-'));
    const file = join(dir, 'sub', 'junit.xml');
    const { events } = sampleRun();
    await play(createJunitReporter({ outputFile: file }), events);
    const xml = await readFile(file, 'utf8');
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    const [suite] = find(root, 'testsuite');
    expect(suite!.attrs).toMatchObject({ name: 'Demo lab', tests: '4', failures: '2', errors: '0', skipped: '1', time: '2.500' });
    const cases = find(root, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['Create a file', 'Check <it> & "quote"', 'Never', 'cleanup']);
    expect(cases.every((c) => c.attrs.classname === 'demo')).toBe(true);
    expect(cases[0]!.attrs.time).toBe('0.120');
    expect(find(cases[0]!, 'failure')).toHaveLength(0);
    expect(find(cases[0]!, 'system-out')[0]!.text).toBe('$ echo hello\nhello\n');

    const failure = find(cases[1]!, 'failure')[0]!;
    expect(failure.attrs.message).toBe('labs/demo.md:20: output differs from lab.md:22');
    expect(failure.attrs.type).toBe('output-mismatch');
    expect(failure.text).toContain('-hello\n+hullo <b>');
    // control characters survive as visible text, ANSI sequences are dropped
    expect(find(cases[1]!, 'system-out')[0]!.text).toBe('$ cat out.txt\nhullo\\u0007 <b>\n');
    expect(find(cases[1]!, 'system-err')[0]!.text).toBe('$ cat out.txt\nwarn: odd\n');

    expect(find(cases[2]!, 'skipped')).toHaveLength(1);
    const cleanupFailure = find(cases[3]!, 'failure')[0]!;
    expect(cleanupFailure.attrs.message).toContain('1 of 2 cleanup actions failed: restore /etc/x on kind-worker');
    expect(cleanupFailure.text).toContain('(labs/demo.md:40): no such file');
  });

  it('keeps every lab of a multi-lab run as its own testsuite in one file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubelab-junit-'));
    const file = join(dir, 'junit.xml');
    const reporter = createJunitReporter({ outputFile: file });
    await play(reporter, sampleRun().events);
    await play(reporter, sampleRun().events);
    const root = parseXml(await readFile(file, 'utf8'));
    expect(find(root, 'testsuite')).toHaveLength(2);
    expect(root.attrs.tests).toBe('8');
  });

  it('reports a run-level error as a testcase named run', () => {
    const { report } = sampleRun();
    const xml = renderJunit([{ ...report, steps: [], cleanup: [], status: 'error', error: { code: 'cluster', message: 'kind create failed', hint: 'is docker running?' } }]);
    const root = parseXml(xml);
    const error = find(root, 'error')[0]!;
    expect(error.attrs).toMatchObject({ message: 'kind create failed', type: 'cluster' });
    expect(error.text).toContain('hint: is docker running?');
    expect(find(root, 'testsuite')[0]!.attrs.errors).toBe('1');
  });

  it('escapes any string into well-formed XML (text and attributes round-trip)', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const root = parseXml(`<a b="${xmlAttr(s)}">${xmlText(s)}</a>`);
        // Escapes are stripped (stripAnsi has its own tests); what XML cannot hold becomes visible.
        // eslint-disable-next-line no-control-regex -- the characters XML 1.0 excludes are controls
        const expected = stripAnsi(s).replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        expect(root.attrs.b).toBe(expected);
        expect(root.text).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('is accepted by a real XML parser (python expat), when python3 is there', async (ctx) => {
    let hasPython = true;
    try {
      execFileSync('python3', ['-c', 'import xml.dom.minidom']);
    } catch {
      hasPython = false;
    }
    if (!hasPython) ctx.skip();
    const { report } = sampleRun();
    report.steps[1]!.blocks[0]!.stdout = 'nul\x00 esc\x1b bell\x07 fffe\uFFFE lone\uD800 ]]> </system-out>';
    const xml = renderJunit([report]);
    const count = execFileSync('python3', ['-c', 'import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.buffer.read()); print(len(d.getElementsByTagName("testcase")))'], { input: xml }).toString();
    expect(count.trim()).toBe('4');
  });
});
