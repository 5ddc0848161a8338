// `kubelab run LAB.md...`: run labs in order, each once per Kubernetes version asked for
// (`--kubernetes`), or one shard of those (lab, version) pairs (`--shard`); the exit code is the
// worst of their reports'.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Lab } from '../../lab/model.js';
import type { RunOptions, RunReport } from '../../engine/types.js';
import { loadConfig, type KubelabConfig } from '../../config.js';
import { UsageError } from '../../errors.js';
import { createJsonReporter, type JsonReporter, type JsonReporterOptions } from '../../report/json.js';
import { formatMatrix } from '../../report/terminal.js';
import type { Reporter } from '../../report/types.js';
import { buildMatrix } from '../../versions/matrix.js';
import { parseShard, planRuns, selectShard, versionedClusterName, versionLabel, versionRequest, type PlannedRun, type Shard } from '../../versions/plan.js';
import { versionReporter, withKubernetes } from '../../versions/reporters.js';
import { type CliCommand, type CliContext, configOf, worstExitCode } from '../context.js';
import { printError } from '../errors.js';
import { clusterToolsEnv, readyRunClusters, withClusterProvider } from '../cluster-setup.js';
import type { ClusterTools } from '../../setup/setup.js';
import { loadLab } from '../load.js';
import { buildReporters } from '../reporters.js';
import { addRunOptions, addVersionOptions, type RunFlags, toRunOptions } from '../run-options.js';

/** kind's cluster name when a lab names none (src/cluster/kind.ts; not imported: it loads the cluster code). */
const DEFAULT_KIND_CLUSTER = 'kubelab';

export const runCommand: CliCommand = {
  name: 'run',
  register(program: Command, ctx: CliContext) {
    addVersionOptions(
      addRunOptions(
        program
          .command('run')
          .summary('run labs step by step, check the outputs, clean up')
          .description('Run each lab in order in one bash session per lab, check exit codes and expected outputs, run the typed actions, then clean up (also after a failure or Ctrl-C). With --kubernetes, once per version, each on its own cluster; with --shard, one share of the (lab, version) pairs.')
          .argument('<labs...>', 'lab markdown files'),
      ),
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
 * Run labs in order (or a shard's pairs in pair-key order); stop at an interrupt. The exit code is
 * the worst of the reports' own `exitCode`s (what the reporters showed), never recomputed here;
 * only runs that never started because of an interrupt add the interrupt's code. A report file
 * that could not be written (--json, --junit) is said on stderr and makes it 2.
 */
export async function runLabs(files: string[], flags: RunFlags, ctx: CliContext, hooks: RunLabsHooks = {}): Promise<number> {
  const { after } = hooks;
  const loaded = await loadLabs(files, ctx);
  if (!loaded) return 2;
  const labs = loaded.map((lab) => withClusterProvider(lab, flags.cluster));
  const request = versionRequest(flags.kubernetes, flags.inRange === true);
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  const planned = planRuns(labs, request);
  const runs = selectShard(planned, shard);
  checkVersionFlags(runs, flags);
  // A run set (runs, plan, matrix) when versions were asked for or the run is a shard.
  const runSet = request.words.length > 0 || shard !== undefined ? { labs: labs.map((l) => ({ file: l.file, id: l.id, title: l.title, ...(l.kubernetes !== undefined ? { range: l.kubernetes } : {}) })), pairs: planned.map((r) => r.pair), ...(shard ? { shard } : {}) } : undefined;
  // Also checks that --json/--junit can be written, before a long run (or set-up) is spent on them.
  const { reporters } = buildRunReporters(flags, ctx, runSet);
  if (shard) ctx.stderr.write(`kubelab: shard ${shard.index}/${shard.total}: ${describeShare(runs, planned, shard)}\n`);
  // Only the versions this run (or shard) needs are set up, each once.
  const toolsOf = await readyRunClusters(runs, flags, ctx);
  const configs = new Map(runs.map((r) => [r, configFor(r, flags, ctx, toolsOf(r))]));
  // Loaded here, not at the top: the engine pulls in the Kubernetes client, which would make
  // every command (`lint`, `--help`) slow to start.
  const { runLab } = await import('../../engine/runner.js');
  let exit = 0;
  const notStarted: PlannedRun[] = [];
  const done: RunReport[] = [];
  for (const run of runs) {
    if (ctx.signal.aborted) {
      notStarted.push(run);
      continue;
    }
    const lab = run.versioned && run.lab.cluster.provider === 'kind' ? { ...run.lab, cluster: { ...run.lab.cluster, name: clusterNameOf(run) } } : run.lab;
    // Every report has its version; the header line says it where it is known to matter: a run
    // set, a lab that names its versions, a kind cluster made from that version's set-up.
    const header = runSet !== undefined || run.lab.kubernetes !== undefined || toolsOf(run) !== undefined;
    const onVersion = [versionReporter(reporters, run.kubernetes, { header, cluster: lab.cluster.provider === 'kind' && run.versioned ? lab.cluster.name : undefined })];
    const options = { ...toRunOptions(flags, run.lab.file, ctx, onVersion, configs.get(run)), ...hooks.options };
    const report = withKubernetes(await runLab(lab, options), run.kubernetes);
    done.push(report);
    const code = after ? await after(run.lab, report) : report.exitCode;
    exit = worstExitCode(exit, code);
    if (report.status === 'interrupted') {
      notStarted.push(...runs.slice(runs.indexOf(run) + 1));
      break;
    }
  }
  // File reporters write what no run-end wrote (a shard with nothing to run).
  for (const r of reporters) await r.finish?.();
  if (showsMatrix(runs, runSet !== undefined, reporters)) {
    ctx.stdout.write(formatMatrix(buildMatrix(done, runSet ? runs.map((r) => r.pair) : [], runSet?.labs), ctx.color));
  }
  if (notStarted.length > 0 && ctx.signal.aborted) {
    ctx.stderr.write(`kubelab: interrupted; not run: ${notStarted.map((r) => (runSet ? `${r.lab.file} on ${versionLabel(r.release)}` : r.lab.file)).join(', ')}\n`);
    exit = worstExitCode(exit, interruptExitCode(ctx.signal));
  }
  for (const problem of reporters.flatMap((r) => r.problems?.() ?? [])) {
    printError(ctx, problem);
    exit = worstExitCode(exit, problem.exitCode);
  }
  return exit;
}

/**
 * A run's configuration. Versioned: its version's (cluster-VERSION.env, which the set-up just
 * readied), never the default version's tools. Else the command's, with what the set-up readied
 * under the user's own KUBELAB_* (as `learn` does). The lab's shell gets KUBELAB_K8S_VERSION, the
 * version the run is for.
 */
function configFor(run: PlannedRun, flags: RunFlags, ctx: CliContext, tools: ClusterTools | undefined): KubelabConfig {
  const toolsEnv = tools ? clusterToolsEnv(tools) : {};
  const config = run.versioned ? withTools(loadConfig(ctx.env, { stateDir: flags.stateDir }, ctx.cwd, { kubernetes: run.release.version }), tools) : configOf({ cwd: ctx.cwd, env: { ...toolsEnv, ...ctx.env } }, flags);
  return { ...config, env: { ...config.env, KUBELAB_K8S_VERSION: run.release.version } };
}

function withTools(config: KubelabConfig, tools: ClusterTools | undefined): KubelabConfig {
  if (!tools) return config;
  return { ...config, tools: { ...config.tools, kind: tools.kind, kubectl: tools.kubectl }, nodeImage: tools.nodeImage };
}

function clusterNameOf(run: PlannedRun): string {
  return versionedClusterName(run.lab.cluster.name ?? DEFAULT_KIND_CLUSTER, run.release);
}

/** The reporters of the flags; with a run set, the JSON reporter writes it (and is returned too). */
function buildRunReporters(flags: RunFlags, ctx: CliContext, runSet: JsonReporterOptions['runSet']): { reporters: Reporter[]; json?: JsonReporter } {
  if (!runSet) return { reporters: buildReporters(flags, ctx) };
  const named = flags.reporter ?? [];
  if (named.includes('json') && !flags.json) throw new UsageError('usage', '--reporter json needs a file', { hint: 'use --json FILE instead' });
  const others = named.filter((n) => n !== 'json');
  // `--reporter json` alone means no terminal output: keep it so without the json reporter.
  const reporters = buildReporters({ ...flags, json: undefined, reporter: named.length > 0 && others.length === 0 ? ['silent'] : others }, ctx);
  if (!flags.json) return { reporters };
  const json = createJsonReporter({ outputFile: resolve(ctx.cwd, flags.json), runSet });
  return { reporters: [...reporters, json], json };
}

/** Flags that cannot hold for several versions of one lab. */
function checkVersionFlags(runs: readonly PlannedRun[], flags: RunFlags): void {
  const versionsOf = new Map<Lab, number>();
  for (const r of runs) versionsOf.set(r.lab, (versionsOf.get(r.lab) ?? 0) + 1);
  const several = [...versionsOf].find(([, n]) => n > 1);
  if (!several) return;
  if (flags.cleanup === false) {
    throw new UsageError('usage', `--no-cleanup with several Kubernetes versions of ${several[0].file}: the next version's run would find the first one's journal`, { hint: 'leave things in place for one version at a time: --kubernetes 1.36 --no-cleanup' });
  }
  if (flags.nodeImage !== undefined && new Set(runs.map((r) => r.release)).size > 1) {
    throw new UsageError('usage', '--node-image with several Kubernetes versions: each version runs on its own node image', { hint: 'give one --kubernetes version with --node-image, or leave --node-image out (each version\'s image comes from `kubelab setup --kubernetes VERSION`)' });
  }
}

function describeShare(runs: readonly PlannedRun[], planned: readonly PlannedRun[], shard: Shard): string {
  if (runs.length === 0) return `nothing to run (${planned.length} (lab, version) pairs in all, fewer than ${shard.total} shards)`;
  return `${runs.length} of ${planned.length} (lab, version) pairs: ${runs.map((r) => `${r.lab.file} on ${versionLabel(r.release)}`).join(', ')}`;
}

/** The matrix at the end: when versions or shards were asked for, and a terminal reporter shows the run. */
function showsMatrix(runs: readonly PlannedRun[], runSet: boolean, reporters: readonly Reporter[]): boolean {
  return runs.length > 0 && runSet && reporters.some((r) => r.name === 'terminal');
}
