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
