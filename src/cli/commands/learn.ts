// `kubelab learn LAB.md`: the learner mode. A terminal interface on a TTY (single keys), line
// commands otherwise; progress is saved per lab file and content, so a second call resumes.
import type { Command } from 'commander';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ProviderOptions } from '../../cluster/types.js';
import type { Lab } from '../../lab/model.js';
import { UsageError } from '../../errors.js';
import type { TtyOut } from '../../learn/tty.js';
import { configOf, type CliCommand, type CliContext, type CliInput, fileErrorReason } from '../context.js';
import { loadLab } from '../load.js';
import { parseVar, parseSshTarget } from '../run-options.js';
import { parseClusterOverride, prepareLabClusters } from '../cluster-setup.js';
import type { InCourse, LearnFlags } from './learn-course.js';


export const learnCommand: CliCommand = {
  name: 'learn',
  // Learning is not a run: an interrupt saves the learner's place and leaves what the lab changed.
  interrupt: {
    first: 'leaving the lab; your place is saved and nothing is cleaned up…',
    quit: 'quitting now. What the lab changed is still in place; `kubelab cleanup` undoes it.',
    quitAt: 2,
  },
  register(program: Command, ctx: CliContext) {
    program
      .command('learn')
      .summary('work through a lab step by step, at your own pace')
      .description(
        'Show a lab step by step: read the prose, run each block in the lab\'s shell (r) or type in it at your own prompt (t) and check (c), ask for a hint (h) or the solution (s), move with n/p, quit with q. Progress is saved: running it again resumes where you stopped. Without a terminal, reads line commands (run, check, next, quit, ...) from stdin.',
      )
      .argument('<lab>', 'lab markdown file, or a course (a directory of labs): a course index shows each lab\'s progress')
      .option('--restart', 'start over at step 1, undoing what earlier sessions changed first')
      .option('--plain', 'line mode even on a terminal')
      .option('--var <K=V>', 'set a lab variable (repeatable)', parseVar, {})
      .option('--state-dir <dir>', 'where progress and journals live (default: $KUBELAB_STATE_DIR or ~/.local/state/kubelab)')
      .option('--context <name>', 'existing clusters: the kubeconfig context to use')
      .option('--node-image <image>', 'kind: node image (default: the one `kubelab setup` made for the lab\'s version, or $KUBELAB_NODE_IMAGE)')
      .option('--no-setup', 'kind: do not set up missing cluster tools; refuse instead and say what is missing')
      .option('--cluster <provider>', 'use this provider instead of the front matter\'s: existing (your current context, or --context) or kind', parseClusterOverride)
      .option('--ssh <NODE=TARGET>', 'existing clusters: reach NODE over ssh at TARGET instead of docker exec (repeatable)', parseSshTarget, {})
      .option('--ssh-config <file>', 'existing clusters: the ssh client configuration for --ssh (ssh -F FILE)')
      .option('--keep', 'kind: keep the cluster kubelab creates (in a course: the cluster its labs share)')
      .action(async (file: string, flags: LearnFlags) => {
        ctx.exitCode = await learn(file, flags, ctx);
      });
  },
};

export async function learn(file: string, flags: LearnFlags, ctx: CliContext): Promise<number> {
  if ((await stat(resolve(ctx.cwd, file)).catch(() => undefined))?.isDirectory()) {
    const { learnCourse } = await import('./learn-course.js');
    return learnCourse(file, flags, ctx, learnLab);
  }
  const prepared = await prepareLabClusters([await loadLab(file, ctx.cwd)], flags, ctx);
  return learnLab(file, prepared.labs[0]!, prepared.envOf(prepared.labs[0]!), flags, ctx);
}

/** One lab's session (a lab file, or a lab of a course). `clusterEnv`: what the lab's set-up adds to the config. */
export async function learnLab(file: string, lab: Lab, clusterEnv: Record<string, string>, flags: LearnFlags, ctx: CliContext, course?: InCourse): Promise<number> {
  // Loaded here, not at the top: the engine and the cluster providers pull in the Kubernetes
  // client, which would slow down `--help`, `lint` and `list`.
  const [{ openShell }, { finishJournal }, { getProvider }, { EngineRuntime }, { LearnJournal }, { LearnSession }, { clearProgress, findProgress }, { cleanedLines, exitLines, interruptedLines, resumeNotice }, { formatNote }, { makeStyle }, { runTty }, { runPlain }] = await Promise.all([
    import('../../engine/shell.js'),
    import('../../engine/finish.js'),
    import('../../cluster/index.js'),
    import('../../learn/runtime.js'),
    import('../../learn/journal.js'),
    import('../../learn/session.js'),
    import('../../learn/progress.js'),
    import('../../learn/resume.js'),
    import('../../learn/notes.js'),
    import('../../learn/text.js'),
    import('../../learn/tty.js'),
    import('../../learn/plain.js'),
  ]);
  const labPath = resolve(ctx.cwd, file);
  const config = configOf({ cwd: ctx.cwd, env: { ...clusterEnv, ...ctx.env } }, flags);
  const { stateDir } = config;
  // Progress is saved there at once: a bad --state-dir fails now, in words, not at the first step.
  await mkdir(stateDir, { recursive: true }).catch((e: unknown) => {
    throw new UsageError('state-dir-not-writable', `cannot use ${flags.stateDir ?? stateDir} as the state directory: ${fileErrorReason(e)}`, { hint: 'give --state-dir (or $KUBELAB_STATE_DIR) a directory you can write to' });
  });
  const style = makeStyle(ctx.color);
  const vars = { ...lab.vars, ...flags.var };
  const cwd = dirname(labPath);
  const journal = new LearnJournal(stateDir, lab, cwd, vars);
  // Without an input stream (a programmatic call that gave none) the session reads end of input: it saves and ends.
  const input: CliInput = ctx.stdin ?? Readable.from([]);
  const out = ctx.stdout as TtyOut & { isTTY?: boolean };
  const providerOptions: ProviderOptions = { stateDir, config, reuse: true, keep: !!flags.keep, ...(flags.context ? { context: flags.context } : {}), ...(flags.nodeImage ? { nodeImage: flags.nodeImage } : {}), ...(Object.keys(flags.ssh ?? {}).length ? { sshTargets: flags.ssh } : {}), ...(flags.sshConfig ? { sshConfig: resolve(ctx.cwd, flags.sshConfig) } : {}) };
  const own = lab.cluster.provider === 'none' ? undefined : getProvider(lab.cluster.provider);
  const makeRuntime = () => new EngineRuntime({ lab, openShell, journal, provider: course ? course.providerFor(own) : own, providerOptions, env: config.env, vars, cwd });

  let startStep = 0;
  let done: string[] = [];
  let resumed: 'exact' | 'changed' | undefined;
  if (flags.restart) {
    if (journal.exists()) {
      ctx.stdout.write('Undoing what earlier sessions of this lab changed…\n');
      // The engine's own finishing of this lab's journal (what `kubelab cleanup` does for it).
      const note = { kind: 'cleanup' as const, results: await finishJournal(journal.path, { stateDir, env: config.env, tools: config.tools, signal: ctx.signal }) };
      ctx.stdout.write(formatNote(note, style, out.columns ?? 80).join('\n') + '\n');
      if (note.results.some((r) => r.status === 'failed')) return 1;
    }
    await clearProgress(stateDir, labPath);
  } else {
    const found = await findProgress(stateDir, labPath, lab.source);
    if (found?.match === 'exact') {
      startStep = found.progress.step;
      done = found.progress.done;
    } else if (found?.match === 'changed') {
      const bySlug = lab.steps.findIndex((s) => s.slug === found.progress.stepSlug);
      startStep = bySlug >= 0 ? bySlug : Math.min(found.progress.step, lab.steps.length - 1);
      done = found.progress.done.filter((slug) => lab.steps.some((s) => s.slug === slug));
    }
    resumed = found?.match;
  }

  const runtime = makeRuntime();
  const session = new LearnSession({ lab, runtime, stateDir, file: labPath, startStep, done });
  const notice = resumed ? resumeNotice({ lab, startStep: session.stepIndex, done, changed: resumed === 'changed', restored: runtime.hasSavedState(), replay: session.willReplay, secrets: runtime.secretNames() }) : undefined;
  await session.save();
  const interactive = !flags.plain && ctx.isTTY && input.isTTY === true && typeof input.setRawMode === 'function';
  let result;
  try {
    result = interactive
      ? await runTty(session, { input, output: out, style, notice, signal: ctx.signal })
      : await runPlain(session, { input, output: ctx.stdout, style, width: Math.min(out.columns ?? 80, 100), notice, signal: ctx.signal });
  } finally {
    await session.close();
  }
  const width = out.columns ?? 80;
  if (result.cleanedUp) {
    if (interactive && result.cleanup) ctx.stdout.write(formatNote(result.cleanup, style, width).join('\n') + '\n');
    const failed = result.cleanup?.kind === 'cleanup' && result.cleanup.results.some((r) => r.status === 'failed');
    ctx.stdout.write(cleanedLines({ file, stepIndex: session.stepIndex, failed, width }).join('\n') + '\n');
    return failed ? 1 : 0;
  }
  if (ctx.signal.aborted) {
    ctx.stdout.write(interruptedLines({ file, stepIndex: session.stepIndex, width }).join('\n') + '\n');
    return ctx.signal.reason === 'SIGTERM' ? 143 : 130;
  }
  ctx.stdout.write(exitLines({ file, stepIndex: session.stepIndex, steps: lab.steps.length, changed: journal.exists(), complete: session.complete, width }).join('\n') + '\n');
  return 0;
}
