// The learner's runtime on the engine: the lab's persistent shell (opened on first use, with the
// lab's vars exported and KUBECONFIG set once the cluster is set up), executeBlock for every
// block, and the lab's undo journal so that `q` + cleanup (or a later `--restart`) undoes it all.
import { dirname, resolve } from 'node:path';
import type { Block, Lab, Step } from '../lab/model.js';
import type { BlockResult, CleanupResult } from '../model/report.js';
import type { Executors, Shell } from '../engine/types.js';
import type { ClusterHandle, ClusterProvider, ProviderOptions } from '../cluster/types.js';
import type { BlockSession } from '../engine/context.js';
import type { LearnJournal } from './journal.js';
import type { LearnRuntime } from './session.js';
import { executeBlock } from '../engine/execute.js';
import { journalUndoSink } from '../engine/journal-sink.js';
import { Redactor } from '../engine/redact.js';
import { bashQuote } from '../engine/shell.js';

export interface EngineRuntimeOptions {
  lab: Lab;
  openShell: (opts: { cwd: string; env: Record<string, string>; restore?: string }) => Promise<Shell>;
  journal: LearnJournal;
  /** The lab's cluster provider (not called for `none`). */
  provider?: ClusterProvider;
  providerOptions: ProviderOptions;
  /** Base environment of the shell (the CLI's config.env). */
  env: Record<string, string>;
  /** Lab vars with overrides (`--var`) applied. */
  vars: Record<string, string>;
  cwd?: string;
  /** Replace a block kind's execute (tests). */
  executors?: Partial<Executors>;
  /**
   * A shell state from an earlier session (`snapshot()`): the lab's shell starts from it
   * (variables, functions, working directory) instead of from the lab's vars alone.
   */
  restore?: string;
}

type RunOpts = { onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void; signal?: AbortSignal; progress?: (message: string) => void };

export class EngineRuntime implements LearnRuntime {
  private shell?: Shell;
  private cluster?: ClusterHandle;
  private opening?: Promise<Shell>;
  private readonly redactor = new Redactor();
  /** Names of `secret` captures: never written to a saved snapshot. */
  private readonly secrets = new Set<string>();
  /** The shell was opened from an earlier session's saved state. */
  restored = false;

  constructor(private readonly opts: EngineRuntimeOptions) {}

  get cwd(): string {
    return this.opts.cwd ?? dirname(resolve(this.opts.lab.file));
  }

  private async ready(extra: RunOpts = {}): Promise<Shell> {
    this.opening ??= (async () => {
      const { lab } = this.opts;
      if (lab.cluster.provider !== 'none' && this.opts.provider) {
        // Creating a cluster takes minutes: its progress lines go to whoever asked first.
        const providerOptions = { ...this.opts.providerOptions, progress: this.opts.providerOptions.progress ?? extra.progress, signal: this.opts.providerOptions.signal ?? extra.signal };
        this.cluster = await this.opts.provider.setup(lab, providerOptions, (u) => this.opts.journal.register(u, true));
      }
      const env: Record<string, string> = { ...this.opts.env, ...this.opts.vars };
      if (this.cluster) Object.assign(env, this.cluster.shellEnv, { KUBECONFIG: this.cluster.kubeconfigPath });
      // An earlier session's state (the journal keeps it beside the undos): the shell starts as
      // the learner left it, with the cluster's environment of today on top.
      const restore = this.opts.restore ?? this.opts.journal.shellState();
      const shell = await this.opts.openShell({ cwd: this.cwd, env, ...(restore !== undefined ? { restore } : {}) });
      if (restore !== undefined) {
        this.restored = true;
        if (this.cluster) for (const [k, v] of Object.entries({ ...this.cluster.shellEnv, KUBECONFIG: this.cluster.kubeconfigPath })) await shell.setEnv(k, v);
      }
      this.shell = shell;
      return shell;
    })();
    try {
      return await this.opening;
    } catch (e) {
      this.opening = undefined;
      throw e;
    }
  }

  private session(shell: Shell, extra: { onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void; signal?: AbortSignal; progress?: (message: string) => void } = {}): BlockSession {
    const { journal } = this.opts;
    return {
      lab: this.opts.lab,
      shell,
      vars: this.opts.vars,
      cluster: this.cluster,
      undo: journalUndoSink(() => journal.begin()),
      signal: extra.signal ?? new AbortController().signal,
      redactor: this.redactor,
      progress: extra.progress ?? (() => undefined),
      output: extra.onOutput ? (_block, stream, chunk) => extra.onOutput!(stream, chunk) : undefined,
      captured: (captures, secret) => {
        for (const [k, v] of Object.entries(captures)) {
          if (secret) this.secrets.add(k);
          journal.setVar(k, v, secret);
        }
      },
      executors: this.opts.executors,
    };
  }

  async runBlock(step: Step, block: Block, opts: RunOpts = {}): Promise<BlockResult> {
    const shell = await this.ready(opts);
    // Anything a learner runs may need the lab's Cleanup section: keep a journal from now on.
    this.opts.journal.begin();
    if (!block.attrs.verify) await this.opts.journal.reached(step.blocks, () => shell.cwd());
    return executeBlock(this.session(shell, opts), step, block);
  }

  /** Secrets the session has seen (values of `secret` captures), for anything saved to disk. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  async cleanup(opts: { progress?: (message: string) => void; signal?: AbortSignal } = {}): Promise<CleanupResult[]> {
    if (!this.opts.journal.exists() && !this.shell) return [];
    return this.opts.journal.finish({
      // Never set a cluster up only to clean it: a closed session's kind lab reuses its cluster.
      session: async () => ({ ...this.session(await this.ready(), opts) }),
      progress: opts.progress,
      signal: opts.signal,
      tools: this.opts.providerOptions.config?.tools,
    });
  }

  /** Whether the lab's shell is open (a snapshot has something to save). */
  get started(): boolean {
    return this.shell !== undefined;
  }

  /** Names of the `secret` captures (this session's and earlier ones'): left out of saved snapshots. */
  secretNames(): string[] {
    return [...new Set([...this.secrets, ...this.opts.journal.secretNames()])];
  }

  /** Whether an earlier session's shell state is there to start from (checked before the shell opens). */
  hasSavedState(): boolean {
    return this.opts.restore !== undefined || this.opts.journal.shellState() !== undefined;
  }

  /** What earlier sessions changed is still in place (their journal is left). */
  hasPendingChanges(): boolean {
    return this.opts.journal.exists();
  }

  /**
   * Keep the shell's state in the journal (Journal.saveShellState, secrets left out), so that the
   * next session starts from it. False when the shell is not open.
   */
  async saveState(): Promise<boolean> {
    const script = await this.snapshot();
    if (script === undefined) return false;
    this.opts.journal.saveShellState(script);
    return true;
  }

  /**
   * The lab shell's state as a script for `openShell({ restore })`; undefined before the shell
   * was opened. Secret captures are left out unless `includeSecrets` (for a shell that lives
   * only in memory and a private temporary file, like the learner's `t` shell).
   */
  async snapshot(opts: { includeSecrets?: boolean } = {}): Promise<string | undefined> {
    if (!this.shell?.snapshot) return undefined;
    return this.shell.snapshot(opts.includeSecrets ? {} : { exclude: this.secretNames() });
  }

  /** The lab shell, opened (and its cluster set up) if need be: for the learner's own prompt. */
  async labShell(opts: RunOpts = {}): Promise<Shell> {
    return this.ready(opts);
  }

  /**
   * Take a state (a script from a snapshot, e.g. of the learner's own prompt) into the running lab
   * shell: its variables, functions and working directory replace the shell's, its background
   * jobs live on.
   */
  async adoptState(file: string): Promise<void> {
    const shell = await this.ready();
    const r = await shell.run(`{ builtin source ${bashQuote(file)}; __kl_setup; } >/dev/null 2>&1; builtin true`);
    if (r.exitCode !== 0) throw new Error(`could not take the state of your shell back into the lab's shell (exit ${r.exitCode ?? r.signal})`);
  }

  async close(): Promise<void> {
    await this.shell?.close();
    this.shell = undefined;
    this.opening = undefined;
  }
}
