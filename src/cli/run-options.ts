// The flags `run` and `update` share, and how they map onto RunOptions.
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { RunOptions } from '../engine/types.js';
import { bashVariableProblem } from '../match/shell-names.js';
import type { Reporter } from '../report/types.js';
import { configOf, type CliContext } from './context.js';
import type { ReporterFlags } from './reporters.js';
import { parseClusterOverride, type ClusterOverride } from './cluster-setup.js';

export interface RunFlags extends ReporterFlags {
  var: Record<string, string>;
  from?: string;
  only?: string;
  keepGoing?: boolean;
  cleanup: boolean;
  force?: boolean;
  stateDir?: string;
  reuse?: boolean;
  keep?: boolean;
  context?: string;
  nodeImage?: string;
  ssh: Record<string, string>;
  sshConfig?: string;
  cluster?: ClusterOverride;
  /** false with --no-setup. */
  setup: boolean;
  /** `run` only (addVersionOptions): `--kubernetes`, `--in-range`, `--shard`. */
  kubernetes?: string[];
  inRange?: boolean;
  shard?: string;
}

export function parseVar(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  const key = eq > 0 ? value.slice(0, eq) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw new InvalidArgumentError('expected K=V with K a shell variable name (letters, digits, _), e.g. --var NS=demo');
  }
  const problem = bashVariableProblem(key);
  if (problem) throw new InvalidArgumentError(`${problem}; lab vars need other names (rename it in the lab's \`vars:\`)`);
  return { ...previous, [key]: value.slice(eq + 1) };
}

/** `--ssh NODE=TARGET`: how to reach a node of an `existing` cluster that is not a kind container. */
export function parseSshTarget(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) {
    throw new InvalidArgumentError('expected NODE=TARGET, e.g. --ssh worker-0=admin@10.0.0.12');
  }
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--var <K=V>', 'set a lab variable (repeatable); overrides the front matter vars', parseVar, {})
    .option('--from <step>', 'start at this step (number, slug or title); earlier steps are skipped')
    .option('--only <step>', 'run only this step (number, slug or title)')
    .option('--keep-going', 'go on with the next steps after a step fails')
    .option('--no-cleanup', 'leave what the lab changed in place; `kubelab cleanup` undoes it later')
    .option('--force', 'start although an unfinished run of this lab left a journal (cleanup first with `kubelab cleanup`)')
    .option('--reporter <name>', 'terminal (default), dot, silent, github, junit, json (repeatable)', collect, [])
    .option('--junit <file>', 'also write a JUnit XML report to FILE')
    .option('--json <file>', 'also write the JSON run report to FILE (docs/report-schema.md)')
    .option('--state-dir <dir>', 'where cleanup journals live (default: $KUBELAB_STATE_DIR or ~/.local/state/kubelab)')
    .option('--reuse', 'kind: reuse a running cluster of the lab\'s name instead of creating one')
    .option('--keep', 'kind: keep the cluster kubelab created after the run')
    .option('--context <name>', 'existing clusters: the kubeconfig context to use')
    .option('--node-image <image>', 'kind: node image (default: the one `kubelab setup` made for the lab\'s version, or $KUBELAB_NODE_IMAGE)')
    .option('--no-setup', 'kind: do not set up missing cluster tools (kind, the node image, kubectl); refuse instead and say what is missing')
    .option('--cluster <provider>', 'run a cluster lab on this provider instead of its front matter\'s: existing (your current context, or --context) or kind', parseClusterOverride)
    .option('--ssh <NODE=TARGET>', 'existing clusters: reach NODE over ssh at TARGET (user@host, or ssh://user@host:port) instead of docker exec (repeatable)', parseSshTarget, {})
    .option('--ssh-config <file>', 'existing clusters: the ssh client configuration for --ssh (ssh -F FILE: keys, ports, known hosts)');
}

/** `run`'s version and fan-out flags (not `update`'s: it rewrites a lab from one run). */
export function addVersionOptions(cmd: Command): Command {
  return cmd
    .option('--kubernetes <versions>', 'run each lab once per Kubernetes version, each on its own cluster: 1.35, v1.36.3, comma lists, `range` (each lab\'s versions in its range) or `all` (repeatable); default: each lab\'s own version', collect, [])
    .option('--in-range', 'leave out the (lab, version) pairs whose version is outside the lab\'s `kubernetes:` range')
    .option('--shard <i/n>', 'run only the i-th of n shares of the (lab, version) pairs (deterministic; see docs/ci.md)');
}

/**
 * The run options of one lab. `config`: the configuration of the Kubernetes version it runs on
 * (default: the command's, from cluster.env and the environment).
 */
export function toRunOptions(flags: RunFlags, labFile: string, ctx: CliContext, reporters: Reporter[], config = configOf(ctx, flags)): RunOptions {
  const cluster: NonNullable<RunOptions['cluster']> = {};
  if (flags.reuse) cluster.reuse = true;
  if (flags.keep) cluster.keep = true;
  if (flags.context !== undefined) cluster.context = flags.context;
  if (flags.nodeImage !== undefined) cluster.nodeImage = flags.nodeImage;
  if (Object.keys(flags.ssh ?? {}).length > 0) cluster.sshTargets = flags.ssh;
  if (flags.sshConfig !== undefined) cluster.sshConfig = resolve(ctx.cwd, flags.sshConfig);
  return {
    vars: flags.var,
    from: flags.from,
    only: flags.only,
    keepGoing: flags.keepGoing === true,
    cleanup: flags.cleanup,
    force: flags.force === true,
    config,
    reporters,
    signal: ctx.signal,
    cluster,
    labPath: resolve(ctx.cwd, labFile),
    cwd: dirname(resolve(ctx.cwd, labFile)),
  };
}
