// The learner's undo journal: the engine's Journal for this lab file (the same file `kubelab run`
// and `kubelab cleanup` use), created on first need and kept across sessions, so quitting without
// cleanup leaves exactly what `kubelab cleanup` or `kubelab learn --restart` will undo.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Block, Lab } from '../lab/model.js';
import type { CleanupResult } from '../model/report.js';
import type { Undo } from '../model/undo.js';
import type { BlockSession } from '../engine/context.js';
import { Journal, journalPath } from '../engine/journal.js';
import { runCleanupPhase, cleanupLabel } from '../engine/cleanup-phase.js';
import { formatDuration } from '../format.js';
import type { Reporter } from '../report/types.js';

export interface FinishInput {
  session: () => Promise<BlockSession>;
  signal?: AbortSignal;
  progress?: (message: string) => void;
  tools?: { docker: string; ssh: string; kind: string };
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

  /** A step's `{cleanup}` blocks run at cleanup once the learner reached the step (once each). */
  async reached(blocks: readonly Block[], cwd: () => Promise<string>): Promise<void> {
    for (const b of blocks) {
      if (!b.attrs.cleanup) continue;
      const j = this.begin();
      if (j.isUndoPending((u) => u.kind === 'cleanup-block' && u.block.id === b.id)) continue;
      j.registerUndo({ kind: 'cleanup-block', label: cleanupLabel(b), block: b, cwd: await cwd(), pos: b.pos });
    }
  }

  /**
   * Keep the lab shell's state (Shell.snapshot(), secret captures left out) beside the journal,
   * where a crash cleanup and the next learn session find it. The journal's own mechanism.
   */
  saveShellState(script: string): void {
    this.begin().saveShellState(script);
  }

  /** The state an earlier session left (undefined when there is no journal or no state). */
  shellState(): string | undefined {
    if (!this.journal && !this.exists()) return undefined;
    return this.begin().shellState();
  }

  /** Names of the secret captures of earlier sessions (their values were never saved). */
  secretNames(): string[] {
    if (!this.journal && !this.exists()) return [];
    return [...(this.begin().data.secretNames ?? [])];
  }

  setVar(name: string, value: string, secret = false): void {
    this.begin().setVar(name, value, secret);
  }

  /**
   * The engine's cleanup phase on this journal: step undos LIFO, cleanup blocks, setup undos.
   * The journal file is removed when everything succeeded (failures stay for a retry).
   */
  async finish(input: FinishInput): Promise<CleanupResult[]> {
    const journal = this.begin();
    // Each item is shown as it ends (a cleanup can take a while: a kubelet restart, a kind node).
    const say = input.progress;
    const reporters: Reporter[] = say
      ? [
          {
            onCleanupStart: (e) => say(`cleaning up: ${e.count} item${e.count === 1 ? '' : 's'}`),
            onCleanupEnd: (e) => say(`${e.result.status === 'passed' ? '✓' : '✗'} ${e.result.label} (${formatDuration(e.result.durationMs, { style: 'timing' })})${e.result.status === 'failed' && e.result.message ? `: ${e.result.message}` : ''}`),
          },
        ]
      : [];
    const results = await runCleanupPhase({ journal, lab: this.lab, session: input.session, reporters, signal: input.signal, progress: input.progress, tools: input.tools });
    if (results.every((r) => r.status === 'passed') && journal.stack.unfinished === 0) {
      journal.remove();
      this.journal = undefined;
    }
    return results;
  }
}
