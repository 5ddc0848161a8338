// runLab: run a lab's steps in one persistent shell, emit events, always clean up.
import { summarize } from './summary.js';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Block, Lab, Step } from '../lab/model.js';
import type { BlockResult, CleanupResult, ExecContext, ExecOutcome, Executors, RunEvent, RunOptions, RunReport, RunStatus, Shell, StepReport, StepStatus, Undo } from './types.js';
import type { ClusterHandle } from '../cluster/types.js';
import { dispatch } from '../report/types.js';
import { EnvironmentError, KubelabError, UsageError, formatPos } from '../errors.js';
import { getProvider } from '../cluster/index.js';
import { VERSION } from '../version.js';
import { openShell } from './shell.js';
import { Journal, defaultStateDir } from './journal.js';
import { runCleanupPhase } from './cleanup-phase.js';
import { executors as defaultExecutors } from './executors/index.js';
import { Redactor, REDACTED } from './redact.js';
import { AFTER_FAILED_BLOCK, isOutputOnlyMismatch } from './mismatch.js';

/** Which steps run: `from` / `only` select by slug, title or 1-based number. */
export function selectSteps(lab: Lab, options: Pick<RunOptions, 'from' | 'only'>): Set<number> {
  const find = (flag: string, ref: string): number => {
    const r = ref.trim();
    const n = /^\d+$/.test(r) ? Number(r) - 1 : -1;
    const i = lab.steps.findIndex((s, idx) => idx === n || s.slug === r || s.title === r || s.title.toLowerCase() === r.toLowerCase());
    if (i < 0) {
      const list = lab.steps.map((s, idx) => `  ${idx + 1}. ${s.title} (${s.slug})`).join('\n');
      throw new UsageError('unknown-step', `--${flag} ${ref}: no such step in ${lab.file}; steps:\n${list}`, { hint: 'give a step number, slug or title from the list' });
    }
    return i;
  };
  const all = lab.steps.map((_, i) => i);
  if (options.only !== undefined) return new Set([find('only', options.only)]);
  if (options.from !== undefined) {
    const start = find('from', options.from);
    return new Set(all.filter((i) => i >= start));
  }
  return new Set(all);
}

function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
}

function skippedResult(block: Block, message?: string): BlockResult {
  return {
    id: block.id,
    kind: block.kind,
    name: block.attrs.name,
    pos: block.pos,
    status: 'skipped',
    command: describeBlock(block),
    timedOut: false,
    attempts: 0,
    durationMs: 0,
    output: '',
    stdout: '',
    stderr: '',
    message,
    points: block.attrs.points,
  };
}

function describeBlock(block: Block): string {
  switch (block.kind) {
    case 'sh':
      return block.command;
    case 'apply':
      return `apply ${block.documents.length} object(s)`;
    case 'kubelet-config':
      return `kubelet-config on ${block.node}`;
    case 'access-review':
      return `access-review ${block.verb} ${block.resource} (${block.rows.length} row(s))`;
  }
}

function whySkipped(block: Block, verifyOnly: boolean): string | undefined {
  if (block.attrs.skip) return 'skip';
  if (block.attrs.hint) return 'hint';
  if (block.attrs.solution) return 'solution';
  if (verifyOnly && !block.attrs.verify) return 'not a verify block';
  return undefined;
}

function stepStatus(blocks: BlockResult[]): StepStatus {
  if (blocks.some((b) => b.status === 'error')) return 'error';
  if (blocks.some((b) => b.status === 'failed')) return 'failed';
  if (blocks.length > 0 && blocks.every((b) => b.status === 'skipped')) return 'skipped';
  return 'passed';
}

export async function runLab(lab: Lab, options: RunOptions = {}): Promise<RunReport> {
  const runId = newRunId();
  const reporters = options.reporters ?? [];
  const redactor = new Redactor();
  const startedAt = new Date();
  const t0 = performance.now();
  const executors: Executors = { ...defaultExecutors, ...options.executors };
  const runSignal = options.signal ?? new AbortController().signal;
  const stateDir = options.stateDir ?? defaultStateDir();
  const cwd = resolve(options.cwd ?? dirname(resolve(lab.file)));
  const vars: Record<string, string> = { ...lab.vars, ...options.vars };
  const secretNames = new Set<string>();

  // Reporter calls are serialized, so output chunks and progress lines keep their order.
  let chain: Promise<void> = Promise.resolve();
  const emit = (event: RunEvent): Promise<void> => (chain = chain.then(() => dispatch(reporters, event)).catch(() => undefined));
  const progress = (message: string) => void emit({ kind: 'progress', message: redactor.redact(message) });

  const steps: StepReport[] = lab.steps.map((s) => ({ index: s.index, title: s.title, slug: s.slug, pos: s.pos, status: 'skipped', durationMs: 0, blocks: s.blocks.map((b) => skippedResult(b)) }));
  let cleanup: CleanupResult[] = [];
  let error: RunReport['error'];
  let interrupted = false;

  await emit({ kind: 'run-start', lab, runId, total: lab.steps.length, startedAt: startedAt.toISOString() });

  const fail = (e: unknown) => {
    if (e instanceof KubelabError) error = { code: e.code, message: redactor.redact(e.message), hint: e.hint, pos: e.pos };
    else error = { code: 'internal', message: redactor.redact(e instanceof Error ? e.message : String(e)), hint: 'this is a bug in kubelab; please report it with the lab' };
  };

  let journal: Journal | undefined;
  let shell: Shell | undefined;
  let cluster: ClusterHandle | undefined;
  try {
    const selected = selectSteps(lab, options);
    try {
      journal = Journal.create(stateDir, lab, { runId, cwd, vars: { ...vars }, force: options.force });
    } catch (e) {
      if (e instanceof KubelabError) throw e;
      throw new EnvironmentError('state-dir', `cannot write the cleanup journal in ${stateDir}: ${(e as Error).message}`, { hint: 'point --state-dir or KUBELAB_STATE_DIR at a writable directory' });
    }
    const j = journal;
    const registerUndo = async (undo: Undo, setup = false) => j.registerUndo(undo, setup);

    cluster = await getProvider(lab.cluster.provider).setup(lab, { ...options.cluster, stateDir, signal: runSignal, progress }, (undo) => registerUndo(undo, true));
    if (cluster) {
      for (const [k, v] of Object.entries({ ...cluster.shellEnv, KUBECONFIG: cluster.kubeconfigPath })) {
        vars[k] = v;
        j.setVar(k, v);
      }
    }
    if (runSignal.aborted) throw new Error('aborted');
    shell = await openShell({ cwd, env: { ...(process.env as Record<string, string>), ...vars } });
    const sh = shell;

    const contextFor = (step: Step | undefined, block: Block): ExecContext => ({
      lab,
      step,
      shell: sh,
      vars,
      registerUndo: (undo) => registerUndo(undo),
      dropUndo: async (id) => j.dropUndo(id),
      cluster,
      signal: runSignal,
      timeoutMs: block.attrs.timeout ?? lab.timeout,
      progress,
      // A secret block's values are known only once it ended: its output is not streamed.
      onOutput: block.attrs.secret ? undefined : (stream, chunk) => void emit({ kind: 'block-output', block, stream, chunk: redactor.redact(chunk) }),
    });

    let stop = false;
    const notRun = (step: Step, why: string) => (steps[step.index] = { ...steps[step.index]!, blocks: step.blocks.map((b) => skippedResult(b, why)) });
    for (const step of lab.steps) {
      if (!selected.has(step.index)) {
        notRun(step, options.only !== undefined ? 'not selected (--only)' : 'before the --from step');
        continue;
      }
      if (stop || runSignal.aborted) {
        notRun(step, runSignal.aborted ? 'interrupted' : 'an earlier step failed');
        continue;
      }
      const stepStarted = performance.now();
      await emit({ kind: 'step-start', step, index: step.index, total: lab.steps.length });
      const results: BlockResult[] = [];
      let stepFailed = false;
      for (const block of step.blocks) {
        const skip = stepFailed ? AFTER_FAILED_BLOCK : whySkipped(block, !!options.verifyOnly);
        if (skip !== undefined || runSignal.aborted) {
          results.push(skippedResult(block, runSignal.aborted ? 'interrupted' : skip));
          continue;
        }
        if (block.attrs.cleanup) {
          // A command runs last-in, first-out with the undos; other kinds after them.
          if (block.kind === 'sh') {
            const env = Object.fromEntries(Object.entries(vars).filter(([k]) => !secretNames.has(k)));
            await registerUndo({ kind: 'sh', label: `cleanup block ${block.id}`, command: block.command, cwd: await sh.cwd(), env, pos: block.pos });
          } else j.addCleanupBlock(block.id);
          results.push(skippedResult(block, 'runs at cleanup'));
          continue;
        }
        await emit({ kind: 'block-start', step, block });
        const result = await runBlock(block, contextFor(step, block), executors, redactor);
        if (block.attrs.secret) for (const name of Object.keys(result.captures ?? {})) secretNames.add(name);
        for (const [name, value] of Object.entries(vars)) if (!secretNames.has(name)) j.setVar(name, value);
        results.push(result);
        await emit({ kind: 'block-end', step, block, result });
        const goOn = options.continueOnOutputMismatch === true && isOutputOnlyMismatch(block, result);
        if ((result.status === 'failed' || result.status === 'error') && !goOn) stepFailed = true;
        if (runSignal.aborted) interrupted = true;
      }
      const report: StepReport = { index: step.index, title: step.title, slug: step.slug, pos: step.pos, status: stepStatus(results), durationMs: performance.now() - stepStarted, blocks: results };
      if (interrupted && report.status === 'passed') report.status = 'skipped';
      steps[step.index] = report;
      await emit({ kind: 'step-end', step, report });
      if ((report.status === 'failed' || report.status === 'error') && !options.keepGoing) stop = true;
    }
  } catch (e) {
    if (!runSignal.aborted) fail(e);
  }
  if (runSignal.aborted) interrupted = true;

  // Cleanup: always (an interrupted run too), unless --no-cleanup.
  if (journal) {
    const j = journal;
    if (options.cleanup === false) {
      const pending = j.stack.unfinished + j.data.cleanupBlocks.length + lab.cleanup.length;
      if (pending === 0) j.remove();
      else progress(`cleanup skipped (--no-cleanup): ${pending} item(s) left; run \`kubelab cleanup\` to undo them (journal ${j.path})`);
    } else {
      const cleanupSignal = new AbortController().signal;
      try {
        cleanup = await runCleanupPhase({
          journal: j,
          lab,
          shell: async () => shell ?? (shell = await openShell({ cwd, env: { ...(process.env as Record<string, string>), ...vars } })),
          executors,
          context: (block, sh) => ({
            lab,
            shell: sh,
            vars,
            registerUndo: async (undo) => j.registerUndo(undo),
            dropUndo: async (id) => j.dropUndo(id),
            cluster,
            signal: cleanupSignal,
            timeoutMs: block.attrs.timeout ?? lab.timeout,
            progress,
          }),
          reporters,
          redactor,
          progress,
        });
      } catch (e) {
        cleanup.push({ label: 'cleanup', source: 'undo', status: 'failed', durationMs: 0, message: redactor.redact(e instanceof Error ? e.message : String(e)) });
      }
      if (cleanup.every((c) => c.status === 'passed') && j.stack.unfinished === 0) j.remove();
      else progress(`cleanup incomplete: run \`kubelab cleanup\` to retry (journal ${j.path})`);
    }
  }
  await shell?.close().catch(() => undefined);

  const summary = summarize(steps, cleanup);
  const blocks = steps.flatMap((s) => s.blocks);
  const blockError = blocks.find((b) => b.status === 'error');
  if (!error && blockError && !interrupted) error = { code: 'block-error', message: blockError.message ?? `block ${blockError.id} could not run`, hint: blockError.hint, pos: blockError.pos };

  let status: RunStatus;
  let exitCode: number;
  if (interrupted) {
    status = 'interrupted';
    exitCode = runSignal.reason === 'SIGTERM' ? 143 : 130;
  } else if (error) {
    status = 'error';
    exitCode = 2;
  } else if (summary.failed > 0 || summary.cleanupFailures > 0) {
    status = 'failed';
    exitCode = 1;
  } else {
    status = 'passed';
    exitCode = 0;
  }
  const finishedAt = new Date();
  const report: RunReport = {
    schemaVersion: 1,
    kubelab: VERSION,
    runId,
    lab: { file: lab.file, title: lab.title, id: lab.id },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: performance.now() - t0,
    status,
    exitCode,
    steps,
    cleanup,
    summary,
    ...(error ? { error } : {}),
  };
  await emit({ kind: 'run-end', report });
  await chain;
  return report;
}

async function runBlock(block: Block, ctx: ExecContext, executors: Executors, redactor: Redactor): Promise<BlockResult> {
  const started = performance.now();
  let out: ExecOutcome;
  try {
    const exec = executors[block.kind] as (b: Block, c: ExecContext) => Promise<ExecOutcome>;
    out = await exec(block, ctx);
  } catch (e) {
    const ke = e instanceof KubelabError ? e : undefined;
    out = {
      status: 'error',
      command: describeBlock(block),
      exitCode: null,
      signal: null,
      timedOut: false,
      durationMs: performance.now() - started,
      output: '',
      stdout: '',
      stderr: '',
      message: `${e instanceof Error ? e.message : String(e)}${ke?.pos ? '' : ` (${formatPos(block.pos)})`}`,
      hint: ke?.hint,
    };
  }
  if (block.attrs.secret && out.captures) for (const v of Object.values(out.captures)) redactor.addSecret(v);
  const captures = out.captures && (block.attrs.secret ? Object.fromEntries(Object.keys(out.captures).map((k) => [k, REDACTED])) : out.captures);
  return {
    ...out,
    id: block.id,
    kind: block.kind,
    name: block.attrs.name,
    pos: block.pos,
    points: block.attrs.points,
    attempts: out.attempts ?? 1,
    command: redactor.redact(out.command),
    output: redactor.redact(out.output),
    stdout: redactor.redact(out.stdout),
    stderr: redactor.redact(out.stderr),
    diff: redactor.redact(out.diff),
    message: redactor.redact(out.message),
    hint: redactor.redact(out.hint),
    captures: captures && Object.fromEntries(Object.entries(captures).map(([k, v]) => [k, redactor.redact(v)])),
  };
}
