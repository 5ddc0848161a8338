// What counts as "only the output differs", shared by the runner (RunOptions.continueOnOutputMismatch)
// and `kubelab update` (which rewrites exactly those blocks). No imports beyond types: the CLI
// loads it without pulling in the engine.
import type { Block } from '../lab/model.js';
import type { BlockResult } from './types.js';

/** BlockResult.message of a block that did not run because an earlier block of its step failed. */
export const AFTER_FAILED_BLOCK = 'an earlier block of this step failed';

/** A failed `sh` block whose only problem is its output: it ran to the end with the right exit code. */
export function isOutputOnlyMismatch(block: Block, r: BlockResult): boolean {
  return block.kind === 'sh' && r.status === 'failed' && r.diff !== undefined && !r.timedOut && r.exitCode === (block.attrs.exit ?? 0);
}
