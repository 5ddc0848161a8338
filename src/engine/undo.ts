// Undo executors, one per Undo kind (a mapped type: a new kind without a handler does not
// compile). `sh` is the engine's; the Kubernetes ones come from src/actions. Tests and embedders
// may replace a handler with registerUndoHandler.
import type { Shell, Undo, UndoKind } from './types.js';
import { kubeUndoHandlers } from '../actions/index.js';
import { bashQuote, openShell } from './shell.js';

export interface UndoRunOptions {
  signal?: AbortSignal;
  progress?: (message: string) => void;
  /** The run's shell, when it is still open (sh undos run there, as the lab would). */
  shell?: Shell;
}

/** Returns a line for the cleanup report; throws when the undo failed. */
export type UndoHandler<U extends Undo = Undo> = (undo: U, opts: UndoRunOptions) => Promise<string>;
type UndoHandlers = { [K in UndoKind]: UndoHandler<Extract<Undo, { kind: K }>> };

const SH_UNDO_TIMEOUT_MS = 120_000;

export const shUndo: UndoHandler<Extract<Undo, { kind: 'sh' }>> = async (undo, opts) => {
  const own = opts.shell ? undefined : await openShell({ cwd: undo.cwd, env: { ...(process.env as Record<string, string>), ...undo.env } });
  try {
    // In the run's own shell, go back to where the command was registered first.
    const command = opts.shell ? `if builtin cd -- ${bashQuote(undo.cwd)}; then\n${undo.command}\nfi` : undo.command;
    const r = await (opts.shell ?? own!).run(command, { timeoutMs: SH_UNDO_TIMEOUT_MS, signal: opts.signal, mergeStreams: true });
    if (r.exitCode !== 0) {
      const why = r.timedOut ? `timed out after ${SH_UNDO_TIMEOUT_MS / 1000}s` : `exit code ${r.exitCode ?? r.signal}`;
      throw Object.assign(new Error(`${why}: ${undo.command}`), { output: r.output });
    }
    return r.output;
  } finally {
    await own?.close();
  }
};

const handlers: UndoHandlers = { sh: shUndo, ...(kubeUndoHandlers as Omit<UndoHandlers, 'sh'>) };

/** Replace the handler of an undo kind (node/kube modules, tests). Returns the previous one. */
export function registerUndoHandler<K extends UndoKind>(kind: K, handler: UndoHandlers[K]): UndoHandlers[K] {
  const previous = handlers[kind];
  handlers[kind] = handler;
  return previous;
}

export function runUndo(undo: Undo, opts: UndoRunOptions): Promise<string> {
  const handler = handlers[undo.kind] as UndoHandler;
  return handler(undo, opts);
}
