// runLab: run a lab's steps in one persistent shell, emit events, always clean up. Every block
// goes through executeBlock (./execute.ts); this file decides which blocks run, in what order,
// and what the run's status and exit code are.
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Block, Lab, Step } from '../lab/model.js';
import type { BlockResult, CleanupResult, RunEvent, RunReport, RunStatus, StepReport, StepStatus } from '../model/report.js';
import type { RunOptions, Shell } from './types.js';
import type { ClusterHandle } from '../cluster/types.js';
import type { BlockSession } from './context.js';
import { summarize } from './summary.js';
import { dispatch } from '../report/types.js';
import { EnvironmentError, KubelabError, UsageError } from '../errors.js';
import { getProvider } from '../cluster/index.js';
import { VERSION } from '../version.js';
import { openShell } from './shell.js';
import { Journal } from './journal.js';
import { journalUndoSink } from './journal-sink.js';
import { runCleanupPhase, cleanupLabel } from './cleanup-phase.js';
import { executeBlock, skippedResult } from './execute.js';
import { Redactor } from './redact.js';
import { AFTER_FAILED_BLOCK, isOutputOnlyMismatch } from './mismatch.js';
import { defaultConfig } from '../config.js';

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

/** Exit codes of interrupts, by the abort reason the CLI gives. */
const INTERRUPT_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export async function runLab(lab: Lab, options: RunOptions = {}): Promise<RunReport> {
  const runId = newRunId();
  const reporters = options.reporters ?? [];
  const redactor = new Redactor();
  const startedAt = new Date();
  const t0 = performance.now();
  const config = options.config ?? defaultConfig();
  const runSignal = options.signal ?? new AbortController().signal;
  const stateDir = options.stateDir ?? config.stateDir;
  const labPath = options.labPath ?? resolve(lab.file);
  const cwd = resolve(options.cwd ?? dirname(labPath));
  const vars: Record<string, string> = { ...lab.vars, ...options.vars };

  // Reporter calls are serialized, so output chunks and progress lines keep their order.
  let chain: Promise<void> = Promise.resolve();
  const emit = (event: RunEvent): Promise<void> => (chain = chain.then(() => dispatch(reporters, event)).catch(() => undefined));
  const progress = (message: string) => void emit({ kind: 'progress', message: redactor.redact(message) });

  const steps: StepReport[] = lab.steps.map((s) => ({ index: s.index, title: s.title, slug: s.slug, pos: s.pos, status: 'skipped', durationMs: 0, blocks: s.blocks.map((b) => skippedResult(b)) }));
  let cleanup: CleanupResult[] = [];
  let error: RunReport['error'];

  await emit({ kind: 'run-start', lab, runId, total: lab.steps.length, startedAt: startedAt.toISOString() });

  const fail = (e: unknown) => {
    if (e instanceof KubelabError) error = { code: e.code, message: redactor.redact(e.message), hint: e.hint, pos: e.pos };
    else error = { code: 'internal', message: redactor.redact(e instanceof Error ? e.message : String(e)), hint: 'this is a bug in kubelab; please report it with the lab' };
  };

  let journal: Journal | undefined;
  let shell: Shell | undefined;
  let cluster: ClusterHandle | undefined;
  const openLabShell = async (): Promise<Shell> => {
    const s = await openShell({ cwd, env: { ...config.env, ...vars } });
    const groups = s.processGroups?.();
    if (groups) journal?.setProcessGroups([groups]);
    return s;
  };
  // What the lab's blocks share; cleanup gets a copy with its own signal (an interrupt stops the
  // steps, not the cleanup).
  let session: BlockSession | undefined;
  try {
    const selected = selectSteps(lab, options);
    try {
      journal = Journal.create(stateDir, lab, { runId, cwd, vars: { ...vars }, force: options.force, labPath });
    } catch (e) {
      if (e instanceof KubelabError) throw e;
      throw new EnvironmentError('state-dir', `cannot write the cleanup journal in ${stateDir}: ${(e as Error).message}`, { hint: 'point --state-dir or KUBELAB_STATE_DIR at a writable directory' });
    }
    const j = journal;
    cluster = await getProvider(lab.cluster.provider).setup(lab, { ...options.cluster, config, stateDir, signal: runSignal, progress }, (undo) => Promise.resolve(j.registerUndo(undo, true)));
    if (cluster) {
      for (const [k, v] of Object.entries({ ...cluster.shellEnv, KUBECONFIG: cluster.kubeconfigPath })) {
        vars[k] = v;
        j.setVar(k, v);
      }
    }
    if (runSignal.aborted) throw new Error('aborted');
    shell = await openLabShell();
    const s: BlockSession = (session = {
      lab,
      shell,
      vars,
      cluster,
      undo: journalUndoSink(j),
      signal: runSignal,
      redactor,
      progress,
      output: (block, stream, chunk) => void emit({ kind: 'block-output', block, stream, chunk }),
      captured: (captures, secret) => {
        for (const [name, value] of Object.entries(captures)) j.setVar(name, value, secret);
      },
      capturesOnOutputMismatch: options.continueOnOutputMismatch === true,
      executors: options.executors,
    });
    // A crash must leave `kubelab cleanup` the state its cleanup blocks would have had.
    const keepState = lab.cleanup.length > 0 || lab.steps.some((st) => st.blocks.some((b) => b.attrs.cleanup));
    const saveState = async () => {
      // Secret values stay off disk: the snapshot leaves them out.
      if (keepState && s.shell.snapshot) j.saveShellState(await s.shell.snapshot({ exclude: j.data.secretNames }));
      const groups = s.shell.processGroups?.();
      if (groups) j.setProcessGroups([groups]);
    };

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
          // It runs at cleanup, last-in first-out with the undos, as a block (its timeout, exit
          // code and expected output), from the directory the shell is in now.
          await j.registerUndo({ kind: 'cleanup-block', label: cleanupLabel(block), block, cwd: await s.shell.cwd(), pos: block.pos });
          await saveState();
          results.push(skippedResult(block, 'runs at cleanup'));
          continue;
        }
        await emit({ kind: 'block-start', step, block });
        const result = await executeBlock(s, step, block);
        results.push(result);
        await saveState();
        await emit({ kind: 'block-end', step, block, result });
        const goOn = options.continueOnOutputMismatch === true && isOutputOnlyMismatch(block, result);
        if ((result.status === 'failed' || result.status === 'error') && !goOn) stepFailed = true;
      }
      const report: StepReport = { index: step.index, title: step.title, slug: step.slug, pos: step.pos, status: stepStatus(results), durationMs: performance.now() - stepStarted, blocks: results };
      if (runSignal.aborted && report.status === 'passed') report.status = 'skipped';
      steps[step.index] = report;
      await emit({ kind: 'step-end', step, report });
      if ((report.status === 'failed' || report.status === 'error') && !options.keepGoing) stop = true;
    }
  } catch (e) {
    if (!runSignal.aborted) fail(e);
  }

  // Cleanup: always (an interrupted run too), unless --no-cleanup.
  if (journal) {
    const j = journal;
    if (options.cleanup === false) {
      const pending = j.stack.unfinished + lab.cleanup.length;
      if (pending === 0) j.remove();
      else progress(`cleanup skipped (--no-cleanup): ${pending} item(s) left; run \`kubelab cleanup\` to undo them (journal ${j.path})`);
    } else {
      const cleanupSignal = new AbortController().signal;
      try {
        cleanup = await runCleanupPhase({
          journal: j,
          lab,
          session: async () => {
            shell ??= await openLabShell();
            return { ...(session ?? { lab, vars, cluster, undo: journalUndoSink(j), redactor, progress, executors: options.executors }), shell, signal: cleanupSignal, output: undefined };
          },
          reporters,
          progress,
          tools: config.tools,
        });
      } catch (e) {
        cleanup.push({ label: 'cleanup', source: 'undo', status: 'failed', durationMs: 0, message: redactor.redact(e instanceof Error ? e.message : String(e)) });
      }
      if (cleanup.every((c) => c.status === 'passed') && j.stack.unfinished === 0) j.remove();
      else progress(`cleanup incomplete: run \`kubelab cleanup\` to retry (journal ${j.path})`);
    }
  }
  await shell?.close().catch(() => undefined);

  // An interrupt during cleanup counts too: the report and the exit code must agree.
  const interrupted = runSignal.aborted;
  const summary = summarize(steps, cleanup);
  const blocks = steps.flatMap((s) => s.blocks);
  const blockError = blocks.find((b) => b.status === 'error');
  if (!error && blockError && !interrupted) error = { code: 'block-error', message: blockError.message ?? `block ${blockError.id} could not run`, hint: blockError.hint, pos: blockError.pos };

  let status: RunStatus;
  let exitCode: number;
  if (interrupted) {
    status = 'interrupted';
    exitCode = INTERRUPT_EXIT[String(runSignal.reason)] ?? 130;
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
