// PLACEHOLDER (replaced by the Kubernetes actions module): executors of the typed blocks.
import type { Executor } from '../engine/types.js';
import type { AccessReviewBlock, ApplyBlock, KubeletConfigBlock } from '../lab/model.js';

const notYet = (kind: string) => async (): Promise<never> => {
  throw new Error(`${kind} blocks are not implemented yet`);
};
export const applyExecutor: Executor<ApplyBlock> = notYet('apply');
export const kubeletConfigExecutor: Executor<KubeletConfigBlock> = notYet('kubelet-config');
export const accessReviewExecutor: Executor<AccessReviewBlock> = notYet('access-review');
