// Executors of the typed blocks (one module each) and the undo handlers they need.
export { applyExecutor } from './apply.js';
export { kubeletConfigExecutor, KUBELET_CONFIG_PATH } from './kubelet-config.js';
export { accessReviewExecutor, reviewBody, subjectSpec } from './access-review.js';
export { kubeUndoHandlers, restoreFileUndo, deleteObjectsUndo, deleteClusterUndo, type UndoHandler } from './undo-handlers.js';
export { mergeYamlText, configMismatches, parseGoDuration } from './merge.js';
