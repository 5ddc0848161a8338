// `kubelab grade`: run a lab's read-only verify blocks against each learner's cluster, a few
// learners at a time, each in its own shell with KUBECONFIG pointing at a private copy of the
// learner's context. Nothing that registers an undo may run: a learner's cluster is never changed.
// What learners can share is done once per grading: the parsed lab, each kubeconfig file's parse,
// each cluster's reachability check (one per kubeconfig, cluster and user) and one temporary
// directory; each learner costs one process of ours, their shell. The Kubernetes client is
// loaded only for a lab that has a cluster.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Block, Lab, Step } from '../lab/model.js';
import type { BlockResult } from '../model/report.js';
import type { Executors, Shell } from '../engine/types.js';
import type { ClusterHandle } from '../cluster/types.js';
import { KubelabError, LabError, formatPos } from '../errors.js';
import { openShell } from '../engine/shell.js';
import { executeBlock } from '../engine/execute.js';
import { refusingUndoSink } from '../engine/context.js';
import { Redactor } from '../engine/redact.js';
import { BLOCKS } from '../blocks/registry.js';
import { explainMismatch } from '../learn/explain.js';
import { VERSION } from '../version.js';
import type { GradedCheck, GradedStep, Gradebook, GradebookStep, Learner, LearnerGrade } from './model.js';
import { defaultKubeconfig, type Impersonation, contextIn, parseKubeconfig, writePrivateConfig, type RawConfig } from './kubeconfig.js';

export type OpenShell = (opts: { cwd: string; env: Record<string, string>; reapShareMs?: number }) => Promise<Shell>;

export interface GradeOptions {
  learners: Learner[];
  /** How many learners are graded at once (default 4). */
  parallel?: number;
  /** Run the checks as this identity (kubectl impersonation in the private kubeconfig). */
  as?: Impersonation;
  /** Check that each API server answers before running checks (default: unless the lab's provider is `none`). */
  checkReachable?: boolean;
  /** Milliseconds for that check (default 5000). */
  reachTimeoutMs?: number;
  /** Opens each learner's shell (default: the engine's bash session). */
  openShell?: OpenShell;
  /** Replace a block kind's execute (tests). */
  executors?: Partial<Executors>;
  signal?: AbortSignal;
  /** Called as each learner's grade is done (progress lines). */
  onLearner?: (grade: LearnerGrade) => void;
  /** Base environment of each learner's shell (the CLI's config.env). */
  env: Record<string, string>;
}

/** The verify blocks grading runs, step by step; refuses typed mutating verify blocks. */
export function gradableSteps(lab: Lab): { step: Step; checks: Block[] }[] {
  const out = lab.steps.map((step) => ({ step, checks: step.blocks.filter((b) => b.attrs.verify) })).filter((s) => s.checks.length);
  for (const { checks } of out) {
    for (const b of checks) {
      if (BLOCKS[b.kind].mutates) {
        throw new LabError('mutating-verify', `${formatPos(b.pos)}: verify block ${b.id} is a \`${b.kind}\` block, which changes the cluster; grading never changes a learner's cluster`, {
          pos: b.pos,
          hint: 'make the check read-only: an `sh {verify}` block with kubectl get/auth can-i, or an `access-review {verify}` table',
        });
      }
    }
  }
  if (!out.length) {
    throw new LabError('nothing-to-grade', `${lab.file} has no verify blocks, so there is nothing to grade`, {
      hint: 'mark read-only checks with `{verify}` (and `points=N` to weigh them), e.g. ```sh {verify points=2}',
    });
  }
  return out;
}

const pointsOf = (b: Block) => b.attrs.points ?? 1;

export function gradebookSteps(lab: Lab): GradebookStep[] {
  return gradableSteps(lab).map(({ step, checks }) => ({ index: step.index, slug: step.slug, title: step.title, possible: checks.reduce((n, b) => n + pointsOf(b), 0), checks: checks.length }));
}

async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** How long a closing learner shell's /proc scan waits for others to share it (ms). */
const REAP_SHARE_MS = 10;

/** What the learners of one grading share (see the header). */
interface Shared {
  dir: string;
  kubeconfigs: Map<string, Promise<RawConfig>>;
  reachable: Map<string, Promise<void>>;
  /** Learners' shells being closed: a worker goes on to its next learner meanwhile. */
  closing: Promise<void>[];
  cluster?: Promise<{ KubeClusterHandle: typeof import('../cluster/handle.js').KubeClusterHandle; checkReachable: typeof import('./preflight.js').checkReachable }>;
}

export async function gradeLab(lab: Lab, opts: GradeOptions): Promise<Gradebook> {
  const plan = gradableSteps(lab);
  const steps = gradebookSteps(lab);
  const possible = steps.reduce((n, s) => n + s.possible, 0);
  const started = Date.now();
  const shared: Shared = {
    dir: await mkdtemp(join(tmpdir(), 'kubelab-grade-')),
    kubeconfigs: new Map(),
    reachable: new Map(),
    closing: [],
    cluster: lab.cluster.provider === 'none' && !opts.checkReachable ? undefined : Promise.all([import('../cluster/handle.js'), import('./preflight.js')]).then(([h, p]) => ({ KubeClusterHandle: h.KubeClusterHandle, checkReachable: p.checkReachable })),
  };
  try {
    const learners = await pool(opts.learners, opts.parallel ?? 4, async (learner, i) => {
      const grade = await gradeLearner(lab, plan, learner, i, shared, opts);
      opts.onLearner?.(grade);
      return grade;
    });
    return {
      schemaVersion: 1,
      kubelab: VERSION,
      lab: { file: lab.file, title: lab.title, id: lab.id },
      gradedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      as: opts.as?.user,
      steps,
      possible,
      learners,
    };
  } finally {
    await Promise.all(shared.closing);
    await rm(shared.dir, { recursive: true, force: true });
  }
}

function emptySteps(plan: { step: Step; checks: Block[] }[]): GradedStep[] {
  return plan.map(({ step, checks }) => ({ index: step.index, slug: step.slug, title: step.title, earned: 0, possible: checks.reduce((n, b) => n + pointsOf(b), 0), checks: [] }));
}

/** A value computed once per key, shared by every learner that asks (a failure too). */
function once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) cache.set(key, (p = make()));
  return p;
}

async function gradeLearner(lab: Lab, plan: { step: Step; checks: Block[] }[], learner: Learner, index: number, shared: Shared, opts: GradeOptions): Promise<LearnerGrade> {
  const started = Date.now();
  const kubeconfig = resolve(learner.kubeconfig ?? defaultKubeconfig(opts.env));
  const possible = plan.reduce((n, s) => n + s.checks.reduce((m, b) => m + pointsOf(b), 0), 0);
  const base = { learner: learner.name, kubeconfig, context: learner.context, possible };
  let shell: Shell | undefined;
  try {
    const config = await once(shared.kubeconfigs, kubeconfig, () => parseKubeconfig(kubeconfig));
    const context = contextIn(config, kubeconfig, learner.context);
    base.context = context;
    const cluster = await shared.cluster;
    if (cluster && (opts.checkReachable ?? lab.cluster.provider !== 'none')) {
      // Learners on one cluster with one identity share the check: its answer is the same.
      const c = config.contexts!.find((x) => x.name === context)!.context;
      const key = JSON.stringify([kubeconfig, c?.cluster, c?.user]);
      await once(shared.reachable, key, () => cluster.checkReachable(kubeconfig, context, opts.reachTimeoutMs ?? 5000));
    }
    const privateKubeconfig = join(shared.dir, `learner-${index}.kubeconfig`);
    await writePrivateConfig(config, kubeconfig, context, privateKubeconfig, opts.as);
    shell = await (opts.openShell ?? openShell)({
      cwd: dirname(resolve(lab.file)),
      env: { ...opts.env, ...lab.vars, KUBECONFIG: privateKubeconfig, KUBELAB_LEARNER: learner.name, KUBELAB_CONTEXT: context },
      // Learners' shells close a few at a time: one scan of /proc reaps the ones closing together.
      reapShareMs: REAP_SHARE_MS,
    });
    const handle =
      lab.cluster.provider === 'none' || !cluster
        ? undefined
        : new cluster.KubeClusterHandle('existing', context, privateKubeconfig, context, async (node) => {
            throw new KubelabError('grade-no-node-access', `grading does not reach nodes (a check asked for node ${node.name})`, { hint: 'grade with read-only API checks' });
          });
    const steps: GradedStep[] = [];
    for (const { step, checks } of plan) {
      const graded: GradedCheck[] = [];
      for (const block of checks) {
        if (opts.signal?.aborted) throw new KubelabError('interrupted', 'grading was interrupted', { exitCode: 130 });
        graded.push(await runCheck(lab, step, block, shell, handle, opts));
      }
      steps.push({ index: step.index, slug: step.slug, title: step.title, earned: graded.reduce((n, c) => n + c.earned, 0), possible: graded.reduce((n, c) => n + c.points, 0), checks: graded });
    }
    return { ...base, status: 'graded', earned: steps.reduce((n, s) => n + s.earned, 0), durationMs: Date.now() - started, steps };
  } catch (e) {
    const err = e instanceof KubelabError ? { code: e.code, message: e.message, hint: e.hint } : { code: 'grade-error', message: (e as Error)?.message ?? String(e) };
    return { ...base, status: 'error', error: err, earned: 0, durationMs: Date.now() - started, steps: emptySteps(plan) };
  } finally {
    // Closed in the background (awaited before the gradebook is returned): the worker's next
    // learner need not wait for this one's shell to exit and be reaped.
    if (shell) shared.closing.push(shell.close().catch(() => undefined));
  }
}

async function runCheck(lab: Lab, step: Step, block: Block, shell: Shell, cluster: ClusterHandle | undefined, opts: GradeOptions): Promise<GradedCheck> {
  const result: BlockResult = await executeBlock(
    {
      lab,
      shell,
      vars: { ...lab.vars },
      cluster,
      // Grading's policy: a check never changes a learner's cluster.
      undo: refusingUndoSink(() => `${formatPos(block.pos)}: check ${block.id} tried to change the cluster`),
      signal: opts.signal ?? new AbortController().signal,
      redactor: new Redactor(),
      progress: () => undefined,
      executors: opts.executors,
    },
    step,
    block,
  );
  const points = pointsOf(block);
  const explanation: string[] = [];
  if (result.status !== 'passed' && result.expected !== undefined && result.diff !== undefined) {
    const stream = block.kind === 'sh' ? block.expected?.stream ?? 'both' : 'both';
    const actual = stream === 'stdout' ? result.stdout : stream === 'stderr' ? result.stderr : result.output;
    explanation.push(...explainMismatch(result.expected, actual, { unordered: block.kind === 'sh' ? block.expected?.unordered : false }));
  }
  if (result.status !== 'passed' && result.exitCode != null && result.exitCode !== (block.attrs.exit ?? 0)) explanation.unshift(`exited with code ${result.exitCode}, expected ${block.attrs.exit ?? 0}`);
  return {
    id: block.id,
    name: block.attrs.name,
    stepSlug: step.slug,
    pos: block.pos,
    command: result.command,
    status: result.status,
    points,
    earned: result.status === 'passed' ? points : 0,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    output: result.output,
    expected: result.expected,
    diff: result.diff,
    message: result.message,
    explanation,
  };
}
