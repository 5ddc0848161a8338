// The programmatic API, as a course's own test suite would use it (imports from src/index.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createReporter, LabError, lintLab, parseLab, runCli, runLab, finishJournals, type Reporter, type RunEvent } from '../../src/index.js';
import { matchOutput, openShell, Redactor, REDACTED, rewriteExpected, type ShBlock } from '../../src/index.js';
import { FIXTURES, ROOT } from './built-cli.js';
import { capture } from '../report/capture.js';

const stateDir = mkdtempSync(join(tmpdir(), 'kubelab-api-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
const read = (name: string) => readFileSync(join(ROOT, FIXTURES, `${name}.md`), 'utf8');

describe('programmatic API', () => {
  it('parseLab and lintLab: a lab model, and positioned diagnostics', () => {
    const lab = parseLab(read('pass'), 'pass.md');
    expect(lab.id).toBe('cli-pass');
    expect(lab.steps.map((s) => s.title)).toEqual(['Say the word', 'Count']);
    expect(() => parseLab(read('malformed'), 'malformed.md')).toThrow(LabError);
    expect(lintLab(read('malformed'), 'malformed.md')).toMatchObject([{ severity: 'error', pos: { file: 'malformed.md', line: 11, col: 9 } }]);
  });

  it('runLab runs a lab with real bash and reports to custom and built-in reporters', async () => {
    const lab = parseLab(read('fail'), join(FIXTURES, 'fail.md'));
    const kinds: RunEvent['kind'][] = [];
    const spy: Reporter = { onStepStart: (e) => void kinds.push(e.kind), onBlockEnd: (e) => void kinds.push(e.kind), onRunEnd: (e) => void kinds.push(e.kind) };
    const out = capture();
    const report = await runLab(lab, { reporters: [spy, createReporter('terminal', { stream: out, isTTY: false, env: {} })], stateDir, cwd: join(ROOT, FIXTURES) });
    expect(report.status).toBe('failed');
    expect(report.exitCode).toBe(1);
    expect(report.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(report.steps[1]!.blocks[0]!.stdout).toBe('one\ntwo\nthree\n');
    expect(kinds[0]).toBe('step-start');
    expect(kinds.at(-1)).toBe('run-end');
    expect(out.text()).toContain('FAILED Failing lab');
    expect(await finishJournals({ stateDir })).toEqual([]);
  });

  it('runCli runs the CLI in-process and returns the exit code', async () => {
    const stdout = capture();
    const stderr = capture();
    const code = await runCli(['lint', join(FIXTURES, 'malformed.md')], { stdout, stderr, env: {}, cwd: ROOT });
    expect(code).toBe(2);
    expect(stdout.text()).toContain(`${FIXTURES}/malformed.md:11:9: error:`);
    const usage = await runCli(['frobnicate'], { stdout, stderr, env: {}, cwd: ROOT });
    expect(usage).toBe(2);
    expect(stderr.text()).toContain("kubelab: error: unknown command 'frobnicate'");
  });

  it('exports the building blocks: openShell, Redactor, matchOutput, rewriteExpected', async () => {
    const shell = await openShell({ cwd: stateDir, env: { ...(process.env as Record<string, string>) } });
    try {
      await shell.run('greeting=hello; cd /');
      const r = await shell.run('echo "$greeting from $PWD"; echo oops >&2; exit 3');
      expect(r).toMatchObject({ exitCode: 3, stdout: 'hello from /\n', stderr: 'oops\n', timedOut: false });
    } finally {
      await shell.close();
    }

    const redactor = new Redactor();
    redactor.addSecret('hunter22xyz');
    expect(redactor.redact('pw=hunter22xyz, b64=aHVudGVyMjJ4eXoK')).toBe(`pw=${REDACTED}, b64=${REDACTED}`);

    const source = read('update');
    const lab = parseLab(source, 'update.md');
    const greet = lab.steps[0]!.blocks[0] as ShBlock;
    const actual = { stdout: 'hello there\n', stderr: '', output: 'hello there\n' };
    const miss = matchOutput(greet.expected!, actual);
    expect(miss.ok).toBe(false);
    expect(miss.diff).toContain('+hello there');
    const fixed = rewriteExpected(source, [{ expected: greet.expected!, actual: actual.output }]);
    expect(fixed).toBe(source.replace('```text\nhello world\n```', '```text\nhello there\n```'));
    const again = parseLab(fixed, 'update.md').steps[0]!.blocks[0] as ShBlock;
    expect(matchOutput(again.expected!, actual)).toMatchObject({ ok: true });
  });
});
