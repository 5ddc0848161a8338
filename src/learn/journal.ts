// The learner's undo journal: the engine's Journal for this lab file (the same file `kubelab run`
// and `kubelab cleanup` use), created on first need and kept across sessions, so quitting without
// cleanup leaves exactly what `kubelab cleanup` or `kubelab learn --restart` will undo.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Block, Lab } from '../lab/model.js';
import type { CleanupResult, ExecContext, Executors, Shell, Undo } from '../engine/types.js';
import { Journal, journalPath } from '../engine/journal.js';
import { runCleanupPhase } from '../engine/cleanup-phase.js';
import { Redactor } from '../engine/redact.js';

export interface FinishInput {
  shell: () => Promise<Shell>;
  executors: Executors;
  context: (block: Block, shell: Shell) => ExecContext;
  signal?: AbortSignal;
}

export class LearnJournal {
  private journal?: Journal;
  readonly path: string;

  constructor(
    private readonly stateDir: string,
    private readonly lab: Lab,
    private readonly cwd: string,
    private readonly vars: Record<string, string>,
  ) {
    this.path = journalPath(stateDir, lab.file, lab.id);
  }

  /** Whether an earlier session (or run) left undos or cleanup to do. */
  exists(): boolean {
    return existsSync(this.path);
  }

  /** Load the lab's journal, or start one. */
  begin(): Journal {
    if (this.journal) return this.journal;
    this.journal = this.exists() ? Journal.load(this.path) : Journal.create(this.stateDir, this.lab, { runId: `learn-${randomBytes(4).toString('hex')}`, cwd: this.cwd, vars: this.vars });
    return this.journal;
  }

  async register(undo: Undo, setup = false): Promise<string> {
    return this.begin().registerUndo(undo, setup);
  }

  async drop(id: string): Promise<void> {
    this.journal?.dropUndo(id);
  }

  /** Remember that a step with `cleanup`-flagged blocks was reached (they run at cleanup). */
  reached(blocks: readonly Block[]): void {
    for (const b of blocks) if (b.attrs.cleanup) this.begin().addCleanupBlock(b.id);
  }

  setVar(name: string, value: string): void {
    this.begin().setVar(name, value);
  }

  /**
   * The engine's cleanup phase on this journal: step undos LIFO, cleanup blocks, setup undos.
   * The journal file is removed when everything succeeded (failures stay for a retry).
   */
  async finish(input: FinishInput): Promise<CleanupResult[]> {
    const journal = this.begin();
    const results = await runCleanupPhase({ journal, lab: this.lab, shell: input.shell, executors: input.executors, context: input.context, reporters: [], redactor: new Redactor(), signal: input.signal });
    if (results.every((r) => r.status === 'passed')) {
      journal.remove();
      this.journal = undefined;
    }
    return results;
  }
}
