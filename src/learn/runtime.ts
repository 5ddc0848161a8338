// The learner's runtime on the engine: the lab's persistent shell (opened on first use, with the
// lab's vars exported and a private KUBECONFIG once the cluster is set up), the engine's
// executors, and an undo journal so that `q` + cleanup (or a later `--restart`) undoes it all.
import { dirname, resolve } from 'node:path';
import type { Block, Lab, Step } from '../lab/model.js';
import type { BlockResult, CleanupResult, ExecContext, Executors, Shell, Undo } from '../engine/types.js';
import type { ClusterHandle, ClusterProvider, ProviderOptions } from '../cluster/types.js';
import type { LearnRuntime } from './session.js';

/** The journal a learner session writes its undos to (the engine's journal in the CLI). */
export interface UndoJournal {
  register(undo: Undo): Promise<string>;
  drop(id: string): Promise<void>;
  /** Run the registered undos LIFO, then forget them. */
  finish(): Promise<CleanupResult[]>;
}

export interface EngineRuntimeOptions {
  lab: Lab;
  openShell: (opts: { cwd: string; env: Record<string, string> }) => Promise<Shell>;
  executors: Executors;
  journal: UndoJournal;
  /** The lab's cluster provider (not called for `none`). */
  provider?: ClusterProvider;
  providerOptions: ProviderOptions;
  /** Base environment of the shell (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Lab var overrides (`--var`). */
  vars?: Record<string, string>;
  cwd?: string;
}

export class EngineRuntime implements LearnRuntime {
  private shell?: Shell;
  private cluster?: ClusterHandle;
  private vars: Record<string, string>;
  private opening?: Promise<Shell>;

  constructor(private readonly opts: EngineRuntimeOptions) {
    this.vars = { ...opts.lab.vars, ...opts.vars };
  }

  private async ready(): Promise<Shell> {
    this.opening ??= (async () => {
      const { lab } = this.opts;
      if (lab.cluster.provider !== 'none' && this.opts.provider) {
        this.cluster = await this.opts.provider.setup(lab, this.opts.providerOptions, (u) => this.opts.journal.register(u));
      }
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.opts.env ?? process.env)) if (v !== undefined) env[k] = v;
      Object.assign(env, this.vars);
      if (this.cluster) env.KUBECONFIG = this.cluster.kubeconfigPath;
      this.shell = await this.opts.openShell({ cwd: this.opts.cwd ?? dirname(resolve(lab.file)), env });
      return this.shell;
    })();
    try {
      return await this.opening;
    } catch (e) {
      this.opening = undefined;
      throw e;
    }
  }

  private context(shell: Shell, step: Step | undefined, block: Block, extra: { onOutput?: ExecContext['onOutput']; signal?: AbortSignal }): ExecContext {
    return {
      lab: this.opts.lab,
      step,
      shell,
      vars: this.vars,
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
    const ctx = this.context(shell, step, block, opts);
    const started = Date.now();
    const run = this.opts.executors[block.kind] as (b: Block, c: ExecContext) => ReturnType<Executors['sh']>;
    let outcome = await run(block, ctx);
    let attempts = outcome.attempts ?? 1;
    // `retry=MS`: re-run while it fails (the engine's executors may already have retried).
    const deadline = started + (block.attrs.retry ?? 0);
    while (outcome.status === 'failed' && Date.now() < deadline && !opts.signal?.aborted) {
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - Date.now()))));
      outcome = await run(block, ctx);
      attempts++;
    }
    if (outcome.status === 'passed' && outcome.captures) {
      for (const [k, v] of Object.entries(outcome.captures)) {
        this.vars[k] = v;
        await shell.setEnv(k, v);
      }
    }
    return { ...outcome, id: block.id, kind: block.kind, pos: block.pos, name: block.attrs.name, points: block.attrs.points, attempts };
  }

  async cleanup(): Promise<CleanupResult[]> {
    // Same order as `kubelab run` (see Lab.cleanup): the registered undos (LIFO), then the
    // Cleanup section's commands in the lab's shell.
    const results: CleanupResult[] = await this.opts.journal.finish();
    if (this.opts.lab.cleanup.length) {
      // Never set a cluster up just to clean it: without an open shell, only a `none` lab opens one.
      const shell = this.shell ?? (this.opts.lab.cluster.provider === 'none' ? await this.ready().catch(() => undefined) : undefined);
      for (const block of this.opts.lab.cleanup) {
        const started = Date.now();
        if (!shell || block.kind !== 'sh') continue;
        const r = await shell.run(block.command, { timeoutMs: block.attrs.timeout ?? this.opts.lab.timeout });
        results.push({ label: `cleanup block ${block.id}`, source: 'cleanup-block', status: r.exitCode === 0 ? 'passed' : 'failed', durationMs: Date.now() - started, output: r.output, pos: block.pos, message: r.exitCode === 0 ? undefined : `exited with code ${r.exitCode}` });
      }
    }
    return results;
  }

  async close(): Promise<void> {
    await this.shell?.close();
    this.shell = undefined;
    this.opening = undefined;
  }
}
