// The UndoSink of a session whose undos are journaled (run, update, learn, cleanup).
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { UndoSink } from './context.js';
import { listJournals, type Journal, type JournalData } from './journal.js';

export function journalUndoSink(journal: Journal | (() => Journal), setup = false): UndoSink {
  const j = typeof journal === 'function' ? journal : () => journal;
  return {
    register: async (undo) => j().registerUndo(undo, setup),
    drop: async (id) => j().dropUndo(id),
    isPending: (match) => j().isUndoPending(match),
    pendingElsewhere: (match) => {
      const own = j().path;
      // journals/<file>.json: the state dir is two levels up.
      for (const path of listJournals(dirname(dirname(own)))) {
        if (path === own) continue;
        let data: JournalData;
        try {
          data = JSON.parse(readFileSync(path, 'utf8')) as JournalData;
        } catch {
          continue;
        }
        if (Array.isArray(data.undos) && data.undos.some((e) => e.status !== 'done' && match(e.undo))) return data.lab?.file ?? path;
      }
      return undefined;
    },
  };
}
