// The executors learner mode and grading use: the engine's (sh in the lab's shell, the typed
// blocks from src/actions). One place so that tests and embedders can swap them.
import type { Executors } from '../engine/types.js';
import { executors } from '../engine/executors/index.js';

export function labExecutors(): Executors {
  return { ...executors };
}
