// The engine's data: block results, the run report model (what JSON reports serialize; see
// docs/report-schema.md), the events reporters receive, and the undo records the journal keeps.
import type { Block, BlockKind, Lab, SourcePos, Step } from '../lab/model.js';
import type { ClusterHandle } from '../cluster/types.js';

export type BlockStatus = 'passed' | 'failed' | 'skipped' | 'error';
export type StepStatus = 'passed' | 'failed' | 'skipped' | 'error';
export type RunStatus = 'passed' | 'failed' | 'error' | 'interrupted';

export interface BlockResult {
  id: string;
  kind: BlockKind;
  name?: string;
  pos: SourcePos;
  status: BlockStatus;
  /** What ran: the shell command, or a one-line summary of a typed block. */
  command: string;
  exitCode?: number | null;
  signal?: string | null;
  timedOut: boolean;
  /** How many times it ran (retry). */
  attempts: number;
  durationMs: number;
  /** stdout and stderr interleaved as a terminal shows them (redacted). */
  output: string;
  stdout: string;
  stderr: string;
  /** The expected output as written in the lab, if any. */
  expected?: string;
  expectedPos?: SourcePos;
  /** Unified diff expected/actual on a mismatch. */
  diff?: string;
  /** One-line reason for a failure or error. */
  message?: string;
  hint?: string;
  /** Named captures this block produced (values of `secret` blocks redacted). */
  captures?: Record<string, string>;
  points?: number;
}

export interface StepReport {
  index: number;
  title: string;
  slug: string;
  pos: SourcePos;
  status: StepStatus;
  durationMs: number;
  blocks: BlockResult[];
}

export interface CleanupResult {
  /** Human label: `restore /var/lib/kubelet/config.yaml on kind-worker`, `cleanup block cleanup/1`. */
  label: string;
  source: 'undo' | 'cleanup-block';
  status: 'passed' | 'failed';
  durationMs: number;
  message?: string;
  output?: string;
  pos?: SourcePos;
}

export interface RunReport {
  schemaVersion: 1;
  kubelab: string;
  runId: string;
  lab: { file: string; title: string; id: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: RunStatus;
  /** The exit code the CLI uses for this run. */
  exitCode: number;
  steps: StepReport[];
  cleanup: CleanupResult[];
  summary: { steps: number; passed: number; failed: number; skipped: number; errors: number; cleanupFailures: number; points?: { earned: number; possible: number } };
  error?: { code: string; message: string; hint?: string; pos?: SourcePos };
}

/** Events the runner emits, in order. Reporters subscribe to the kinds they need. */
export type RunEvent =
  | { kind: 'run-start'; lab: Lab; runId: string; total: number; startedAt: string }
  | { kind: 'progress'; message: string }
  | { kind: 'step-start'; step: Step; index: number; total: number }
  | { kind: 'block-start'; step: Step; block: Block }
  | { kind: 'block-output'; block: Block; stream: 'stdout' | 'stderr'; chunk: string }
  | { kind: 'block-end'; step: Step; block: Block; result: BlockResult }
  | { kind: 'step-end'; step: Step; report: StepReport }
  | { kind: 'cleanup-start'; count: number }
  | { kind: 'cleanup-end'; result: CleanupResult }
  | { kind: 'run-end'; report: RunReport };

export type RunEventKind = RunEvent['kind'];

// ---------------------------------------------------------------------------------------------
// Undo records. Every action that changes something registers one of these (journaled to disk)
// BEFORE it acts; cleanup runs them LIFO. They are plain data so that `kubelab cleanup` can
// finish them in another process after a crash.

export type NodeRef = { transport: 'docker'; container: string } | { transport: 'ssh'; target: string; sshArgs?: string[] };

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export type Undo =
  | { kind: 'sh'; label: string; command: string; cwd: string; env: Record<string, string>; pos?: SourcePos }
  | { kind: 'restore-file'; label: string; node: NodeRef; path: string; backupPath: string; restartService?: string }
  | { kind: 'delete-objects'; label: string; kubeconfig: string; context?: string; objects: ObjectRef[] }
  | { kind: 'delete-cluster'; label: string; provider: 'kind'; name: string; kubeconfig?: string };

export type UndoKind = Undo['kind'];

// ---------------------------------------------------------------------------------------------
// What an executor (one module per block kind) gets and returns.

export interface ShellRunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Interleaved in arrival order. */
  output: string;
  durationMs: number;
  /** Stopped by the run's AbortSignal (not by its timeout). */
  aborted?: boolean;
  /** Something the learner should know, e.g. the shell died and a new one was started. */
  notice?: string;
  /**
   * Bytes of `output` cut from the middle (kept: its first 1 MiB and last 8 MiB by default; the
   * same bound applies to `stdout` and `stderr`, which are cut at most as much). Every chunk still
   * went to `onOutput`. Absent when nothing was cut.
   */
  cutBytes?: number;
}

/** The persistent bash session of a run (implemented in src/engine/shell.ts). */
export interface Shell {
  /**
   * `mergeStreams`: the block's stderr goes to its stdout (one pipe, so `output` is exactly what a
   * terminal shows, even for back-to-back writes; `stderr` is then empty). Without it the two
   * pipes are read separately and `output` follows arrival order, which cannot tell apart writes
   * to the two streams a few microseconds apart.
   */
  run(command: string, opts?: { timeoutMs?: number; signal?: AbortSignal; onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void; mergeStreams?: boolean }): Promise<ShellRunResult>;
  setEnv(name: string, value: string): Promise<void>;
  cwd(): Promise<string>;
  env(): Promise<Record<string, string>>;
  /**
   * A bash script that restores this shell's state: its variables (exported or not, arrays,
   * associative arrays; not bash's own special ones), functions, aliases, the lab's traps, `set -o`
   * and `shopt` options, umask and working directory. Give it to `openShell({ restore })`.
   */
  snapshot?(): Promise<string>;
  /**
   * What identifies this shell's processes for a later process (`endProcessGroups` in
   * src/engine/procs.ts), e.g. `kubelab cleanup` after the run was killed: bash's pid (its session
   * and process group id: every block and background job runs in that session) with its start
   * time and the boot it started in, so a reused pid is never taken for it. It changes when
   * kubelab starts a new shell (a result with a `notice`): record it again then.
   */
  processGroups?(): { pid: number; startTime?: number; bootId?: string };
  close(): Promise<void>;
}

export interface ExecContext {
  lab: Lab;
  step?: Step;
  shell: Shell;
  /** Lab vars plus captures so far (also exported into the shell). */
  vars: Record<string, string>;
  /** Journal the undo to disk, then push it on the LIFO stack. Returns its id. */
  registerUndo(undo: Undo): Promise<string>;
  /** Drop an undo that is no longer needed (e.g. the action itself rolled back). */
  dropUndo(id: string): Promise<void>;
  /** The lab's cluster, when its provider is not `none`. */
  cluster?: ClusterHandle;
  signal: AbortSignal;
  /** Effective timeout for this block (ms). */
  timeoutMs: number;
  progress(message: string): void;
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

/** Executors return the result fields they know; the runner fills id/kind/pos/name/points. */
export type ExecOutcome = Omit<BlockResult, 'id' | 'kind' | 'pos' | 'name' | 'points' | 'attempts'> & { attempts?: number };

export type Executor<B extends Block> = (block: B, ctx: ExecContext) => Promise<ExecOutcome>;

/** One executor per block kind; a new kind without one is a compile error. */
export type Executors = { [K in BlockKind]: Executor<Extract<Block, { kind: K }>> };

/** Options of `runLab` (src/engine/runner.ts). The CLI maps its flags onto these. */
export interface RunOptions {
  /** Overrides of the lab's vars (`--var K=V`). */
  vars?: Record<string, string>;
  /** Start at this step (slug, title or 1-based number); earlier steps are skipped. */
  from?: string;
  /** Run only this step. */
  only?: string;
  /** Go on after a failed step. */
  keepGoing?: boolean;
  /**
   * Go on with the next blocks of a step after a block whose only problem is its output (right
   * exit code, no timeout); the step still fails. `kubelab update` uses it to fix every block of
   * a step in one run. Default false: a step stops at its first failed block.
   */
  continueOnOutputMismatch?: boolean;
  /** false = `--no-cleanup` (undos stay in the journal for `kubelab cleanup`). Default true. */
  cleanup?: boolean;
  /** Run only `verify` blocks (grading, a learner's check). */
  verifyOnly?: boolean;
  reporters?: import('../report/types.js').Reporter[];
  /** Abort with reason 'SIGINT' or 'SIGTERM': the runner stops, runs cleanup, reports `interrupted`. */
  signal?: AbortSignal;
  /** Where journals live. Default: $KUBELAB_STATE_DIR or ${XDG_STATE_HOME:-~/.local/state}/kubelab. */
  stateDir?: string;
  /** Start even though a journal of an unfinished run exists. */
  force?: boolean;
  /** Cluster provider options (`--reuse`, `--keep`, `--context`, node image). */
  cluster?: Omit<import('../cluster/types.js').ProviderOptions, 'stateDir' | 'signal' | 'progress'>;
  /** Replace executors (tests). */
  executors?: Partial<Executors>;
  /** Working directory of the shell session (default: the lab file's directory). */
  cwd?: string;
}
