// Every block kind's module, keyed by kind. A mapped type over the lab model's Block union: a kind
// without a module, or a module for the wrong kind, does not compile. Adding a block kind touches
// its module and this file.
import type { Block, BlockKind } from '../lab/model.js';
import type { BlockModule, UndoHandlers } from './types.js';
import { shBlock } from './sh.js';
import { applyBlock } from './apply.js';
import { kubeletConfigBlock } from './kubelet-config.js';
import { accessReviewBlock } from './access-review.js';
import { deleteClusterUndo } from '../cluster/undo.js';

export type BlockModules = { [K in BlockKind]: BlockModule<Extract<Block, { kind: K }>> };

export const BLOCKS: BlockModules = {
  sh: shBlock,
  apply: applyBlock,
  'kubelet-config': kubeletConfigBlock,
  'access-review': accessReviewBlock,
};

/** The module of a block's kind, typed for that block. */
export function blockModule<B extends Block>(block: B): BlockModule<B> {
  return BLOCKS[block.kind] as unknown as BlockModule<B>;
}

export function describeBlock(block: Block): string {
  return blockModule(block).describe(block);
}

/** Undo handlers of every kind: the block modules' and the cluster provider's. */
export const UNDO_HANDLERS: UndoHandlers = {
  ...(Object.assign({}, ...Object.values(BLOCKS).map((m) => m.undo ?? {})) as Omit<UndoHandlers, 'delete-cluster'>),
  'delete-cluster': deleteClusterUndo,
};
