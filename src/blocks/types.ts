// What a block kind is, in one object per kind (src/blocks/<kind>.ts): the attributes it takes
// beyond the common ones, whether it changes the cluster, a one-line description, how it runs,
// and the handlers of the undo records it registers. The registry (./registry.ts) maps every
// kind of the lab model's Block union to its module; a kind without one does not compile.
import type { Block } from '../lab/model.js';
import type { ExecContext, ExecOutcome, Shell } from '../engine/types.js';
import type { Undo, UndoKind } from '../model/undo.js';

/** What an undo handler gets besides its journaled record. */
export interface UndoRunOptions {
  signal?: AbortSignal;
  progress?: (message: string) => void;
  /** The lab's shell (the run's own, or one restored from the journal's state snapshot). */
  shell?: () => Promise<Shell>;
  /** The tools to reach nodes and clusters with (docker, ssh, kind). */
  tools?: { docker: string; ssh: string; kind: string };
  /** Runs a block in the cleanup phase from directory `cwd` (undos of `{cleanup}` blocks). */
  runBlock?: (block: Block, cwd: string) => Promise<string>;
}

/** Returns lines for the cleanup report; throws when the undo failed. */
export type UndoHandler<U extends Undo = Undo> = (undo: U, opts: UndoRunOptions) => Promise<string>;
export type UndoHandlers = { [K in UndoKind]: UndoHandler<Extract<Undo, { kind: K }>> };

export interface BlockModule<B extends Block> {
  readonly kind: B['kind'];
  /** Attributes this kind takes besides the common ones (name, timeout, retry, points, flags). */
  readonly attrs: readonly string[];
  /** Whether running it changes the cluster (grading refuses such checks). */
  readonly mutates: boolean;
  /** Whether it stops itself when its timeout is up (the shell does, keeping its state); others get an aborted signal. */
  readonly ownsTimeout?: boolean;
  /** What ran, in one line: the command, or a summary of a typed block. */
  describe(block: B): string;
  /** One attempt. Retry, timeout, errors, redaction and captures are executeBlock's. */
  execute(block: B, ctx: ExecContext): Promise<ExecOutcome>;
  /** Handlers of the undo kinds this block kind registers. */
  readonly undo?: Partial<UndoHandlers>;
}
