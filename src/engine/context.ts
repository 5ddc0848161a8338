// The one place an ExecContext is made. A BlockSession is what the blocks of one lab session
// share (run, update, learn, grade, cleanup): its shell, vars, cluster, where undos go, the
// interrupt signal, progress and output sinks. Each caller passes its policy as data, e.g.
// grading's undo sink refuses every registration.
import type { Block, Lab, Step } from '../lab/model.js';
import type { ClusterHandle } from '../cluster/types.js';
import type { Undo } from '../model/undo.js';
import type { ExecContext, Executors, Shell } from './types.js';
import type { Redactor } from './redact.js';
import { KubelabError } from '../errors.js';

/** Where a session's undos go: the run's journal, or nowhere (grading refuses). */
export interface UndoSink {
  register(undo: Undo): Promise<string>;
  drop(id: string): Promise<void>;
  isPending(match: (undo: Undo) => boolean): boolean;
  /** Another unfinished journal in the same state dir with such an undo still to do: its lab file. */
  pendingElsewhere?(match: (undo: Undo) => boolean): string | undefined;
}

export interface BlockSession {
  lab: Lab;
  shell: Shell;
  /** Lab vars, --var overrides and captures so far; captures are added as blocks pass. */
  vars: Record<string, string>;
  cluster?: ClusterHandle;
  undo: UndoSink;
  /** Aborted with reason 'SIGINT'/'SIGTERM'/'SIGHUP' on an interrupt. */
  signal: AbortSignal;
  redactor: Redactor;
  progress(message: string): void;
  /** Streamed output of a block (never called for `secret` blocks); chunks are redacted. */
  output?(block: Block, stream: 'stdout' | 'stderr', chunk: string): void;
  /** After a passing block set captures (journal them; `secret` ones are kept out of reports). */
  captured?(captures: Record<string, string>, secret: boolean): void;
  /** Set the captures of a block whose only problem is its output (`kubelab update`: later blocks need them). */
  capturesOnOutputMismatch?: boolean;
  /** Replace a kind's execute (tests, embedders). */
  executors?: Partial<Executors>;
}

export function createExecContext(session: BlockSession, step: Step | undefined, block: Block, phase: ExecContext['phase'], signal: AbortSignal = session.signal): ExecContext {
  const { output, redactor } = session;
  return {
    lab: session.lab,
    step,
    phase,
    shell: session.shell,
    vars: session.vars,
    registerUndo: (undo) => session.undo.register(undo),
    dropUndo: (id) => session.undo.drop(id),
    isUndoPending: (match) => session.undo.isPending(match),
    undoPendingElsewhere: (match) => session.undo.pendingElsewhere?.(match),
    cluster: session.cluster,
    signal,
    timeoutMs: block.attrs.timeout ?? session.lab.timeout,
    progress: (message) => session.progress(redactor.redact(message)),
    // A secret block's values are known only once it ended: its output is not streamed.
    onOutput: output && !block.attrs.secret ? (stream, chunk) => output(block, stream, redactor.redact(chunk)) : undefined,
  };
}

/** Grading's policy: a check never changes a learner's cluster. */
export function refusingUndoSink(what: (undo: Undo) => string): UndoSink {
  return {
    register: async (undo) => {
      throw new KubelabError('grade-refused-change', `${what(undo)}: grading never changes a learner's cluster`, { hint: 'make the verify block read-only' });
    },
    drop: async () => undefined,
    isPending: () => false,
  };
}

