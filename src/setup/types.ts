// What set-up reports while it works, and what each part gets to work with.
import type { CacheLayout } from './cache.js';
import type { Proc } from './proc.js';

/** Progress, as a union keyed on `kind`; formatSetupEvent in progress.ts turns each into a line. */
export type SetupEvent =
  /** A part (docker, `kind v0.32.0`, `node image v1.36.1`, `kubectl v1.36.1`) starts. */
  | { kind: 'part-start'; part: string; detail: string }
  /** A line a build recipe printed while working on a part. */
  | { kind: 'log'; part: string; line: string }
  /** A part is ready: `cached` when nothing had to be made. */
  | { kind: 'part-end'; part: string; ms: number; cached: boolean; detail: string }
  /** Another set-up holds the cache's lock. */
  | { kind: 'wait'; detail: string }
  /** Everything is ready. */
  | { kind: 'done'; ms: number; envFiles: string[] };

export interface PartContext {
  proc: Proc;
  layout: CacheLayout;
  /** assets/setup: docker-up.sh, build-node-image.sh and the image files. */
  assets: string;
  isRoot: boolean;
  emit(event: SetupEvent): void;
  signal?: AbortSignal;
}
