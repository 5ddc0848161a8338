// Running one journaled undo: dispatch on its kind to the handler its block module (or the
// cluster provider) declares. Handlers get only the plain record, so `kubelab cleanup` can run
// them in a later process after a crash.
//
// What an undo acts on (its target) is read from the record alone, so the cleanup phase can run
// undos on independent targets at the same time, in this process or in `kubelab cleanup`.
import type { Undo, NodeRef } from '../model/undo.js';
import type { UndoHandler, UndoHandlers, UndoRunOptions } from '../blocks/types.js';
import { UNDO_HANDLERS } from '../blocks/registry.js';

export type { UndoHandler, UndoRunOptions };

export function runUndo(undo: Undo, opts: UndoRunOptions, handlers: UndoHandlers = UNDO_HANDLERS): Promise<string> {
  return (handlers[undo.kind] as UndoHandler)(undo, opts);
}

/**
 * What a cleanup item acts on. `serial` items (whatever runs in the lab's shell, and deleting a
 * cluster) keep their place relative to every other item: they start when all items before them
 * are done, and items after them start when they are done. Other items hold `keys`: two items
 * whose keys meet keep their last-first order; two whose keys do not meet run at the same time.
 */
export type CleanupTarget = { serial: true; keys?: undefined } | { serial?: false; keys: readonly string[] };

export const SERIAL: CleanupTarget = { serial: true };

function nodeKey(node: NodeRef): string {
  switch (node.transport) {
    case 'docker':
      return `docker:${node.container}`;
    case 'ssh':
      return `ssh:${node.target}`;
  }
}

/**
 * The target of an undo, from its record:
 * - `sh` and `cleanup-block`: the shell, so serial (a shell command may touch anything);
 * - `restore-file`: its node (not just the file: a restarted service may read the node's other
 *   restored files, so restores on one node keep their order; restores on other nodes do not wait);
 * - `delete-objects`: the cluster its kubeconfig and context reach (objects of one cluster are
 *   deleted last-first: a custom resource before its definition);
 * - `delete-cluster`: serial (everything else may need the cluster until it goes).
 */
export function undoTarget(undo: Undo): CleanupTarget {
  switch (undo.kind) {
    case 'sh':
    case 'cleanup-block':
    case 'delete-cluster':
      return SERIAL;
    case 'restore-file':
      return { keys: [`node:${nodeKey(undo.node)}`] };
    case 'delete-objects':
      return { keys: [`cluster:${undo.kubeconfig}#${undo.context ?? ''}`] };
  }
}

/** Whether two cleanup items must keep their order (one waits for the other). */
export function targetsMeet(a: CleanupTarget, b: CleanupTarget): boolean {
  if (a.serial || b.serial) return true;
  return a.keys.some((k) => b.keys.includes(k));
}
