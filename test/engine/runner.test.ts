// runLab with real bash: steps, selection, failures, cleanup order, journal, abort, retry, redaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLab } from '../../src/engine/runner.js';
import { journalDir } from '../../src/engine/journal.js';
import { finishJournals } from '../../src/engine/finish.js';
import { shBlock } from '../../src/blocks/sh.js';
import type { Executor, RunOptions } from '../../src/engine/types.js';
import type { Block, ShBlock } from '../../src/lab/model.js';
import { lab, recorder, sh } from './helpers.js';

let dir: string;
let stateDir: string;
let file: string;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-runner-')));
  stateDir = join(dir, 'state');
  file = join(dir, 'lab.md');
  writeFileSync(file, '# Test lab\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const opts = (o: Partial<RunOptions> = {}): RunOptions => ({ stateDir, ...o });
const journals = () => (existsSync(journalDir(stateDir)) ? readdirSync(journalDir(stateDir)) : []);

/** An sh executor that registers an undo (appending to undo.log) before running the block. */
const registering: Executor<ShBlock> = async (block, ctx) => {
  if (block.id.startsWith('cleanup/') || ctx.phase === 'cleanup') return shBlock.execute(block, ctx);
  const label = block.attrs.name ?? block.id;
  await ctx.registerUndo({ kind: 'sh', label: `undo ${label}`, command: `echo ${label} >> ${join(dir, 'undo.log')}`, cwd: dir, env: {} });
  return shBlock.execute(block, ctx);
};

describe('runLab', () => {
  it('runs steps in one shell: state persists across blocks and steps; events come in order', async () => {
    const rec = recorder();
    const l = lab(file, [
      ['Set up', [sh('greeting=hello; mkdir -p sub; cd sub')]],
      ['Use it', [sh('echo "$greeting from $(basename "$PWD") $LABVAR"', { expected: 'hello from sub override' })]],
    ], { vars: { LABVAR: 'base' } });
    const report = await runLab(l, opts({ reporters: [rec], vars: { LABVAR: 'override' } }));
    expect(report.status).toBe('passed');
    expect(report.exitCode).toBe(0);
    expect(report.steps.map((s) => s.status)).toEqual(['passed', 'passed']);
    expect(report.steps[1]!.blocks[0]!.output).toBe('hello from sub override\n');
    const kinds = rec.events.map((e) => e.kind).filter((k) => k !== 'progress' && k !== 'block-output');
    expect(kinds).toEqual(['run-start', 'step-start', 'block-start', 'block-end', 'step-end', 'step-start', 'block-start', 'block-end', 'step-end', 'run-end']);
    expect(journals()).toEqual([]);
  });

  it('fails a step on a wrong exit code or output, says where, and stops unless keepGoing', async () => {
    const l = lab(file, [
      ['One', [sh('echo actual', { expected: 'expected' })]],
      ['Two', [sh('exit 4')]],
      ['Three', [sh('true')]],
    ]);
    const stopped = await runLab(l, opts());
    expect(stopped.exitCode).toBe(1);
    expect(stopped.status).toBe('failed');
    expect(stopped.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(stopped.steps[2]!.blocks[0]!.message).toBe('an earlier step failed');
    const b = stopped.steps[0]!.blocks[0]!;
    expect(b.message).toBe(`output differs from lab.md:${l.steps[0]!.blocks[0]!.pos.line + 3}`);
    expect(b.diff).toContain('actual');

    const all = await runLab(l, opts({ keepGoing: true }));
    expect(all.steps.map((s) => s.status)).toEqual(['failed', 'failed', 'passed']);
    expect(all.steps[1]!.blocks[0]!.message).toBe('exit code 4, expected 0');
  });

  it('continueOnOutputMismatch: runs the blocks after an output-only mismatch (the step still fails), not after a wrong exit code or a timeout', async () => {
    const l = lab(file, [
      ['One', [sh('echo actual', { expected: 'stale' }), sh('echo next', { expected: 'also stale' }), sh('echo fine', { expected: 'fine' })]],
      ['Two', [sh('echo out; exit 2', { expected: 'out' }), sh('echo never')]],
      ['Three', [sh('sleep 100', { expected: 'x', attrs: { timeout: 300 } }), sh('echo never')]],
      ['Four', [sh('echo 3', { expected: '4', attrs: { exit: 0 } }), sh('exit 5'), sh('echo never')]],
    ]);
    const stopping = await runLab(l, opts({ keepGoing: true }));
    expect(stopping.steps[0]!.blocks.map((b) => b.status)).toEqual(['failed', 'skipped', 'skipped']);

    const r = await runLab(l, opts({ keepGoing: true, continueOnOutputMismatch: true }));
    expect(r.status).toBe('failed');
    expect(r.exitCode).toBe(1);
    expect(r.steps.map((s) => s.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(r.steps[0]!.blocks.map((b) => b.status)).toEqual(['failed', 'failed', 'passed']);
    expect(r.steps[0]!.blocks[1]!.output).toBe('next\n');
    expect(r.steps[1]!.blocks.map((b) => [b.status, b.message])).toEqual([['failed', 'exit code 2, expected 0'], ['skipped', 'an earlier block of this step failed']]);
    expect(r.steps[2]!.blocks.map((b) => b.status)).toEqual(['failed', 'skipped']);
    expect(r.steps[2]!.blocks[0]!.timedOut).toBe(true);
    expect(r.steps[3]!.blocks.map((b) => b.status)).toEqual(['failed', 'failed', 'skipped']);

    // Without keepGoing the run still stops after the step.
    const once = await runLab(l, opts({ continueOnOutputMismatch: true }));
    expect(once.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped']);
    expect(once.steps[0]!.blocks.map((b) => b.status)).toEqual(['failed', 'failed', 'passed']);
  });

  it('honours exit=N, skips hint/solution/skip blocks, runs only verify blocks when asked', async () => {
    const l = lab(file, [
      ['S', [sh('exit 3', { attrs: { exit: 3 } }), sh('exit 1', { attrs: { hint: true } }), sh('exit 1', { attrs: { solution: true } }), sh('exit 1', { attrs: { skip: true } }), sh('echo v', { attrs: { verify: true } })]],
    ]);
    const r = await runLab(l, opts());
    expect(r.steps[0]!.blocks.map((b) => b.status)).toEqual(['passed', 'skipped', 'skipped', 'skipped', 'passed']);
    const v = await runLab(l, opts({ verifyOnly: true }));
    expect(v.steps[0]!.blocks.map((b) => b.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'passed']);
  });

  it('selects steps with from/only (number, slug, title) and rejects unknown steps listing them', async () => {
    const l = lab(file, [
      ['First', [sh('echo 1')]],
      ['Second step', [sh('echo 2')]],
      ['Third', [sh('echo 3')]],
    ]);
    expect((await runLab(l, opts({ from: '2' }))).steps.map((s) => s.status)).toEqual(['skipped', 'passed', 'passed']);
    expect((await runLab(l, opts({ only: 'second-step' }))).steps.map((s) => s.status)).toEqual(['skipped', 'passed', 'skipped']);
    expect((await runLab(l, opts({ only: 'Third' }))).steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'passed']);
    const bad = await runLab(l, opts({ only: 'nope' }));
    expect(bad.exitCode).toBe(2);
    expect(bad.error?.code).toBe('unknown-step');
    expect(bad.error?.message).toContain('second-step');
  });

  it('runs undos LIFO, interleaved with cleanup-flagged commands, then the Cleanup section', async () => {
    const log = join(dir, 'undo.log');
    const l = lab(
      file,
      [
        ['A', [sh('true', { attrs: { name: 'a1' } }), sh(`echo flagged >> ${log}`, { attrs: { cleanup: true } })]],
        ['B', [sh('true', { attrs: { name: 'b1' } }), sh('true', { attrs: { name: 'b2' } })]],
      ],
      { cleanupBlocks: [sh(`echo section1 >> ${log}`), sh(`echo section2 >> ${log}`)] },
    );
    const rec = recorder();
    const r = await runLab(l, opts({ executors: { sh: registering }, reporters: [rec] }));
    expect(r.exitCode).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('b2\nb1\nflagged\na1\nsection1\nsection2\n');
    expect(r.cleanup.map((c) => c.status)).toEqual(Array(6).fill('passed'));
    expect(rec.events.find((e) => e.kind === 'cleanup-start')).toMatchObject({ count: 6 });
    expect(journals()).toEqual([]);
  });

  it('writes each undo to the journal on disk before the action runs', async () => {
    let seen: string | undefined;
    const checking: Executor<ShBlock> = async (block, ctx) => {
      await ctx.registerUndo({ kind: 'sh', label: 'undo-x', command: 'true', cwd: dir, env: {} });
      seen = readFileSync(join(journalDir(stateDir), journals()[0]!), 'utf8');
      return shBlock.execute(block, ctx);
    };
    await runLab(lab(file, [['A', [sh('true')]]]), opts({ executors: { sh: checking } }));
    expect(JSON.parse(seen!).undos).toMatchObject([{ undo: { label: 'undo-x' }, status: 'pending' }]);
  });

  it('reports a failing undo, fails the run, keeps the journal; kubelab cleanup finishes it later', async () => {
    const flag = join(dir, 'fixed');
    const failingUndo: Executor<ShBlock> = async (block, ctx) => {
      await ctx.registerUndo({ kind: 'sh', label: 'fragile undo', command: `test -e ${flag} || { echo not yet >&2; exit 9; }`, cwd: dir, env: {} });
      return shBlock.execute(block, ctx);
    };
    const r = await runLab(lab(file, [['A', [sh('true')]]]), opts({ executors: { sh: failingUndo } }));
    expect(r.steps[0]!.status).toBe('passed');
    expect(r.exitCode).toBe(1);
    expect(r.status).toBe('failed');
    expect(r.summary.cleanupFailures).toBe(1);
    expect(r.cleanup[0]).toMatchObject({ label: 'fragile undo', status: 'failed', source: 'undo' });
    expect(r.cleanup[0]!.message).toContain('exit code 9');
    expect(r.cleanup[0]!.output).toContain('not yet');
    expect(journals()).toHaveLength(1);

    // A second run refuses to start over an unfinished journal...
    const refused = await runLab(lab(file, [['A', [sh('true')]]]), opts());
    expect(refused.exitCode).toBe(2);
    expect(refused.error).toMatchObject({ code: 'dirty-journal' });
    expect(refused.error?.hint).toContain('kubelab cleanup');

    // ...until `kubelab cleanup` finishes it.
    writeFileSync(flag, '');
    const results = await finishJournals({ stateDir });
    expect(results.map((c) => [c.label, c.status])).toEqual([['fragile undo', 'passed']]);
    expect(journals()).toEqual([]);
    expect((await runLab(lab(file, [['A', [sh('true')]]]), opts())).exitCode).toBe(0);
  });

  it('with cleanup: false leaves the journal, --force starts anyway and keeps the old journal aside', async () => {
    const r = await runLab(lab(file, [['A', [sh('true')]]]), opts({ executors: { sh: registering }, cleanup: false }));
    expect(r.exitCode).toBe(0);
    expect(r.cleanup).toEqual([]);
    expect(journals()).toHaveLength(1);
    const forced = await runLab(lab(file, [['A', [sh('true')]]]), opts({ force: true }));
    expect(forced.exitCode).toBe(0);
    expect(journals()).toHaveLength(1);
    await finishJournals({ stateDir });
    expect(readFileSync(join(dir, 'undo.log'), 'utf8')).toBe('a/1\n');
  });

  it('a dirty journal says what is pending (undos, cleanup blocks, the Cleanup section) and how to finish or override', async () => {
    const sectionOnly = lab(file, [['A', [sh('true')]]], { cleanupBlocks: [sh('true'), sh('true')] });
    expect((await runLab(sectionOnly, opts({ cleanup: false }))).exitCode).toBe(0);
    const refused = await runLab(sectionOnly, opts());
    expect(refused.exitCode).toBe(2);
    expect(refused.error?.code).toBe('dirty-journal');
    expect(refused.error?.message).toContain('(the Cleanup section (2 blocks) pending, started ');
    expect(refused.error?.message).not.toMatch(/\bundo/);
    expect(refused.error?.hint).toBe('run `kubelab cleanup` to finish it, or pass --force to start anyway (the old journal is kept aside for `kubelab cleanup`)');
    await finishJournals({ stateDir });

    const all = lab(file, [['A', [sh('true'), sh('true'), sh('true', { attrs: { cleanup: true } })]]], { cleanupBlocks: [sh('true')] });
    expect((await runLab(all, opts({ executors: { sh: registering }, cleanup: false }))).exitCode).toBe(0);
    const again = await runLab(all, opts());
    // A cleanup-flagged command is journaled as an undo (it runs LIFO with them).
    expect(again.error?.message).toContain('(3 undos and the Cleanup section (1 block) pending, started ');
    const finished = await finishJournals({ stateDir });
    expect(finished.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(journals()).toEqual([]);
  });

  it('an abort mid-block stops it, runs cleanup and reports interrupted with 130', async () => {
    const ac = new AbortController();
    const log = join(dir, 'undo.log');
    const l = lab(file, [
      ['A', [sh('true', { attrs: { name: 'a' } }), sh('echo sleeping; sleep 100', { attrs: { name: 'sleeper' } })]],
      ['B', [sh('true', { attrs: { name: 'never' } })]],
    ], { cleanupBlocks: [sh(`echo section >> ${log}`)] });
    // Interrupt once the sleeper really runs (not after a fixed delay: a loaded machine is slow to get there).
    const interrupter = { onBlockOutput: (e: { block: Block }) => void (e.block.attrs.name === 'sleeper' && ac.abort('SIGINT')) };
    const started = Date.now();
    const r = await runLab(l, opts({ executors: { sh: registering }, signal: ac.signal, reporters: [interrupter] }));
    // Well before `sleep 100` would have ended (a wide margin for a loaded machine).
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(r.status).toBe('interrupted');
    expect(r.exitCode).toBe(130);
    expect(r.steps[0]!.blocks[1]!.message).toBe('interrupted');
    expect(r.steps[1]!.status).toBe('skipped');
    expect(readFileSync(log, 'utf8')).toBe('sleeper\na\nsection\n');

    const term = new AbortController();
    term.abort('SIGTERM');
    expect((await runLab(l, opts({ signal: term.signal }))).exitCode).toBe(143);
  }, 120_000);

  it('retries a block until its check passes', async () => {
    // Ready at the third attempt, whatever the machine's speed (no race with a timer).
    const tries = join(dir, 'tries');
    const l = lab(file, [['Wait', [sh(`echo x >> ${tries}; test "$(wc -l < ${tries})" -ge 3 && echo ready`, { expected: 'ready', attrs: { retry: 60_000 } })]]]);
    const r = await runLab(l, opts());
    const b = r.steps[0]!.blocks[0]!;
    expect(b.status).toBe('passed');
    expect(b.attempts).toBe(3);
    // Room for a second attempt even when the first one is slow.
    const never = await runLab(lab(file, [['W', [sh('test -e /nonexistent/kubelab', { attrs: { retry: 4_000 } })]]]), opts());
    expect(never.steps[0]!.blocks[0]!.message).toMatch(/^exit code 1, expected 0 \(after \d+ attempts in/);
  });

  it('times out a block with a clear message, and the next block still runs', async () => {
    const l = lab(file, [['T', [sh('x=1'), sh('sleep 30', { attrs: { timeout: 300 } })]], ['U', [sh('echo $x', { expected: '1' })]]]);
    const r = await runLab(l, opts({ keepGoing: true }));
    expect(r.steps[0]!.blocks[1]).toMatchObject({ status: 'failed', timedOut: true, message: 'timed out after 300ms' });
    expect(r.steps[1]!.status).toBe('passed');
  });

  it('exports captures into the shell and redacts secret captures and tokens everywhere', async () => {
    const rec = recorder();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
    const l = lab(file, [
      ['Capture', [sh('echo "name: web-1"', { expected: 'name: {{pod}}' }), sh('printf "password: %s%sxyz\\n" hunter 22', { expected: 'password: {{pw}}', attrs: { secret: true } })]],
      ['Use', [sh(`echo "$pod"; echo "pw=$pw"; echo "$pw" | base64; printf "%s.%s.%s\\n" ${jwt.split('.').join(' ')}; printf 'client-key-data: QUJDREVG\\n'`)]],
    ]);
    const r = await runLab(l, opts({ reporters: [rec] }));
    expect(r.exitCode).toBe(0);
    const use = r.steps[1]!.blocks[0]!;
    expect(use.output).toBe('web-1\npw=[REDACTED]\n[REDACTED]\n[REDACTED]\nclient-key-data: [REDACTED]\n');
    expect(r.steps[0]!.blocks[1]!.captures).toEqual({ pw: '[REDACTED]' });
    expect(r.steps[0]!.blocks[0]!.captures).toEqual({ pod: 'web-1' });
    const all = JSON.stringify(rec.events.filter((e) => e.kind !== 'run-start'));
    expect(all).not.toContain('hunter22xyz');
    expect(all).not.toContain(jwt);
  });

  it('says so when the state directory cannot be written (exit 2)', async () => {
    writeFileSync(join(dir, 'not-a-dir'), '');
    const r = await runLab(lab(file, [['A', [sh('true')]]]), { stateDir: join(dir, 'not-a-dir', 'state') });
    expect(r.exitCode).toBe(2);
    expect(r.error).toMatchObject({ code: 'state-dir' });
  });

  it('reports a block that throws as an error (exit 2) with the message', async () => {
    const throwing: Executor<ShBlock> = async () => {
      throw new Error('no cluster here');
    };
    const r = await runLab(lab(file, [['A', [sh('true')]]]), opts({ executors: { sh: throwing } }));
    expect(r.steps[0]!.status).toBe('error');
    expect(r.exitCode).toBe(2);
    expect(r.steps[0]!.blocks[0]!.message).toContain('no cluster here');
  });
});
