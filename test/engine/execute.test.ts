// executeBlock and the cleanup phase with real bash: one path for every kind and every phase.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLab } from '../../src/engine/runner.js';
import { finishJournals } from '../../src/engine/finish.js';
import type { ExecOutcome, RunOptions } from '../../src/engine/types.js';
import type { AccessReviewBlock, Block, Lab, ShBlock } from '../../src/lab/model.js';
import { attrs, lab, recorder, sh } from './helpers.js';

let dir: string;
let stateDir: string;
let file: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-execute-')));
  stateDir = join(dir, 'state');
  file = join(dir, 'lab.md');
  writeFileSync(file, '# Test lab\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const opts = (o: Partial<RunOptions> = {}): RunOptions => ({ stateDir, ...o });

function review(): AccessReviewBlock {
  return { kind: 'access-review', id: 'a/1', pos: { file: 'lab.md', line: 5 }, attrs: attrs({ retry: 5_000 }), subject: { kind: 'user', user: 'u', groups: [] }, verb: 'get', resource: 'nodes', rows: [{ subresource: 'metrics', allowed: true, line: 6 }] };
}
const withBlock = (l: Lab, block: Block): Lab => ({ ...l, steps: [{ ...l.steps[0]!, blocks: [block] }] });
const outcome = (status: 'passed' | 'failed'): ExecOutcome => ({ status, command: 'access-review', exitCode: status === 'passed' ? 0 : 1, signal: null, timedOut: false, durationMs: 1, output: '', stdout: '', stderr: '', message: status === 'failed' ? 'answers differ' : undefined });

describe('executeBlock', () => {
  it('retries every kind, not only sh: a typed block that fails twice passes on its third attempt', async () => {
    let calls = 0;
    const l = withBlock(lab(file, [['A', [sh('true')]]]), review());
    const rec = recorder();
    const r = await runLab(l, opts({ executors: { 'access-review': async () => outcome(++calls < 3 ? 'failed' : 'passed') }, reporters: [rec] }));
    expect(r.status).toBe('passed');
    expect(r.steps[0]!.blocks[0]!.attempts).toBe(3);
    expect(rec.events.filter((e) => e.kind === 'progress' && /a\/1: not yet \(answers differ\); retrying/.test(e.message))).toHaveLength(2);
  });

  it('stops a typed block whose timeout is up, through its signal, and says so', async () => {
    const block = { ...review(), attrs: attrs({ timeout: 300 }) };
    const l = withBlock(lab(file, [['A', [sh('true')]]]), block);
    const hang = (_b: AccessReviewBlock, ctx: { signal: AbortSignal }) => new Promise<ExecOutcome>((_res, rej) => ctx.signal.addEventListener('abort', () => rej(new Error('aborted'))));
    const r = await runLab(l, opts({ executors: { 'access-review': hang } }));
    const b = r.steps[0]!.blocks[0]!;
    expect(b.status).toBe('failed');
    expect(b.timedOut).toBe(true);
    expect(b.message).toBe('timed out after 300ms');
  });

  it('never shows the output of a secret block that did not match: not in the result, the diff or the streamed output', async () => {
    const secret = 'hunter2-very-secret-value';
    const l = lab(file, [['A', [sh(`printf '%s-%s\\n' hunter2 very-secret-value`, { expected: 'token: {{TOKEN}}', attrs: { secret: true } })]]]);
    const rec = recorder();
    const r = await runLab(l, opts({ reporters: [rec] }));
    expect(r.status).toBe('failed');
    const json = JSON.stringify(r) + JSON.stringify(rec.events.filter((e) => e.kind !== 'run-start'));
    expect(json).not.toContain(secret);
    expect(r.steps[0]!.blocks[0]!.diff).toBeUndefined();
    expect(r.steps[0]!.blocks[0]!.output).toContain('[REDACTED]');
  });
});

describe('cleanup blocks', () => {
  it('a {cleanup} block in a step honours its own exit code, expected output and timeout, like the Cleanup section', async () => {
    const log = join(dir, 'log');
    const l = lab(file, [
      [
        'A',
        [
          sh(`echo ok >> ${log}; exit 3`, { attrs: { cleanup: true, exit: 3 } }),
          sh('echo actual', { expected: 'expected', attrs: { cleanup: true } }),
          sh('sleep 30', { attrs: { cleanup: true, timeout: 500 } }),
        ],
      ],
    ]);
    const started = Date.now();
    const r = await runLab(l, opts());
    expect(Date.now() - started).toBeLessThan(20_000);
    // Last first: the sleeper, the mismatch, then the exit=3 block.
    expect(r.cleanup.map((c) => [c.label, c.status])).toEqual([
      ['sleep 30', 'failed'],
      ['echo actual', 'failed'],
      [`echo ok >> ${log}; exit 3`, 'passed'],
    ]);
    expect(r.cleanup[0]!.message).toMatch(/timed out after 500ms/);
    expect(r.cleanup[1]!.message).toMatch(/output differs/);
    expect(readFileSync(log, 'utf8')).toBe('ok\n');
    expect(r.status).toBe('failed');
  });

  it('runs with set -u: an unset variable fails the block instead of expanding to nothing', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'keep');
    const l = lab(file, [['A', [sh('true')]]], { cleanupBlocks: [sh(`cd ${dir} && rm -f "$NOT_SET_ANYWHERE"victim`)] });
    const r = await runLab(l, opts());
    expect(r.cleanup[0]!.status).toBe('failed');
    expect(r.cleanup[0]!.output).toMatch(/NOT_SET_ANYWHERE: unbound variable/);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
  });

  it('an interrupt during the Cleanup section: the report says interrupted and the exit code is 130', async () => {
    const ac = new AbortController();
    const l = lab(file, [['A', [sh('true')]]], { cleanupBlocks: [sh('sleep 1; echo cleaned')] });
    const interrupter = { onCleanupStart: () => void setTimeout(() => ac.abort('SIGINT'), 100) };
    const r = await runLab(l, opts({ signal: ac.signal, reporters: [interrupter] }));
    expect(r.cleanup.map((c) => c.status)).toEqual(['passed']);
    expect(r.status).toBe('interrupted');
    expect(r.exitCode).toBe(130);
  });

  it('a {cleanup} block is journaled whole: `kubelab cleanup` runs it even when the lab file is gone', async () => {
    const log = join(dir, 'log');
    const l = lab(file, [['A', [sh(`echo flagged >> ${log}`, { attrs: { cleanup: true, exit: 0 } }) as ShBlock]]]);
    const r = await runLab(l, opts({ cleanup: false }));
    expect(r.status).toBe('passed');
    rmSync(file);
    const results = await finishJournals({ stateDir });
    expect(results.map((c) => c.status)).toEqual(['passed']);
    expect(readFileSync(log, 'utf8')).toBe('flagged\n');
  });
});

describe('cleanup after the run is gone (`kubelab cleanup`)', () => {
  it('runs cleanup blocks with the shell state the run had: variables, functions, working directory', async () => {
    const work = join(dir, 'work');
    const l = lab(
      file,
      [['A', [sh(`mkdir -p ${work} && cd ${work} && WORKDIR=${work} && touch a b && say() { echo "said $1"; }`)]]],
      { cleanupBlocks: [sh('say bye && pwd && rm -rf "$WORKDIR/"* && ls -A "$WORKDIR" | wc -l', { expected: `said bye\n${work}\n0` })] },
    );
    const r = await runLab(l, opts({ cleanup: false }));
    expect(r.status).toBe('passed');
    const results = await finishJournals({ stateDir });
    expect(results.map((c) => [c.status, c.message])).toEqual([['passed', undefined]]);
  });

  it('never writes a secret capture to disk, and cleanup cannot expand it to nothing', async () => {
    const secret = 'Sup3rSecretTokenValue';
    const l = lab(file, [['A', [sh(`printf '%s%s\\n' ${secret.slice(0, 5)} ${secret.slice(5)}`, { expected: '{{TOKEN}}', attrs: { secret: true } }), sh('LABVAR=kept')]]], {
      cleanupBlocks: [sh('echo "$LABVAR" "$TOKEN"')],
    });
    const r = await runLab(l, opts({ cleanup: false }));
    expect(r.status).toBe('passed');
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(join(stateDir, 'journals')).map((f) => readFileSync(join(stateDir, 'journals', f), 'utf8'));
    expect(files.length).toBe(2); // the journal and the state snapshot
    for (const text of files) expect(text).not.toContain(secret);
    expect(files.join('')).toContain('LABVAR');
    const results = await finishJournals({ stateDir });
    expect(results[0]!.status).toBe('failed');
    expect(results[0]!.output).toMatch(/TOKEN: .*variable/); // (the redactor hides what follows `TOKEN:`)
  });
});
