// One lab of the course as the page uses it: the learner's session (src/learn: steps, checks,
// saved progress), run by the engine in a shell that is also the page's terminal (./pty-shell.ts).
// Everything the page asks (state, run, check, go to, cleanup) is a method here.
import { dirname } from 'node:path';
import type { Block, Step } from '../lab/model.js';
import type { BlockResult, Shell } from '../engine/types.js';
import { getProvider } from '../cluster/index.js';
import type { ClusterProvider, ProviderOptions } from '../cluster/types.js';
import { LearnJournal } from '../learn/journal.js';
import { findProgress } from '../learn/progress.js';
import { EngineRuntime } from '../learn/runtime.js';
import { LearnSession, type LearnRuntime, blockLabel, blockText, explainResult, mainBlocks, verifyBlocks } from '../learn/session.js';
import type { CourseLab } from './course.js';
import { openPtyShell, type PtyShell } from './pty-shell.js';
import { blockLanguage, renderMarkdown, renderStep } from './render.js';

export interface RoomOptions {
  stateDir: string;
  env: NodeJS.ProcessEnv;
  providerOptions: Omit<ProviderOptions, 'stateDir'>;
  /** Variables over each lab's own (`--var`). */
  vars?: Record<string, string>;
  /** The provider lab N uses, given its own: a course's shared cluster (src/course/shared-cluster.ts). */
  providerFor?: (index: number, own: ClusterProvider | undefined) => ClusterProvider | undefined;
}

/** What the page shows of one block's last run. */
export interface BlockView {
  status: BlockResult['status'];
  exitCode?: number | null;
  output: string;
  /** Why it failed, in words (no authoring hints). */
  explanation: string[];
  durationMs: number;
}

export interface CheckView {
  ok: boolean;
  /** Shown when there was nothing to compare, or the check could not run. */
  message?: string;
  checks: { ok: boolean; title: string; command: string; output: string; explanation: string[] }[];
}

/** Learner-facing lines: an author's `hint:` for fixing the lab is not for the learner. */
function forLearner(lines: string[]): string[] {
  return lines.filter((l) => !l.startsWith('hint:'));
}

function view(block: Block, r: BlockResult): BlockView {
  return { status: r.status, exitCode: r.exitCode, output: r.output || r.message || '', explanation: forLearner(explainResult(block, r)), durationMs: Math.round(r.durationMs) };
}

export class LabRoom {
  readonly session: LearnSession;
  private shellPromise?: Promise<PtyShell>;
  private shell?: PtyShell;
  /** What ran this session, by block id, as the page shows it. */
  private readonly views = new Map<string, BlockView>();
  private readonly lastChecks = new Map<string, CheckView>();
  private readonly results = new Map<string, BlockResult>();
  /** What the page is waiting for ('run step/2', 'check', 'cleanup'), if anything. */
  busy?: string;
  notice?: string;
  private readonly baseEnv: Record<string, string> = {};

  private constructor(
    readonly entry: CourseLab,
    private readonly opts: RoomOptions,
    startStep: number,
    done: string[],
  ) {
    const { lab } = entry;
    const cwd = dirname(entry.file);
    const vars = { ...lab.vars, ...opts.vars };
    for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) this.baseEnv[k] = v;
    Object.assign(this.baseEnv, vars);
    const journal = new LearnJournal(opts.stateDir, lab, cwd, vars);
    const own = lab.cluster.provider === 'none' ? undefined : getProvider(lab.cluster.provider);
    const engine: LearnRuntime = new EngineRuntime({
      lab,
      // The engine's shell is the page's terminal: opened with the page, given the lab's
      // environment (vars, KUBECONFIG once the cluster is up) when the engine asks for it.
      openShell: (o) => this.engineShell(o.env),
      journal,
      provider: opts.providerFor ? opts.providerFor(entry.index, own) : own,
      providerOptions: { reuse: true, keep: false, ...opts.providerOptions, stateDir: opts.stateDir },
      env: this.baseEnv,
      vars,
      cwd,
    });
    // Every result is kept, so that a check can show each verify block's command and output.
    const runtime: LearnRuntime = {
      runBlock: async (st, b, o) => {
        const r = await engine.runBlock(st, b, o);
        this.results.set(b.id, r);
        return r;
      },
      cleanup: () => engine.cleanup(),
      close: () => engine.close(),
    };
    this.session = new LearnSession({ lab, runtime, stateDir: opts.stateDir, file: entry.file, startStep, done });
  }

  /** Open the lab where the learner left it (saved progress, as `kubelab learn` keeps it). */
  static async open(entry: CourseLab, opts: RoomOptions): Promise<LabRoom> {
    const { startStep, done, notice } = await savedPlace(opts.stateDir, entry);
    const room = new LabRoom(entry, opts, startStep, done);
    room.notice = notice;
    return room;
  }

  /** The environment the engine gave its shell (KUBECONFIG once the cluster is up, …). */
  private engineEnv?: Record<string, string>;

  /**
   * The terminal (started on first use, in the lab file's directory, with the lab's vars). A
   * shell that ended (a block's `exit`, or `set -e`) is replaced on next use by a new one that
   * gets the engine's environment again; variables set in the old one are gone.
   */
  terminal(): Promise<PtyShell> {
    this.shellPromise ??= (async () => {
      const s = await openPtyShell({ cwd: dirname(this.entry.file), env: this.baseEnv });
      if (this.engineEnv) await this.applyEnv(s, this.engineEnv);
      this.shell = s;
      s.onExit(() => {
        if (this.shell === s) {
          this.shell = undefined;
          this.shellPromise = undefined;
          this.notice = 'The lab\'s shell ended (a block ran `exit`, or `set -e` stopped it). A new one starts with the lab\'s variables; what earlier blocks set in the old one is gone: run them again.';
        }
      });
      return s;
    })();
    const opening = this.shellPromise;
    opening.catch(() => {
      if (this.shellPromise === opening) this.shellPromise = undefined;
    });
    return opening;
  }

  private async applyEnv(shell: PtyShell, env: Record<string, string>): Promise<void> {
    for (const [k, v] of Object.entries(env)) if (this.baseEnv[k] !== v && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) await shell.setEnv(k, v);
  }

  /**
   * The shell the engine keeps: every call goes to the terminal of the moment, so that after the
   * terminal's shell ended the next block runs in the new one instead of failing for good.
   */
  private async engineShell(env: Record<string, string>): Promise<Shell> {
    this.engineEnv = env;
    await this.applyEnv(await this.terminal(), env);
    return {
      run: async (command, o) => (await this.terminal()).run(command, o),
      setEnv: async (name, value) => {
        this.engineEnv = { ...this.engineEnv, [name]: value };
        await (await this.terminal()).setEnv(name, value);
      },
      cwd: async () => (await this.terminal()).cwd(),
      env: async () => (await this.terminal()).env(),
      close: async () => {
        await this.shell?.close();
      },
    };
  }

  state(): unknown {
    const { lab } = this.entry;
    const s = this.session;
    const step = s.step;
    const blocks = mainBlocks(step).map((b, i) => ({ index: i, id: b.id, kind: b.kind, label: blockLabel(b), language: blockLanguage(b), text: blockText(b), ran: this.views.get(b.id) }));
    const reveal = (what: 'hint' | 'solution') => step.blocks.filter((b) => b.attrs[what]).map((b) => ({ language: blockLanguage(b), text: blockText(b) }));
    return {
      lab: { index: this.entry.index, title: this.entry.title, file: this.entry.display, intro: lab.intro ? renderMarkdown(lab.intro) : '' },
      steps: lab.steps.map((st) => ({ title: st.title, done: s.done.has(st.slug) })),
      current: s.stepIndex,
      complete: lab.steps.every((st) => s.done.has(st.slug)),
      step: {
        index: step.index,
        title: step.title,
        html: renderStep(lab, step),
        blocks,
        checkable: verifyBlocks(step).length > 0 || mainBlocks(step).some((b) => b.kind === 'sh' && !!b.expected),
        hint: reveal('hint'),
        solution: reveal('solution'),
        check: this.lastChecks.get(step.slug),
      },
      busy: this.busy ?? null,
      terminalBusy: this.shell ? !this.shell.idle : false,
      notice: this.notice ?? null,
    };
  }

  private async exclusive<T>(what: string, f: () => Promise<T>): Promise<T> {
    if (this.busy) throw new BusyError(`wait: ${this.busy} is still running`);
    this.busy = what;
    try {
      return await f();
    } finally {
      this.busy = undefined;
    }
  }

  /** Run block `index` of the current step, typed into the terminal. */
  async run(stepIndex: number, index: number): Promise<BlockView> {
    return this.exclusive(`block ${index + 1}`, async () => {
      if (stepIndex !== this.session.stepIndex) await this.session.goTo(stepIndex);
      this.notice = undefined;
      const note = await this.session.run({ index });
      if (note.kind === 'error') throw new Error(note.hint ? `${note.text} (${note.hint})` : note.text);
      if (note.kind !== 'ran') throw new Error(note.kind === 'info' ? note.text : 'nothing ran');
      const v = view(note.block, note.result);
      this.views.set(note.block.id, v);
      await this.markDoneIfNothingToCheck(this.session.step);
      return v;
    });
  }

  /** A step with nothing to check is done once each of its blocks ran and passed. */
  private async markDoneIfNothingToCheck(step: Step): Promise<void> {
    const main = mainBlocks(step);
    if (verifyBlocks(step).length || main.some((b) => b.kind === 'sh' && b.expected)) return;
    if (main.every((b) => this.views.get(b.id)?.status === 'passed') && !this.session.done.has(step.slug)) {
      this.session.done.add(step.slug);
      await this.session.save();
    }
  }

  /** Check the current step: its verify blocks, or the expected outputs of the blocks run here. */
  async check(): Promise<CheckView> {
    return this.exclusive('the check', async () => {
      const step = this.session.step;
      this.notice = undefined;
      const verify = verifyBlocks(step);
      for (const b of verify) this.results.delete(b.id);
      // Nothing is pasted on the page: the learner runs blocks (▶) or types in the terminal.
      const note = await this.session.check(async () => undefined);
      let v: CheckView;
      if (note.kind === 'check') {
        const blocks = verify.length ? verify : mainBlocks(step).filter((b) => b.kind === 'sh' && b.expected);
        v = {
          ok: note.ok,
          checks: blocks.map((b, i) => {
            const r = this.results.get(b.id);
            return { ok: note.lines[i]?.ok ?? false, title: b.attrs.name ?? firstLine(blockText(b)), command: blockText(b), output: r?.output ?? '', explanation: forLearner(note.lines[i]?.detail ?? []) };
          }),
        };
      } else if (note.kind === 'info' && note.text === 'Check cancelled.') {
        v = { ok: false, checks: [], message: 'This step is checked by comparing the output of its blocks: run each block with ▶ Run first.' };
      } else v = { ok: false, checks: [], message: note.kind === 'error' ? note.text : note.kind === 'info' ? note.text : '' };
      this.lastChecks.set(step.slug, v);
      return v;
    });
  }

  async goTo(index: number): Promise<void> {
    await this.exclusive('moving', async () => {
      if (!(await this.session.goTo(index))) throw new Error(`there is no step ${index + 1}`);
      this.notice = undefined;
    });
  }

  async cleanup(): Promise<{ ok: boolean; lines: string[] }> {
    return this.exclusive('cleanup', async () => {
      const note = await this.session.cleanup();
      if (note.kind === 'error') return { ok: false, lines: [note.text] };
      if (note.kind !== 'cleanup') return { ok: true, lines: [] };
      const lines = note.results.map((r) => `${r.status === 'passed' ? '✓' : '✗'} ${r.label}${r.message ? `: ${r.message}` : ''}`);
      return { ok: note.results.every((r) => r.status === 'passed'), lines: lines.length ? lines : ['Nothing to clean up.'] };
    });
  }

  async close(): Promise<void> {
    await this.session.close();
    await this.shell?.close();
  }
}

export class BusyError extends Error {}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return s.includes('\n') ? `${l} …` : l;
}

async function savedPlace(stateDir: string, entry: CourseLab): Promise<{ startStep: number; done: string[]; notice?: string }> {
  const { lab } = entry;
  const found = await findProgress(stateDir, entry.file, lab.source);
  if (found?.match === 'exact') {
    const p = found.progress;
    return { startStep: Math.min(p.step, lab.steps.length - 1), done: p.done, notice: `Welcome back: you are at step ${p.step + 1} of ${lab.steps.length}.` };
  }
  if (found?.match === 'changed') {
    const bySlug = lab.steps.findIndex((s) => s.slug === found.progress.stepSlug);
    const startStep = bySlug >= 0 ? bySlug : Math.min(found.progress.step, lab.steps.length - 1);
    return { startStep, done: found.progress.done.filter((slug) => lab.steps.some((s) => s.slug === slug)), notice: `The lab changed since your last visit; you are at step ${startStep + 1} ("${lab.steps[startStep]?.title ?? ''}").` };
  }
  return { startStep: 0, done: [] };
}
