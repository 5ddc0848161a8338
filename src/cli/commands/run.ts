// `kubelab run LAB.md...`: run labs in order; the exit code is the worst of their reports'.
import type { Command } from 'commander';
import type { Lab } from '../../lab/model.js';
import type { RunOptions, RunReport } from '../../engine/types.js';
import { type CliCommand, type CliContext, worstExitCode } from '../context.js';
import { printError } from '../errors.js';
import { prepareLabClusters } from '../cluster-setup.js';
import { loadLab } from '../load.js';
import { buildReporters } from '../reporters.js';
import { addRunOptions, type RunFlags, toRunOptions } from '../run-options.js';

export const runCommand: CliCommand = {
  name: 'run',
  register(program: Command, ctx: CliContext) {
    addRunOptions(
      program
        .command('run')
        .summary('run labs step by step, check the outputs, clean up')
        .description('Run each lab in order in one bash session per lab, check exit codes and expected outputs, run the typed actions, then clean up (also after a failure or Ctrl-C).')
        .argument('<labs...>', 'lab markdown files'),
    ).action(async (files: string[], flags: RunFlags) => {
      ctx.exitCode = await runLabs(files, flags, ctx);
    });
  },
};

/** Parse every lab first (a typo in the third lab fails before the first one touches a cluster). */
export async function loadLabs(files: string[], ctx: CliContext): Promise<Lab[] | undefined> {
  const labs: Lab[] = [];
  const errors: unknown[] = [];
  for (const file of files) {
    try {
      labs.push(await loadLab(file, ctx.cwd));
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 0) return labs;
  if (errors.length === 1) throw errors[0];
  for (const err of errors) printError(ctx, err);
  return undefined;
}

export function interruptExitCode(signal: AbortSignal): number {
  return signal.reason === 'SIGTERM' ? 143 : 130;
}

export interface RunLabsHooks {
  /** Called with each lab's report; returns that lab's exit code (for `update`). */
  after?: (lab: Lab, report: RunReport) => Promise<number>;
  /** Run options no flag sets (e.g. `update`'s continueOnOutputMismatch). */
  options?: Partial<RunOptions>;
}

/**
 * Run labs in order; stop at an interrupt. The exit code is the worst of the reports' own
 * `exitCode`s (what the reporters showed), never recomputed here; only labs that never started
 * because of an interrupt add the interrupt's code. A report file that could not be written
 * (--json, --junit) is said on stderr and makes it 2.
 */
export async function runLabs(files: string[], flags: RunFlags, ctx: CliContext, hooks: RunLabsHooks = {}): Promise<number> {
  const { after } = hooks;
  const loaded = await loadLabs(files, ctx);
  if (!loaded) return 2;
  // Also checks that --json/--junit can be written, before a long run (or set-up) is spent on them.
  const reporters = buildReporters(flags, ctx);
  const { labs, envOf } = await prepareLabClusters(loaded, flags, ctx);
  // Loaded here, not at the top: the engine pulls in the Kubernetes client, which would make
  // every command (`lint`, `--help`) slow to start.
  const { runLab } = await import('../../engine/runner.js');
  let exit = 0;
  const notStarted: Lab[] = [];
  for (const lab of labs) {
    if (ctx.signal.aborted) {
      notStarted.push(lab);
      continue;
    }
    const report = await runLab(lab, { ...toRunOptions(flags, lab.file, ctx, reporters, envOf(lab)), ...hooks.options });
    const code = after ? await after(lab, report) : report.exitCode;
    exit = worstExitCode(exit, code);
    if (report.status === 'interrupted') {
      notStarted.push(...labs.slice(labs.indexOf(lab) + 1));
      break;
    }
  }
  if (notStarted.length > 0 && ctx.signal.aborted) {
    ctx.stderr.write(`kubelab: interrupted; not run: ${notStarted.map((l) => l.file).join(', ')}\n`);
    exit = worstExitCode(exit, interruptExitCode(ctx.signal));
  }
  for (const problem of reporters.flatMap((r) => r.problems?.() ?? [])) {
    printError(ctx, problem);
    exit = worstExitCode(exit, problem.exitCode);
  }
  return exit;
}
