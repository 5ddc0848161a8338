// Running one journaled undo: dispatch on its kind to the handler its block module (or the
// cluster provider) declares. Handlers get only the plain record, so `kubelab cleanup` can run
// them in a later process after a crash.
import type { Undo } from '../model/undo.js';
import type { UndoHandler, UndoHandlers, UndoRunOptions } from '../blocks/types.js';
import { UNDO_HANDLERS } from '../blocks/registry.js';

export type { UndoHandler, UndoRunOptions };

export function runUndo(undo: Undo, opts: UndoRunOptions, handlers: UndoHandlers = UNDO_HANDLERS): Promise<string> {
  return (handlers[undo.kind] as UndoHandler)(undo, opts);
}
