// The on-disk journal of a run: every undo is written (fsync'd, atomic rename) BEFORE the action
// it protects, and marked done as cleanup completes it, so that a run killed at any moment can be
// finished by `kubelab cleanup` (finishJournals) in another process. One file per lab.
//
// Every write is an atomic rename, so a killed process (kill -9) always leaves a whole journal for
// the next one. fsync only matters when the machine itself goes down, and then only for what
// outlives it: undos and cleanup blocks still to run. A journal that holds none yet (a lab with no
// Cleanup section before its first undo) records only the run's process groups, which a machine
// crash ends anyway, so it is written without fsync; from the first write that holds an
// obligation on, every write of that journal is fsync'd (also the one marking the last undo
// done: an old copy coming back after a power cut must not bring back an undo that already ran).
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { Block, Lab } from '../lab/model.js';
import type { Undo } from '../model/undo.js';
import { KubelabError } from '../errors.js';
import { UndoStack, type UndoEntry } from './cleanup.js';

export interface JournalData {
  version: 1;
  runId: string;
  lab: { file: string; id: string; title: string };
  pid: number;
  startedAt: string;
  /** Working directory and variables of the run, for `sh` undos and cleanup blocks in a new shell. */
  cwd: string;
  vars: Record<string, string>;
  /** Names of vars whose values are secrets (captures of `secret` blocks): redacted in every report. */
  secretNames?: string[];
  /** The process groups of the run's shell (bash and its jobs), ended by `kubelab cleanup` after a crash. */
  processGroups?: { pid: number; startTime?: number; bootId?: string }[];
  /** Earlier journals listed reached `{cleanup}` blocks here; they are undos of kind `cleanup-block` now. */
  cleanupBlocks?: string[];
  /** The lab's Cleanup section as the run knew it: `kubelab cleanup` runs it even if the file changed or went. */
  cleanupSection?: Block[];
  /** Ids of cleanup blocks (flagged or of the Cleanup section) that already ran successfully. */
  cleanupDone: string[];
  undos: UndoEntry[];
}

export function journalDir(stateDir: string): string {
  return join(stateDir, 'journals');
}

export function journalPath(stateDir: string, labFile: string, labId: string): string {
  const safe = labId.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60) || 'lab';
  const hash = createHash('sha256').update(resolve(labFile)).digest('hex').slice(0, 10);
  return join(journalDir(stateDir), `${safe}-${hash}.json`);
}

function writeAtomic(path: string, text: string, durable: boolean): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  if (!durable) return;
  // The rename itself must survive a crash: fsync the directory.
  try {
    const dfd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* some filesystems refuse to fsync a directory */
  }
}

export class Journal {
  readonly stack: UndoStack;
  private removed = false;
  /** Whether writes are fsync'd: from the first one that holds an obligation on (see the header). */
  private durable = false;

  private constructor(
    readonly path: string,
    readonly data: JournalData,
  ) {
    this.stack = new UndoStack(data.undos);
  }

  /**
   * Start the journal of a run. Refuses (KubelabError `dirty-journal`) when an unfinished journal
   * of the same lab exists, unless `force` (the old journal is then kept aside, not lost).
   */
  static create(stateDir: string, lab: Lab, init: { runId: string; cwd: string; vars: Record<string, string>; force?: boolean; labPath?: string }): Journal {
    const labPath = init.labPath ?? resolve(lab.file);
    const path = journalPath(stateDir, labPath, lab.id);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    let existing: Journal | undefined;
    try {
      existing = Journal.load(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        if (!init.force) {
          throw new KubelabError('dirty-journal', `the journal of an earlier run of ${lab.file} cannot be read (${(e as Error).message}); journal: ${path}`, {
            hint: 'check what it protected and delete it, or pass --force (it is then kept aside)',
            exitCode: 2,
          });
        }
        renameSync(path, `${path}.unreadable-${Date.now()}`);
      }
    }
    if (existing) {
      if (!init.force) {
        const alive = existing.data.pid !== process.pid && isAlive(existing.data.pid);
        const pending = describePending(existing, lab);
        throw new KubelabError(
          'dirty-journal',
          `an earlier run of ${lab.file} did not finish its cleanup (${pending ? `${pending} pending` : 'nothing left to undo'}, started ${existing.data.startedAt}${alive ? `, process ${existing.data.pid} still running` : ''}); journal: ${path}`,
          {
            hint: `run \`kubelab cleanup\` to finish it${alive ? ' once that run has ended' : ''}, or pass --force to start anyway (the old journal is kept aside for \`kubelab cleanup\`)`,
            exitCode: 2,
          },
        );
      }
      renameSync(path, path.replace(/\.json$/, `.${existing.data.runId}.json`));
    }
    const data: JournalData = {
      version: 1,
      runId: init.runId,
      lab: { file: labPath, id: lab.id, title: lab.title },
      pid: process.pid,
      startedAt: new Date().toISOString(),
      cwd: init.cwd,
      vars: init.vars,
      cleanupSection: lab.cleanup,
      cleanupDone: [],
      undos: [],
    };
    const j = new Journal(path, data);
    j.save();
    return j;
  }

  static load(path: string): Journal {
    const data = JSON.parse(readFileSync(path, 'utf8')) as JournalData;
    if (data.version !== 1 || !Array.isArray(data.undos)) throw new Error(`${path}: not a kubelab journal (version ${String(data.version)})`);
    return new Journal(path, data);
  }

  save(): void {
    if (this.removed) return;
    this.durable ||= this.hasObligations();
    writeAtomic(this.path, `${JSON.stringify(this.data, null, 2)}\n`, this.durable);
  }

  /** Whether anything outlives a machine crash: undos or cleanup blocks still to run. */
  private hasObligations(): boolean {
    if (this.stack.unfinished > 0) return true;
    const done = new Set(this.data.cleanupDone);
    return [...(this.data.cleanupSection ?? []).map((b) => b.id), ...(this.data.cleanupBlocks ?? [])].some((id) => !done.has(id));
  }

  /** Whether an undo matching `match` is still to be done (pending, or failed and to retry). */
  isUndoPending(match: (undo: Undo) => boolean): boolean {
    return this.stack.entries.some((e) => e.status !== 'done' && match(e.undo));
  }

  /** Journal the undo (on disk, synced) and return its id. Call BEFORE the action it undoes. */
  registerUndo(undo: Undo, setup = false): string {
    const entry = this.stack.push(undo, setup);
    this.save();
    return entry.id;
  }

  dropUndo(id: string): void {
    if (this.stack.drop(id)) this.save();
  }

  markUndo(entry: UndoEntry, status: 'done' | 'failed', message?: string): void {
    entry.status = status;
    entry.message = message;
    this.save();
  }

  markCleanupBlockDone(id: string): void {
    this.data.cleanupDone.push(id);
    this.save();
  }

  /** A var for cleanup in a new shell. A secret's value is never written: only its name. */
  setVar(name: string, value: string, secret = false): void {
    if (secret) {
      if ((this.data.secretNames ?? []).includes(name) && !(name in this.data.vars)) return;
      delete this.data.vars[name];
      this.data.secretNames = [...new Set([...(this.data.secretNames ?? []), name])];
    } else if (this.data.vars[name] === value) return;
    else this.data.vars[name] = value;
    this.save();
  }

  setProcessGroups(groups: NonNullable<JournalData['processGroups']>): void {
    if (JSON.stringify(groups) === JSON.stringify(this.data.processGroups)) return;
    this.data.processGroups = groups;
    this.save();
  }

  /** The shell state snapshot (a bash script, mode 0600) beside the journal. */
  get statePath(): string {
    return this.path.replace(/\.json$/, '.state.sh');
  }

  /** Keep the lab shell's state for a cleanup after a crash (written atomically, mode 0600). */
  saveShellState(script: string): void {
    if (this.removed) return;
    this.durable ||= this.hasObligations();
    writeAtomic(this.statePath, script, this.durable);
  }

  shellState(): string | undefined {
    try {
      return readFileSync(this.statePath, 'utf8');
    } catch {
      return undefined;
    }
  }

  remove(): void {
    this.removed = true;
    rmSync(this.path, { force: true });
    rmSync(this.statePath, { force: true });
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What `kubelab cleanup` would still do for a journal: its unfinished undos, the `cleanup`-flagged
 * blocks the run reached, and the lab's Cleanup section (blocks not yet done), e.g.
 * `2 undos and the Cleanup section (1 block)`; undefined when nothing is left.
 */
export function describePending(journal: Journal, lab: Pick<Lab, 'cleanup'>): string | undefined {
  const done = new Set(journal.data.cleanupDone);
  const parts: string[] = [];
  const undos = journal.stack.unfinished;
  if (undos > 0) parts.push(plural(undos, 'undo'));
  const flagged = (journal.data.cleanupBlocks ?? []).filter((id) => !done.has(id)).length;
  if (flagged > 0) parts.push(plural(flagged, 'cleanup block'));
  const section = lab.cleanup.filter((b) => !done.has(b.id)).length;
  if (section > 0) parts.push(`the Cleanup section (${plural(section, 'block')})`);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Unfinished journals in a state directory, newest first. */
export function listJournals(stateDir: string): string[] {
  const dir = journalDir(stateDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .map((n) => join(dir, n))
    .map((p) => ({ p, t: statSync(p).mtimeMs }))
    .sort((a, b) => b.t - a.t)
    .map((x) => x.p);
}

export { isAlive };
