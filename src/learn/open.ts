// A learner session on the engine, wired as `kubelab learn` wires it (the lab's persistent shell,
// the engine's executors, the lab's cluster provider, the undo journal): for embedders and course
// test suites that drive a session without a screen.
import { dirname, resolve } from 'node:path';
import type { Lab } from '../lab/model.js';
import type { ProviderOptions } from '../cluster/types.js';
import { getProvider } from '../cluster/index.js';
import { openShell } from '../engine/shell.js';
import { defaultConfig } from '../config.js';
import { LearnJournal } from './journal.js';
import { EngineRuntime } from './runtime.js';
import { LearnSession } from './session.js';

export interface OpenLearnSessionOptions {
  /** Where progress and the undo journal live (default: $KUBELAB_STATE_DIR or ~/.local/state/kubelab). */
  stateDir?: string;
  /** The lab file's path; progress is kept per path, blocks run in its directory (default: lab.file). */
  file?: string;
  /** Variables over the lab's own (like `--var`). */
  vars?: Record<string, string>;
  /** Base environment of the lab's shell (default: defaultConfig().env, i.e. process.env). */
  env?: Record<string, string>;
  /** Cluster options (context, node image…); a running cluster of the lab's name is reused. */
  provider?: Omit<ProviderOptions, 'stateDir'>;
  startStep?: number;
  /** Slugs of the steps already done. */
  done?: string[];
}

/**
 * Open a session on `lab`. Nothing runs until `session.run()`/`check()`; end with
 * `session.cleanup()` (undo it all) or just `session.close()` (leave it for `kubelab cleanup`).
 */
export function openLearnSession(lab: Lab, opts: OpenLearnSessionOptions = {}): LearnSession {
  const config = defaultConfig();
  const env = opts.env ?? config.env;
  const stateDir = opts.stateDir ?? config.stateDir;
  const file = resolve(opts.file ?? lab.file);
  const cwd = dirname(file);
  const vars = { ...lab.vars, ...opts.vars };
  const journal = new LearnJournal(stateDir, lab, cwd, vars);
  const runtime = new EngineRuntime({
    lab,
    openShell,
    journal,
    provider: lab.cluster.provider === 'none' ? undefined : getProvider(lab.cluster.provider),
    providerOptions: { reuse: true, keep: false, config, ...opts.provider, stateDir },
    env,
    vars,
    cwd,
  });
  return new LearnSession({ lab, runtime, stateDir, file, startStep: opts.startStep, done: opts.done });
}
