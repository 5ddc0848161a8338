// `kubelab learn DIR`: a course in the terminal. The course index (src/course/terminal-index.ts)
// shows each lab's progress and the cluster its labs share; a lab opens in the ordinary learn
// session and comes back to the index when the learner leaves it. Labs that name the same kind
// cluster share one (src/course/shared-cluster.ts): created by the first, reused by the others,
// deleted once every lab on it is finished, when the learner asks (d), or kept with --keep.
import { mkdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { UsageError } from '../../errors.js';
import type { TtyOut } from '../../learn/tty.js';
import type { CleanupResult } from '../../model/report.js';
import { configOf, type CliContext, type CliInput, fileErrorReason } from '../context.js';
import { prepareLabClusters } from '../cluster-setup.js';
import type { ClusterProvider } from '../../cluster/types.js';
import type { Lab } from '../../lab/model.js';
import type { ClusterOverride } from '../cluster-setup.js';

export interface LearnFlags {
  restart?: boolean;
  plain?: boolean;
  stateDir?: string;
  var: Record<string, string>;
  context?: string;
  nodeImage?: string;
  cluster?: ClusterOverride;
  setup: boolean;
  ssh: Record<string, string>;
  sshConfig?: string;
  keep?: boolean;
}

/** What a course gives a lab it opens: the provider of its shared cluster. */
export interface InCourse {
  providerFor(own: ClusterProvider | undefined): ClusterProvider | undefined;
}

/** `kubelab learn`'s session of one lab (./learn.ts). */
export type LearnLab = (file: string, lab: Lab, clusterEnv: Record<string, string>, flags: LearnFlags, ctx: CliContext, course?: InCourse) => Promise<number>;

function resultLine(r: CleanupResult): string {
  return `${r.status === 'passed' ? '✓' : '✗'} ${r.label}${r.message ? `: ${r.message}` : ''}`;
}

/** `learnLab` (./learn.ts) is passed in: this module is loaded by learn.ts, only for a directory. */
export async function learnCourse(dir: string, flags: LearnFlags, ctx: CliContext, learnLab: LearnLab): Promise<number> {
  const [{ loadCourse }, { CourseClusters }, { courseProgress, isFinished, labProgressView }, { askCourseIndex }, { makeStyle }] = await Promise.all([
    import('../../serve/course.js'),
    import('../../course/shared-cluster.js'),
    import('../../course/progress.js'),
    import('../../course/terminal-index.js'),
    import('../../learn/text.js'),
  ]);
  const course = await loadCourse([dir], ctx.cwd);
  const prepared = await prepareLabClusters(
    course.labs.map((l) => l.lab),
    flags,
    ctx,
  );
  const entries = course.labs.map((e, i) => ({ ...e, lab: prepared.labs[i]! }));
  const firstKind = prepared.labs.find((l) => l.cluster.provider === 'kind');
  const config = configOf({ cwd: ctx.cwd, env: { ...(firstKind ? prepared.envOf(firstKind) : {}), ...ctx.env } }, flags);
  const { stateDir } = config;
  await mkdir(stateDir, { recursive: true }).catch((e: unknown) => {
    throw new UsageError('state-dir-not-writable', `cannot use ${flags.stateDir ?? stateDir} as the state directory: ${fileErrorReason(e)}`, { hint: 'give --state-dir (or $KUBELAB_STATE_DIR) a directory you can write to' });
  });
  const clusters = new CourseClusters(prepared.labs, { courseFile: course.home, title: course.title, stateDir, keep: !!flags.keep, config });
  const input: CliInput = ctx.stdin ?? Readable.from([]);
  const out = ctx.stdout as TtyOut;
  const interactive = !flags.plain && ctx.isTTY && input.isTTY === true && typeof input.setRawMode === 'function';
  const style = makeStyle(ctx.color);
  // --restart starts each lab over the first time it is opened in this session, not every time.
  const opened = new Set<number>();
  let notes: string[] = [];
  for (;;) {
    const view = { title: course.title, labs: await courseProgress(stateDir, entries), clusters: await clusters.status(), notes };
    if (interactive) ctx.stdout.write('\r\n');
    const choice = await askCourseIndex(view, { input, output: ctx.stdout, style, width: Math.min(out.columns ?? 80, 100), interactive, signal: ctx.signal });
    if (ctx.signal.aborted) return ctx.signal.reason === 'SIGTERM' ? 143 : 130;
    if (choice.kind === 'quit') break;
    if (choice.kind === 'delete-cluster') {
      const results = await clusters.delete(choice.name);
      notes = results.length ? results.map(resultLine) : [`kind cluster ${choice.name} was not created by this course: kubelab leaves it alone.`];
      continue;
    }
    const entry = entries[choice.index]!;
    const restart = !!flags.restart && !opened.has(entry.index);
    opened.add(entry.index);
    const code = await learnLab(entry.display, entry.lab, prepared.envOf(entry.lab), { ...flags, restart }, ctx, { providerFor: (own) => clusters.providerFor(entry.index, own) });
    if (ctx.signal.aborted) return code;
    // The last lab on a course's cluster is finished: the course deletes the cluster (unless --keep).
    const deleted = await clusters.finishDone(async (i) => isFinished(await labProgressView(stateDir, entries[i]!)));
    notes = deleted.flatMap((d) => d.results.map((r) => `${resultLine(r)}${r.status === 'passed' ? ' (every lab on it is finished)' : ''}`));
  }
  for (const c of await clusters.status()) {
    if (c.ownedByCourse && c.running) {
      ctx.stdout.write(`The course's kind cluster ${c.name} is kept for your next session${c.keep ? ' (--keep)' : ''}: it goes when every lab on it is finished, with d in \`kubelab learn ${dir}\`, or with \`kubelab cleanup\`.\n`);
    }
  }
  return 0;
}
