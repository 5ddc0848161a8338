// Builders for reporter tests: a small lab, its steps and blocks, and the events a run emits.
import { summarize } from '../../src/engine/summary.js';
import type { BlockResult, CleanupResult, RunEvent, RunReport, StepReport } from '../../src/engine/types.js';
import type { Block, BlockAttrs, Lab, ShBlock, Step } from '../../src/lab/model.js';

export const FILE = 'labs/demo.md';

export function attrs(over: Partial<BlockAttrs> = {}): BlockAttrs {
  return { cleanup: false, verify: false, hint: false, solution: false, skip: false, unordered: false, secret: false, stream: 'both', raw: {}, ...over };
}

export function shBlock(id: string, line: number, command: string): ShBlock {
  return { kind: 'sh', id, pos: { file: FILE, line }, attrs: attrs(), command };
}

export function step(index: number, title: string, line: number, blocks: Block[]): Step {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return { index, title, slug, pos: { file: FILE, line }, prose: '', blocks };
}

export function lab(steps: Step[]): Lab {
  return { file: FILE, source: '', title: 'Demo lab', id: 'demo', cluster: { provider: 'none' }, vars: {}, timeout: 120_000, steps, cleanup: [] };
}

export function result(block: Block, over: Partial<BlockResult> = {}): BlockResult {
  return {
    id: block.id,
    kind: block.kind,
    pos: block.pos,
    status: 'passed',
    command: block.kind === 'sh' ? block.command : block.kind,
    exitCode: 0,
    signal: null,
    timedOut: false,
    attempts: 1,
    durationMs: 120,
    output: '',
    stdout: '',
    stderr: '',
    ...over,
  };
}

export function stepReport(s: Step, blocks: BlockResult[], status: StepReport['status'] = blocks.some((b) => b.status === 'failed') ? 'failed' : 'passed'): StepReport {
  return { index: s.index, title: s.title, slug: s.slug, pos: s.pos, status, durationMs: blocks.reduce((n, b) => n + b.durationMs, 0), blocks };
}

export function runReport(l: Lab, steps: StepReport[], cleanup: CleanupResult[] = [], over: Partial<RunReport> = {}): RunReport {
  const summary = summarize(steps, cleanup);
  const failed = summary.failed > 0;
  return {
    schemaVersion: 1,
    kubelab: '0.1.0',
    runId: 'run-1',
    lab: { file: l.file, title: l.title, id: l.id },
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:02.500Z',
    durationMs: 2500,
    status: failed ? 'failed' : 'passed',
    exitCode: failed ? 1 : 0,
    steps,
    cleanup,
    summary,
    ...over,
  };
}

/** The events of a run that produced `report` for `l`, in the order the runner emits them. */
export function eventsOf(l: Lab, report: RunReport): RunEvent[] {
  const events: RunEvent[] = [{ kind: 'run-start', lab: l, runId: report.runId, total: l.steps.length, startedAt: report.startedAt }];
  for (const sr of report.steps) {
    const s = l.steps[sr.index]!;
    events.push({ kind: 'step-start', step: s, index: s.index, total: l.steps.length });
    for (const br of sr.blocks) {
      const b = s.blocks.find((x) => x.id === br.id)!;
      events.push({ kind: 'block-start', step: s, block: b });
      if (br.stdout) events.push({ kind: 'block-output', block: b, stream: 'stdout', chunk: br.stdout });
      events.push({ kind: 'block-end', step: s, block: b, result: br });
    }
    events.push({ kind: 'step-end', step: s, report: sr });
  }
  if (report.cleanup.length > 0) {
    events.push({ kind: 'cleanup-start', count: report.cleanup.length });
    for (const c of report.cleanup) events.push({ kind: 'cleanup-end', result: c });
  }
  events.push({ kind: 'run-end', report });
  return events;
}

/** A three-step run: passed, failed with a diff (and control characters in its output), skipped. */
export function sampleRun(): { lab: Lab; report: RunReport; events: RunEvent[] } {
  const b1 = shBlock('create-a-file/1', 10, 'echo hello');
  const b2 = shBlock('check-it/1', 20, 'cat out.txt');
  const b3 = shBlock('never/1', 30, 'true');
  const steps = [step(0, 'Create a file', 8, [b1]), step(1, 'Check <it> & "quote"', 18, [b2]), step(2, 'Never', 28, [b3])];
  const l = lab(steps);
  const r1 = result(b1, { stdout: 'hello\n', output: 'hello\n' });
  const r2 = result(b2, {
    status: 'failed',
    stdout: 'hullo\x1b[31m\x07 <b>\n',
    stderr: 'warn: odd\n',
    output: 'hullo\x1b[31m\x07 <b>\nwarn: odd\n',
    expected: 'hello',
    expectedPos: { file: FILE, line: 22 },
    diff: '--- expected\n+++ actual\n@@ -1 +1 @@\n-hello\n+hullo <b>\n',
    message: 'output differs from lab.md:22',
    hint: 'run `kubelab update` if the new output is right',
  });
  const report = runReport(
    l,
    [stepReport(steps[0]!, [r1]), stepReport(steps[1]!, [r2]), stepReport(steps[2]!, [result(b3, { status: 'skipped', durationMs: 0 })], 'skipped')],
    [
      { label: 'cleanup block cleanup/1', source: 'cleanup-block', status: 'passed', durationMs: 30 },
      { label: 'restore /etc/x on kind-worker', source: 'undo', status: 'failed', durationMs: 40, message: 'no such file', output: 'cp: cannot stat', pos: { file: FILE, line: 40 } },
    ],
  );
  return { lab: l, report, events: eventsOf(l, report) };
}
