// The run report model (what JSON reports serialize; see docs/report-schema.md) and the events
// reporters receive. A leaf module: it imports only the lab model.
import type { Block, BlockKind, Lab, SourcePos, Step } from '../lab/model.js';

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

/** Which Kubernetes version a run was for (`kubelab run --kubernetes`), and whether the lab means to pass there. */
export interface KubernetesRun {
  /** The release from kubelab's table: `v1.35.4`. */
  version: string;
  /** How reports show it: `1.35` (the minor's release) or `1.36.3` (another patch). */
  label: string;
  /** The lab's `kubernetes:` front matter, when it sets one. */
  range?: string;
  /** Whether `version` is in the lab's range (true when the lab sets none). A run outside it was asked for explicitly. */
  inRange: boolean;
}

export interface RunReport {
  schemaVersion: 1;
  kubelab: string;
  runId: string;
  lab: { file: string; title: string; id: string };
  /** Added by `kubelab run` (absent in reports of kubelab before versions, and from `runLab` called directly). */
  kubernetes?: KubernetesRun;
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

/** One (lab, version) pair of a run set: the lab file relative to the working directory, `/`-separated. */
export interface RunPair {
  lab: string;
  version: string;
}

/** A lab's row block of the version × step matrix. */
export interface MatrixLab {
  /** The pair key of the lab (RunPair.lab) and what its reports say of it. */
  file: string;
  id: string;
  title: string;
  range?: string;
  /** One per version the lab was planned or ran on, oldest first. */
  versions: MatrixCell[];
  /** The lab's steps (from its runs), each with its status per version, keyed by `version` (`v1.35.4`). */
  steps: { index: number; title: string; slug: string; status: Record<string, StepStatus> }[];
}

export interface MatrixCell {
  version: string;
  label: string;
  inRange: boolean;
  /** The run's status; `missing` when the pair was planned but no report has it. */
  status: RunStatus | 'missing';
  /** Index into RunSet.runs. */
  run?: number;
  passed?: number;
  steps?: number;
}

export interface RunMatrix {
  /** Every version of any lab, oldest first: the columns. */
  versions: { version: string; label: string }[];
  labs: MatrixLab[];
}

/**
 * What `kubelab run --json` writes when the run covers Kubernetes versions or a shard
 * (`--kubernetes`, `--shard`), and what `kubelab report --merge` writes: the runs, the plan they
 * came from and the version × step matrix. See docs/report-schema.md.
 */
export interface RunSet {
  schemaVersion: 1;
  kind: 'run-set';
  kubelab: string;
  createdAt: string;
  /** The labs the command was given, in that order (`file` is the pair key). */
  labs: { file: string; id: string; title: string; range?: string }[];
  /** Every pair the command was to run, before sharding, in pair-key order. */
  pairs: RunPair[];
  /** `--shard INDEX/TOTAL`; absent when the run was not sharded (or for a merge). */
  shard?: { index: number; total: number };
  /** The runs, in the order they ran (a merge: input order). */
  runs: RunReport[];
  matrix: RunMatrix;
  /** Set by `kubelab report --merge`. */
  merge?: { inputs: { file: string; shard?: { index: number; total: number }; runs: number }[]; missing: RunPair[]; duplicates: (RunPair & { inputs: string[] })[] };
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
