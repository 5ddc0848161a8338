// How the undos of the Kubernetes actions are carried out. They get only the journaled record
// (plain data), so `kubelab cleanup` can run them in a later process after a crash.
import type { Undo } from '../engine/types.js';
import { nodeFromRef } from '../node/from-ref.js';
import { KubeClient } from '../kube/client.js';
import { deleteObjects } from '../kube/objects.js';
import { deleteKindCluster } from '../cluster/kind.js';
import { rmSync } from 'node:fs';

export interface UndoRunOptions {
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

/** What a handler returns: lines for the cleanup report. It throws when the undo failed. */
export type UndoHandler<U extends Undo> = (undo: U, opts?: UndoRunOptions) => Promise<string>;

export const restoreFileUndo: UndoHandler<Extract<Undo, { kind: 'restore-file' }>> = async (undo, opts = {}) => {
  const node = nodeFromRef(undo.node);
  await node.restoreBackup(undo.path, undo.backupPath);
  let out = `restored ${undo.path} on ${node.describe()}`;
  if (undo.restartService) {
    opts.progress?.(`restarting ${undo.restartService} on ${node.describe()}`);
    await node.restartService(undo.restartService, { timeoutMs: 120_000, signal: opts.signal });
    out += `; ${undo.restartService} restarted and active`;
  }
  return out;
};

export const deleteObjectsUndo: UndoHandler<Extract<Undo, { kind: 'delete-objects' }>> = async (undo, opts = {}) => {
  const client = KubeClient.load({ kubeconfigPath: undo.kubeconfig, context: undo.context });
  const lines = await deleteObjects(client, undo.objects, { signal: opts.signal });
  return lines.join('\n');
};

export const deleteClusterUndo: UndoHandler<Extract<Undo, { kind: 'delete-cluster' }>> = async (undo, opts = {}) => {
  opts.progress?.(`deleting kind cluster ${undo.name}`);
  await deleteKindCluster(undo.name, undo.kubeconfig, opts.signal);
  if (undo.kubeconfig) rmSync(undo.kubeconfig, { force: true });
  return `kind cluster ${undo.name} deleted`;
};

/** The handlers of the undo kinds this part of kubelab owns (`sh` is the engine's). */
export const kubeUndoHandlers = {
  'restore-file': restoreFileUndo,
  'delete-objects': deleteObjectsUndo,
  'delete-cluster': deleteClusterUndo,
} as const satisfies { [K in Exclude<Undo['kind'], 'sh'>]: UndoHandler<Extract<Undo, { kind: K }>> };
