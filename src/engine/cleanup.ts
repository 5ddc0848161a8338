// A tiny LIFO registry of undos (chainsaw's cleaner is the model). The journal (./journal.ts)
// persists it; this module only knows the order things must be undone in.
import type { Undo } from './types.js';

export interface UndoEntry {
  id: string;
  undo: Undo;
  /** Registered while the cluster was being set up: undone after the lab's cleanup blocks. */
  setup: boolean;
  status: 'pending' | 'done' | 'failed';
  message?: string;
}

export class UndoStack {
  private seq = 0;
  constructor(readonly entries: UndoEntry[] = []) {
    this.seq = entries.length;
  }

  push(undo: Undo, setup = false): UndoEntry {
    const entry: UndoEntry = { id: `u${++this.seq}`, undo, setup, status: 'pending' };
    this.entries.push(entry);
    return entry;
  }

  drop(id: string): boolean {
    const i = this.entries.findIndex((e) => e.id === id);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  /** Pending (or failed, to retry) undos, last registered first; `setup` ones only when asked. */
  toRun(phase: 'steps' | 'setup'): UndoEntry[] {
    return this.entries.filter((e) => e.status !== 'done' && e.setup === (phase === 'setup')).reverse();
  }

  get unfinished(): number {
    return this.entries.filter((e) => e.status !== 'done').length;
  }
}
