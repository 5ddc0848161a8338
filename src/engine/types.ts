// What the engine's parts share: the persistent shell's interface, what a block's executor gets
// (ExecContext) and returns, and runLab's options. The report model and undo records live in the
// leaf modules src/model/report.ts and src/model/undo.ts (re-exported here for the API).
import type { Block, BlockKind, Lab, Step } from '../lab/model.js';
import type { ClusterHandle } from '../cluster/types.js';
import type { BlockResult } from '../model/report.js';
import type { Undo } from '../model/undo.js';

export type * from '../model/report.js';
export type * from '../model/undo.js';

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
  snapshot?(opts?: { exclude?: readonly string[] }): Promise<string>;
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

/** What a block's module gets for one attempt. Built by createExecContext (./context.ts) only. */
export interface ExecContext {
  lab: Lab;
  step?: Step;
  /** `step` while the lab runs; `cleanup` for the Cleanup section and `{cleanup}` blocks. */
  phase: 'step' | 'cleanup';
  shell: Shell;
  /** Lab vars plus captures so far (also exported into the shell). */
  vars: Record<string, string>;
  /** Journal the undo to disk, then push it on the LIFO stack. Returns its id. Grading refuses. */
  registerUndo(undo: Undo): Promise<string>;
  /** Drop an undo that is no longer needed (e.g. the action itself rolled back). */
  dropUndo(id: string): Promise<void>;
  /** Whether an undo matching `match` is still to be done (this run's, or a crashed one's it continues). */
  isUndoPending(match: (undo: Undo) => boolean): boolean;
  /**
   * Whether another unfinished run in the same state dir (not this one) still has an undo matching
   * `match`: the lab file of its journal, or undefined.
   */
  undoPendingElsewhere?(match: (undo: Undo) => boolean): string | undefined;
  /** The lab's cluster, when its provider is not `none`. */
  cluster?: ClusterHandle;
  /** Aborted on an interrupt, and for typed blocks also when their timeout is up. */
  signal: AbortSignal;
  /** Effective timeout for this block (ms). */
  timeoutMs: number;
  progress(message: string): void;
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

/** Executors return the result fields they know; the runner fills id/kind/pos/name/points. */
export type ExecOutcome = Omit<BlockResult, 'id' | 'kind' | 'pos' | 'name' | 'points' | 'attempts'> & {
  /** Stopped by the run's signal (an interrupt), not by its own timeout. */
  aborted?: boolean;
  /** Something the learner should know, e.g. the shell's state was lost and restored. */
  notice?: string;
};

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
  /** Where journals live (overrides config.stateDir). */
  stateDir?: string;
  /** The configuration the CLI built (state dir, tools, base environment); default defaultConfig(). */
  config?: import('../config.js').KubelabConfig;
  /** Start even though a journal of an unfinished run exists. */
  force?: boolean;
  /** Cluster provider options (`--reuse`, `--keep`, `--context`, node image). */
  cluster?: Omit<import('../cluster/types.js').ProviderOptions, 'stateDir' | 'signal' | 'progress'>;
  /** Replace a block kind's execute (tests, embedders); everything else of executeBlock stays. */
  executors?: Partial<Executors>;
  /** The lab file's absolute path (default: lab.file resolved against the process's cwd). */
  labPath?: string;
  /** Working directory of the shell session (default: the lab file's directory). */
  cwd?: string;
}
