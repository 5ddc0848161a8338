// The learner's runtime on the engine: the lab's persistent shell (opened on first use, with the
// lab's vars exported and KUBECONFIG set once the cluster is set up), the engine's executors, and
// the lab's undo journal so that `q` + cleanup (or a later `--restart`) undoes it all.
import { dirname, resolve } from 'node:path';
import type { Block, Lab, Step } from '../lab/model.js';
import type { BlockResult, CleanupResult, ExecContext, Executors, Shell } from '../engine/types.js';
import type { ClusterHandle, ClusterProvider, ProviderOptions } from '../cluster/types.js';
import type { LearnJournal } from './journal.js';
import type { LearnRuntime } from './session.js';

export interface EngineRuntimeOptions {
  lab: Lab;
  openShell: (opts: { cwd: string; env: Record<string, string> }) => Promise<Shell>;
  executors: Executors;
  journal: LearnJournal;
  /** The lab's cluster provider (not called for `none`). */
  provider?: ClusterProvider;
  providerOptions: ProviderOptions;
  /** Base environment of the shell (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Lab vars with overrides (`--var`) applied. */
  vars: Record<string, string>;
  cwd?: string;
}

export class EngineRuntime implements LearnRuntime {
  private shell?: Shell;
  private cluster?: ClusterHandle;
  private opening?: Promise<Shell>;

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
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.opts.env ?? process.env)) if (v !== undefined) env[k] = v;
      Object.assign(env, this.opts.vars);
      if (this.cluster) env.KUBECONFIG = this.cluster.kubeconfigPath;
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

  private context(shell: Shell, step: Step | undefined, block: Block, extra: { onOutput?: ExecContext['onOutput']; signal?: AbortSignal } = {}): ExecContext {
    return {
      lab: this.opts.lab,
      step,
      shell,
      vars: this.opts.vars,
      registerUndo: (u) => this.opts.journal.register(u),
      dropUndo: (id) => this.opts.journal.drop(id),
      cluster: this.cluster,
      signal: extra.signal ?? new AbortController().signal,
      timeoutMs: block.attrs.timeout ?? this.opts.lab.timeout,
      progress: () => undefined,
      onOutput: extra.onOutput,
    };
  }

  async runBlock(step: Step, block: Block, opts: { onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void; signal?: AbortSignal } = {}): Promise<BlockResult> {
    const shell = await this.ready();
    // Anything a learner runs may need the lab's Cleanup section: keep a journal from now on.
    this.opts.journal.begin();
    if (!block.attrs.verify) this.opts.journal.reached(step.blocks);
    const ctx = this.context(shell, step, block, opts);
    const started = Date.now();
    const run = this.opts.executors[block.kind] as (b: Block, c: ExecContext) => ReturnType<Executors['sh']>;
    let outcome = await run(block, ctx);
    let attempts = outcome.attempts ?? 1;
    // `retry=MS`: re-run while it fails, unless the executor retried itself (it reports attempts).
    const deadline = started + (block.attrs.retry ?? 0);
    while (outcome.status === 'failed' && outcome.attempts === undefined && Date.now() < deadline && !opts.signal?.aborted) {
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - Date.now()))));
      outcome = await run(block, ctx);
      attempts++;
    }
    if (outcome.status === 'passed' && outcome.captures) {
      for (const [k, v] of Object.entries(outcome.captures)) {
        this.opts.vars[k] = v;
        this.opts.journal.setVar(k, v);
        await shell.setEnv(k, v);
      }
    }
    return { ...outcome, id: block.id, kind: block.kind, pos: block.pos, name: block.attrs.name, points: block.attrs.points, attempts };
  }

  async cleanup(): Promise<CleanupResult[]> {
    if (!this.opts.journal.exists() && !this.shell) return [];
    return this.opts.journal.finish({
      // Never set a cluster up only to clean it: a closed session's kind lab reuses its cluster.
      shell: () => this.ready(),
      executors: this.opts.executors,
      context: (block, shell) => this.context(shell, undefined, block),
    });
  }

  async close(): Promise<void> {
    await this.shell?.close();
    this.shell = undefined;
    this.opening = undefined;
  }
}
