// The learner's session, apart from any screen: which step, which block, what ran, what was
// checked. Both front ends (the raw-mode terminal and the plain line mode) drive this and show
// the notes it returns. Running goes through a LearnRuntime (the lab's persistent shell and the
// engine's executors), so this file does no I/O of its own besides saving progress.
import type { Block, Lab, ShBlock, Step } from '../lab/model.js';
import type { BlockResult, CleanupResult } from '../engine/types.js';
import { matchOutput } from '../match/index.js';
import { explainMismatch } from './explain.js';
import { saveProgress } from './progress.js';
import { type PromptRuntime, runLabPrompt } from './prompt.js';

export interface RunBlockOptions {
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  signal?: AbortSignal;
  /** Progress lines of long blocks (a kubelet restart, waiting for nodes, retries), as they happen. */
  progress?: (message: string) => void;
}

export interface LearnRuntime {
  /** Run one block in the lab's persistent shell (setting the cluster up first if needed). */
  runBlock(step: Step, block: Block, opts?: RunBlockOptions): Promise<BlockResult>;
  /** Undo what the session registered and run the lab's cleanup blocks. */
  cleanup(opts?: { progress?: (message: string) => void; signal?: AbortSignal }): Promise<CleanupResult[]>;
  /** Close the shell; registered undos stay journaled for a later session or `--restart`. */
  close(): Promise<void>;
  /** Keep the shell's state (secrets left out) for the next session; false when there is none. */
  saveState?(): Promise<boolean>;
  /** Whether the next shell starts from an earlier session's saved state. */
  hasSavedState?(): boolean;
  /** Names of secret captures: their values are never saved. */
  secretNames?(): string[];
  /** What earlier sessions changed is still in place (their journal is left). */
  hasPendingChanges?(): boolean;
}

/** One line of a check's result: what was checked, and for a learner what it ran and printed. */
export interface CheckLine {
  ok: boolean;
  text: string;
  detail: string[];
  /** The check's command (what a learner can run to see for themselves). */
  command?: string;
  /** What the check printed (a typed block's rows, a failed command's output). */
  output?: string;
}

export type Note =
  | { kind: 'info'; text: string }
  | { kind: 'error'; text: string; hint?: string }
  | { kind: 'ran'; block: Block; result: BlockResult; explanation: string[]; stopped?: boolean; stepDone?: boolean }
  | { kind: 'check'; ok: boolean; lines: CheckLine[] }
  | { kind: 'reveal'; what: 'hint' | 'solution'; blocks: Block[] }
  | { kind: 'cleanup'; results: CleanupResult[] };

/** Blocks a learner runs in a step (verify, hint, solution and cleanup blocks are shown elsewhere). */
export function mainBlocks(step: Step): Block[] {
  return step.blocks.filter((b) => !b.attrs.verify && !b.attrs.hint && !b.attrs.solution && !b.attrs.cleanup);
}

export function verifyBlocks(step: Step): Block[] {
  return step.blocks.filter((b) => b.attrs.verify);
}

/** The text a learner types (or reads) for a block. */
export function blockText(block: Block): string {
  switch (block.kind) {
    case 'sh':
      return block.command;
    case 'apply':
      return block.yaml.trimEnd();
    case 'kubelet-config':
      return `# merged into the kubelet config of node ${block.node}\n${Object.entries(block.patch)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join('\n')}`;
    case 'access-review': {
      const who = block.subject.kind === 'user' ? block.subject.user : `system:serviceaccount:${block.subject.namespace}:${block.subject.name}`;
      return `# can ${who} ${block.verb} ${block.resource}/…?\n${block.rows.map((r) => `${r.subresource} ${r.allowed ? 'yes' : 'no'}`).join('\n')}`;
    }
  }
}

/** What a learner would type for a block in their own shell. */
export function blockLabel(block: Block): string {
  switch (block.kind) {
    case 'sh':
      return block.console ? 'console' : 'sh';
    case 'apply':
      return 'apply (kubectl apply -f -)';
    case 'kubelet-config':
      return `kubelet-config on ${block.node}`;
    case 'access-review':
      return 'access-review';
  }
}

/** Plain-words explanation of a failed result (exit code, timeout, output mismatch). */
export function explainResult(block: Block, result: BlockResult): string[] {
  if (result.status === 'passed' || result.status === 'skipped') return [];
  const lines: string[] = [];
  if (result.timedOut) lines.push(`it did not finish in time${result.message ? `: ${result.message}` : ''}`);
  const expectedExit = block.attrs.exit ?? 0;
  if (result.exitCode !== undefined && result.exitCode !== null && result.exitCode !== expectedExit) lines.push(`it exited with code ${result.exitCode}, expected ${expectedExit}`);
  // The engine sets `diff` only when the output did not match (wildcards may make a plain
  // line comparison differ where the matcher was satisfied).
  if (result.expected !== undefined && result.diff !== undefined) {
    const stream = block.kind === 'sh' ? block.expected?.stream ?? 'both' : 'both';
    const actual = stream === 'stdout' ? result.stdout : stream === 'stderr' ? result.stderr : result.output;
    const unordered = block.kind === 'sh' ? block.expected?.unordered : false;
    const diffs = explainMismatch(result.expected, actual, { unordered });
    if (diffs.length) lines.push(...diffs);
    else {
      // The matcher's wildcards disagree with a line-by-line reading: show both sides.
      const cut = (t: string) => t.replace(/\n$/, '').split('\n').slice(0, 6);
      lines.push('the output does not match the expected output. Expected:', ...cut(result.expected).map((l) => `  ${l}`), 'You got:', ...cut(actual).map((l) => `  ${l}`));
    }
  }
  if (!lines.length && result.message) lines.push(result.message);
  // No `result.hint`: those are for lab authors (`add exit=N to the block`), not for learners.
  return lines;
}

/** Whether a step has nothing a learner can check: no verify blocks and no expected outputs. */
export function nothingToCheck(step: Step): boolean {
  return verifyBlocks(step).length === 0 && !mainBlocks(step).some((b) => b.kind === 'sh' && b.expected);
}

/** The last `max` lines of a text (with a line saying how many were left out). */
function lastLines(text: string, max = 12): string {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length <= max) return lines.join('\n');
  return [`… (${lines.length - max} earlier lines)`, ...lines.slice(-max)].join('\n');
}

export interface LearnSessionOptions {
  lab: Lab;
  runtime: LearnRuntime;
  stateDir: string;
  /** The lab file's absolute path (progress is kept per path); default lab.file. */
  file?: string;
  startStep?: number;
  done?: string[];
}

export class LearnSession {
  readonly lab: Lab;
  stepIndex: number;
  /** Index into mainBlocks(step) of the block `run` runs next. */
  blockIndex = 0;
  readonly done: Set<string>;
  private readonly runtime: LearnRuntime;
  private readonly stateDir: string;
  private readonly file: string;
  /** Results of blocks run with `run`, by block id (this session only). */
  readonly results = new Map<string, BlockResult>();
  /** Blocks whose last run the learner stopped (Ctrl-C). */
  readonly stopped = new Set<string>();

  constructor(opts: LearnSessionOptions) {
    this.lab = opts.lab;
    this.runtime = opts.runtime;
    this.stateDir = opts.stateDir;
    this.file = opts.file ?? opts.lab.file;
    this.stepIndex = Math.min(Math.max(0, opts.startStep ?? 0), Math.max(0, opts.lab.steps.length - 1));
    this.done = new Set(opts.done ?? []);
    this.replayPending = this.stepIndex > 0 && opts.runtime.hasSavedState?.() === false;
  }

  /**
   * A resumed session with no saved shell state (e.g. the lab was cleaned up, or an older
   * kubelab saved none): before the first block runs, the blocks of the steps before the current
   * one run again, so that the variables they set ($NODE…) are there. Never an empty $NODE.
   */
  private replayPending: boolean;

  /** Whether the first command will replay earlier steps (for the resume notice). */
  get willReplay(): boolean {
    return this.replayPending;
  }

  /** Replay the earlier steps' blocks if the resume needs it (see `replayPending`). */
  async prepare(opts: RunBlockOptions = {}): Promise<Note | undefined> {
    if (!this.replayPending) return undefined;
    this.replayPending = false;
    // With the lab's changes still in place (a journal is left), typed blocks (a kubelet config,
    // an apply) are not made again: their effect is there and their undo is journaled. Only the
    // shell blocks run, for the variables and the directory they set.
    const inPlace = this.runtime.hasPendingChanges?.() === true;
    const replayable = (b: Block) => !b.attrs.skip && (!inPlace || b.kind === 'sh');
    const steps = this.lab.steps.slice(0, this.stepIndex).filter((s) => mainBlocks(s).some(replayable));
    if (!steps.length) return undefined;
    const range = steps.length === 1 ? `step ${steps[0]!.index + 1}` : `steps ${steps[0]!.index + 1}-${steps.at(-1)!.index + 1}`;
    opts.progress?.(`your shell's state was not kept: replaying ${range} to set it up again`);
    for (const step of steps) {
      for (const block of mainBlocks(step).filter(replayable)) {
        opts.progress?.(`replaying step ${step.index + 1}: ${blockLabel(block)}`);
        const r = await this.runtime.runBlock(step, block, { signal: opts.signal, progress: opts.progress });
        if (r.status !== 'passed') {
          return { kind: 'error', text: `Replaying step ${step.index + 1} (${blockLabel(block)}) ${r.status === 'failed' && r.exitCode !== undefined && r.exitCode !== null ? `exited with code ${r.exitCode}` : r.status}: your shell may miss what that step set.`, hint: `go back to step ${step.index + 1} (p) and run it yourself` };
        }
      }
    }
    await this.saveShell();
    return { kind: 'info', text: `Replayed ${range}: your shell has what ${steps.length === 1 ? 'it' : 'they'} set.` };
  }

  get step(): Step {
    return this.lab.steps[this.stepIndex]!;
  }

  get blocks(): Block[] {
    return mainBlocks(this.step);
  }

  get atEnd(): boolean {
    return this.stepIndex >= this.lab.steps.length - 1;
  }

  /** Every step of the lab is done. */
  get complete(): boolean {
    return this.lab.steps.length > 0 && this.lab.steps.every((s) => this.done.has(s.slug));
  }

  selectBlock(i: number): boolean {
    if (i < 0 || i >= this.blocks.length) return false;
    this.blockIndex = i;
    return true;
  }

  async save(): Promise<void> {
    await saveProgress(this.stateDir, this.lab.source, { file: this.file, step: this.stepIndex, stepSlug: this.step.slug, done: [...this.done] });
  }

  async goTo(index: number): Promise<boolean> {
    if (index < 0 || index >= this.lab.steps.length) return false;
    this.stepIndex = index;
    this.blockIndex = 0;
    await this.save();
    return true;
  }

  async next(): Promise<boolean> {
    // A step of prose alone is done once read.
    if (!this.blocks.length && nothingToCheck(this.step) && !this.done.has(this.step.slug)) this.done.add(this.step.slug);
    return this.goTo(this.stepIndex + 1);
  }

  /**
   * Keep the lab shell's state (secret captures left out) beside the progress, so that the next
   * session starts where this one left: never on step N with an empty $NODE.
   */
  async saveShell(): Promise<boolean> {
    return (await this.runtime.saveState?.().catch(() => false)) ?? false;
  }

  /** Whether `t` can give the learner a prompt in the lab's shell (the engine's runtime can). */
  get canPrompt(): boolean {
    const r = this.runtime as Partial<PromptRuntime>;
    return typeof r.labShell === 'function' && typeof r.snapshot === 'function' && typeof r.adoptState === 'function';
  }

  /**
   * Before `t` hands the terminal over: the lab's shell open (its cluster set up, which can take
   * minutes: shown as progress lines) and the earlier steps replayed if the resume needs it.
   */
  async readyForPrompt(opts: RunBlockOptions = {}): Promise<Note | undefined> {
    if (!this.canPrompt) return undefined;
    try {
      await (this.runtime as unknown as PromptRuntime).labShell({ progress: opts.progress, signal: opts.signal });
      return await this.prepare(opts);
    } catch (err) {
      return errorNote(err);
    }
  }

  /**
   * `t`: an interactive bash on the learner's terminal, started from the lab shell's state; when
   * they leave it (exit, Ctrl-D) what they changed is taken back into the lab's shell and saved.
   */
  async prompt(io: { stdio: [number, number, number]; write: (text: string) => void; progress?: (message: string) => void }): Promise<Note> {
    if (!this.canPrompt) return { kind: 'info', text: 'Type the commands in your own terminal; c checks the step.' };
    try {
      const replayed = await this.prepare({ progress: io.progress });
      if (replayed?.kind === 'error') return replayed;
      const banner = `\x1b[1mYour prompt in the lab's shell\x1b[0m: its variables, functions and working directory. exit or Ctrl-D goes back to step ${this.stepIndex + 1}.\r\n`;
      const r = await runLabPrompt(this.runtime as unknown as PromptRuntime, { label: this.lab.id, banner, stdio: io.stdio, write: io.write });
      if (!r.kept) return { kind: 'error', text: "Your prompt ended before it could save its state: the lab's shell is as it was." };
      await this.saveShell();
      return { kind: 'info', text: "Back from your prompt: what you set there is in the lab's shell." };
    } catch (err) {
      return errorNote(err);
    }
  }

  back(): Promise<boolean> {
    return this.goTo(this.stepIndex - 1);
  }

  /** Run the selected block (or block `i`) and move the selection to the next one. */
  async run(opts: RunBlockOptions & { index?: number } = {}): Promise<Note> {
    const blocks = this.blocks;
    if (!blocks.length) return { kind: 'info', text: 'This step has no commands to run.' };
    const i = opts.index ?? this.blockIndex;
    const block = blocks[i];
    if (!block) return { kind: 'error', text: `There is no block ${i + 1} in this step (it has ${blocks.length}).` };
    try {
      const replayed = await this.prepare(opts);
      if (replayed?.kind === 'error') return replayed;
      const result = await this.runtime.runBlock(this.step, block, { onOutput: opts.onOutput, signal: opts.signal, progress: opts.progress });
      const stopped = opts.signal?.aborted === true && result.status !== 'passed';
      this.results.set(block.id, result);
      if (stopped) this.stopped.add(block.id);
      else this.stopped.delete(block.id);
      if (i + 1 < blocks.length && !stopped) this.blockIndex = i + 1;
      await this.saveShell().catch(() => undefined);
      // Nothing to check: the step is done once each of its blocks ran and passed.
      let stepDone = false;
      if (!this.done.has(this.step.slug) && nothingToCheck(this.step) && blocks.every((b) => this.results.get(b.id)?.status === 'passed')) {
        this.done.add(this.step.slug);
        await this.save();
        stepDone = true;
      }
      return { kind: 'ran', block, result, explanation: stopped ? [] : explainResult(block, result), ...(stopped ? { stopped } : {}), ...(stepDone ? { stepDone } : {}) };
    } catch (err) {
      if (opts.signal?.aborted) return { kind: 'info', text: 'Stopped.' };
      return errorNote(err);
    }
  }

  /**
   * Check the step: its verify blocks when it has some; otherwise each block's expected output
   * against what the learner ran here (`run`) or pastes (`readPasted`, undefined = cancelled).
   */
  async check(readPasted: (block: ShBlock, index: number, total: number) => Promise<string | undefined>, opts: { signal?: AbortSignal; progress?: (message: string) => void } = {}): Promise<Note> {
    const step = this.step;
    const lines: CheckLine[] = [];
    const verify = verifyBlocks(step);
    try {
      if (verify.length) {
        const replayed = await this.prepare(opts);
        if (replayed?.kind === 'error') return replayed;
        for (const block of verify) {
          const result = await this.runtime.runBlock(step, block, { signal: opts.signal });
          const title = block.attrs.name ?? firstLine(blockText(block));
          const ok = result.status === 'passed';
          // A typed block's rows are its result: always shown. A failed command shows what it ran
          // and printed, so that the learner can see why (and run it themselves).
          const typed = block.kind !== 'sh';
          const output = typed || !ok ? lastLines(result.output) : undefined;
          lines.push({ ok, text: title, detail: explainResult(block, result), ...(!ok && block.kind === 'sh' ? { command: block.command } : {}), ...(output?.trim() ? { output } : {}) });
        }
      } else {
        const withExpected = this.blocks.filter((b): b is ShBlock => b.kind === 'sh' && !!b.expected);
        if (!withExpected.length) return { kind: 'info', text: 'This step has nothing to check.' };
        for (const [n, block] of withExpected.entries()) {
          const ran = this.results.get(block.id);
          const title = firstLine(block.command);
          if (ran) {
            lines.push({ ok: ran.status === 'passed', text: `${title} (ran with r)`, detail: explainResult(block, ran) });
            continue;
          }
          const pasted = await readPasted(block, n, withExpected.length);
          if (pasted === undefined) return { kind: 'info', text: 'Check cancelled.' };
          const m = matchOutput(block.expected!, { output: pasted, stdout: pasted, stderr: pasted });
          lines.push({ ok: m.ok, text: title, detail: m.ok ? [] : explainMismatch(block.expected!.text, pasted, { unordered: block.expected!.unordered }) });
        }
      }
    } catch (err) {
      return errorNote(err);
    }
    const ok = lines.every((l) => l.ok);
    if (ok) {
      this.done.add(step.slug);
      await this.save();
    }
    return { kind: 'check', ok, lines };
  }

  reveal(what: 'hint' | 'solution'): Note {
    const blocks = this.step.blocks.filter((b) => b.attrs[what]);
    if (!blocks.length) return { kind: 'info', text: `This step has no ${what}.` };
    return { kind: 'reveal', what, blocks };
  }

  async cleanup(opts: { progress?: (message: string) => void; signal?: AbortSignal } = {}): Promise<Note> {
    try {
      return { kind: 'cleanup', results: await this.runtime.cleanup(opts) };
    } catch (err) {
      return errorNote(err);
    }
  }

  async close(): Promise<void> {
    await this.runtime.close();
  }
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return s.includes('\n') ? `${l} …` : l;
}

function errorNote(err: unknown): Note {
  const e = err as { message?: string; hint?: string };
  return { kind: 'error', text: e?.message ?? String(err), hint: e?.hint };
}
