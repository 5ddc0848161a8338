// The UndoSink of a session whose undos are journaled (run, update, learn, cleanup).
import type { UndoSink } from './context.js';
import type { Journal } from './journal.js';

export function journalUndoSink(journal: Journal | (() => Journal), setup = false): UndoSink {
  const j = typeof journal === 'function' ? journal : () => journal;
  return {
    register: async (undo) => j().registerUndo(undo, setup),
    drop: async (id) => j().dropUndo(id),
    isPending: (match) => j().isUndoPending(match),
  };
}
