// The undo of a cluster kubelab created: delete it (and its private kubeconfig).
import { rmSync } from 'node:fs';
import type { Undo } from '../model/undo.js';
import type { UndoHandler } from '../blocks/types.js';

export const deleteClusterUndo: UndoHandler<Extract<Undo, { kind: 'delete-cluster' }>> = async (undo, opts) => {
  const { deleteKindCluster } = await import('./kind.js');
  opts.progress?.(`deleting kind cluster ${undo.name}`);
  await deleteKindCluster(undo.name, undo.kubeconfig, opts.signal, opts.tools);
  if (undo.kubeconfig) rmSync(undo.kubeconfig, { force: true });
  return `kind cluster ${undo.name} deleted`;
};
