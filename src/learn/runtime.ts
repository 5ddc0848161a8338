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

export interface EngineRuntimeOptions {
  lab: Lab;
  openShell: (opts: { cwd: string; env: Record<string, string> }) => Promise<Shell>;
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
}

export class EngineRuntime implements LearnRuntime {
  private shell?: Shell;
  private cluster?: ClusterHandle;
  private opening?: Promise<Shell>;
  private readonly redactor = new Redactor();

  constructor(private readonly opts: EngineRuntimeOptions) {}

  get cwd(): string {
    return this.opts.cwd ?? dirname(resolve(this.opts.lab.file));
  }

  private async ready(): Promise<Shell> {
    this.opening ??= (async () => {
      const { lab } = this.opts;
      if (lab.cluster.provider !== 'none' && this.opts.provider) {
        this.cluster = await this.opts.provider.setup(lab, this.opts.providerOptions, (u) => this.opts.journal.register(u, true));
      }
      const env: Record<string, string> = { ...this.opts.env, ...this.opts.vars };
      if (this.cluster) Object.assign(env, this.cluster.shellEnv, { KUBECONFIG: this.cluster.kubeconfigPath });
      this.shell = await this.opts.openShell({ cwd: this.cwd, env });
      return this.shell;
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
        for (const [k, v] of Object.entries(captures)) journal.setVar(k, v, secret);
      },
      executors: this.opts.executors,
    };
  }

  async runBlock(step: Step, block: Block, opts: { onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void; signal?: AbortSignal; progress?: (message: string) => void } = {}): Promise<BlockResult> {
    const shell = await this.ready();
    // Anything a learner runs may need the lab's Cleanup section: keep a journal from now on.
    this.opts.journal.begin();
    if (!block.attrs.verify) await this.opts.journal.reached(step.blocks, () => shell.cwd());
    return executeBlock(this.session(shell, opts), step, block);
  }

  /** Secrets the session has seen (values of `secret` captures), for anything saved to disk. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  async cleanup(opts: { progress?: (message: string) => void } = {}): Promise<CleanupResult[]> {
    if (!this.opts.journal.exists() && !this.shell) return [];
    return this.opts.journal.finish({
      // Never set a cluster up only to clean it: a closed session's kind lab reuses its cluster.
      session: async () => ({ ...this.session(await this.ready(), opts) }),
      progress: opts.progress,
      tools: this.opts.providerOptions.config?.tools,
    });
  }

  async close(): Promise<void> {
    await this.shell?.close();
    this.shell = undefined;
    this.opening = undefined;
  }
}
