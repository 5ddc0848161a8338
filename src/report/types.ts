// The reporter interface: optional hooks, one per event kind (vitest's reporters are the model).
import type { RunEvent, RunEventKind } from '../model/report.js';
import type { KubelabError } from '../errors.js';

/** The reporter hook of each event kind. */
export const HOOKS = {
  'run-start': 'onRunStart',
  progress: 'onProgress',
  'step-start': 'onStepStart',
  'block-start': 'onBlockStart',
  'block-output': 'onBlockOutput',
  'block-end': 'onBlockEnd',
  'step-end': 'onStepEnd',
  'cleanup-start': 'onCleanupStart',
  'cleanup-end': 'onCleanupEnd',
  'run-end': 'onRunEnd',
} as const satisfies Record<RunEventKind, string>;

type HookOf<K extends RunEventKind> = (typeof HOOKS)[K];

export type Reporter = {
  readonly name?: string;
  /**
   * What went wrong for the reporter itself and the user must hear (a report file it could not
   * write). Hooks never throw (the runner goes on, cleanup must run); the CLI asks after the run,
   * prints these and exits 2.
   */
  problems?(): readonly KubelabError[];
  /**
   * Called by the CLI once every run has ended (none may have: a shard with nothing to run), for
   * a file reporter to write what it has not written yet.
   */
  finish?(): Promise<void>;
} & {
  [K in RunEventKind as HookOf<K>]?: (event: Extract<RunEvent, { kind: K }>) => void | Promise<void>;
};

export interface ReporterOptions {
  /** Where a file reporter writes (junit, json). */
  outputFile?: string;
  /** Injected for tests; defaults to process.stdout. */
  stream?: NodeJS.WritableStream;
  isTTY?: boolean;
  color?: boolean;
  /** Environment (GITHUB_ACTIONS, CI, NO_COLOR); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Bytes of each block's output/stdout/stderr a report keeps (its tail); default 64 KiB (src/report/bound.ts). */
  maxOutputBytes?: number;
}

/** Deliver one event to every reporter that has a hook for it. */
export async function dispatch(reporters: readonly Reporter[], event: RunEvent): Promise<void> {
  const hook = HOOKS[event.kind];
  await Promise.all(
    reporters.map((r) => (r[hook] as ((e: RunEvent) => void | Promise<void>) | undefined)?.call(r, event)),
  );
}
