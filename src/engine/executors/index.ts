// The executors of every block kind: `sh` is the engine's, the typed blocks come from src/actions.
import type { Executors } from '../types.js';
import { shExecutor } from './sh.js';
import { accessReviewExecutor, applyExecutor, kubeletConfigExecutor } from '../../actions/index.js';

export const executors: Executors = {
  sh: shExecutor,
  apply: applyExecutor,
  'kubelet-config': kubeletConfigExecutor,
  'access-review': accessReviewExecutor,
};

export { shExecutor };
