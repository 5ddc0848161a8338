// `kubelab grade LAB.md`: the instructor's view. Runs only the lab's read-only verify blocks
// against each learner's cluster and writes a gradebook (CSV, JSON, HTML).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { learnersFromContexts, parseRoster } from '../../grade/roster.js';
import type { Learner, LearnerGrade } from '../../grade/model.js';
import { painter } from '../../report/color.js';
import { configOf, type CliCommand, type CliContext, fileErrorReason } from '../context.js';
import { loadLab } from '../load.js';

interface GradeFlags {
  context: string[];
  kubeconfig?: string;
  roster?: string;
  parallel: number;
  as?: string;
  asGroup: string[];
  out?: string;
  reachTimeout: number;
}

const collect = (v: string, prev: string[]) => [...prev, v];
const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};

export const gradeCommand: CliCommand = {
  name: 'grade',
  // Grading only reads learners' clusters: nothing to clean up, the rest are marked not graded.
  interrupt: {
    first: 'stopping; learners not graded yet get an error row (their clusters are never changed)…',
    quit: 'quitting now; no gradebook was written.',
    quitAt: 2,
  },
  register(program: Command, ctx: CliContext) {
    program
      .command('grade')
      .summary('grade learners\' clusters with a lab\'s verify blocks')
      .description(
        'Run only the lab\'s read-only verify blocks against each learner\'s cluster (never changing it), a few at a time, and score them (points=N per block, default 1). A learner whose kubeconfig, context or API server is missing gets an error row. Exit 0 when every learner was graded, 1 when some could not be.',
      )
      .argument('<lab>', 'lab markdown file')
      .option('--context <name>', 'a learner\'s kubeconfig context (repeatable; the learner is named after it)', collect, [])
      .option('--kubeconfig <file>', 'kubeconfig holding the --context contexts (default: $KUBECONFIG or ~/.kube/config)')
      .option('--roster <file>', 'learners as CSV (learner,kubeconfig,context) or YAML')
      .option('--parallel <n>', 'learners graded at once', positiveInt('--parallel'), 4)
      .option('--as <user>', 'run the checks as this user (kubectl impersonation)')
      .option('--as-group <group>', 'with --as: impersonated group (repeatable)', collect, [])
      .option('--out <dir>', 'write grades.csv, grades.json and index.html (+ a page per learner) here')
      .option('--reach-timeout <ms>', 'how long an API server gets to answer before the learner is marked unreachable', positiveInt('--reach-timeout'), 5000)
      .action(async (file: string, flags: GradeFlags) => {
        ctx.exitCode = await grade(file, flags, ctx);
      });
  },
};

async function learnersOf(flags: GradeFlags, ctx: CliContext): Promise<Learner[]> {
  const learners: Learner[] = [];
  if (flags.roster) {
    const path = resolve(ctx.cwd, flags.roster);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new UsageError('roster-not-readable', `cannot read roster ${flags.roster}: ${fileErrorReason(e)}`, { hint: 'give a CSV (learner,kubeconfig,context) or YAML roster file' });
    }
    learners.push(...parseRoster(text, path));
  }
  if (flags.context.length) learners.push(...learnersFromContexts(flags.context, flags.kubeconfig ? resolve(ctx.cwd, flags.kubeconfig) : undefined));
  if (!learners.length) throw new UsageError('no-learners', 'nobody to grade', { hint: 'pass --context NAME (repeatable) or --roster FILE' });
  const seen = new Set<string>();
  for (const l of learners) {
    if (seen.has(l.name)) throw new UsageError('duplicate-learner', `learner "${l.name}" is named twice (roster and --context?)`, { hint: 'name each learner once' });
    seen.add(l.name);
  }
  return learners;
}

/** Create --out before grading, so a bad path fails before an instructor waits for the whole class. */
async function prepareOutDir(out: string, given: string): Promise<void> {
  try {
    await mkdir(out, { recursive: true });
  } catch (e) {
    throw new UsageError('out-not-writable', `cannot write the gradebook to ${given}: ${fileErrorReason(e)}`, { hint: 'give --out a directory you can write to' });
  }
}

export async function grade(file: string, flags: GradeFlags, ctx: CliContext): Promise<number> {
  const lab = await loadLab(file, ctx.cwd);
  const learners = await learnersOf(flags, ctx);
  if (flags.asGroup.length && !flags.as) throw new UsageError('as-group-without-as', '--as-group needs --as', { hint: 'add --as USER' });
  if (flags.out) await prepareOutDir(resolve(ctx.cwd, flags.out), flags.out);
  const paint = painter(ctx.color);
  const line = (g: LearnerGrade) =>
    g.status === 'error'
      ? `${paint('red', '✗')} ${g.learner}: ${paint('red', g.error?.message ?? 'error')}${g.error?.hint ? `\n    hint: ${g.error.hint}` : ''}\n`
      : `${g.earned === g.possible ? paint('green', '✓') : paint('yellow', '•')} ${g.learner}: ${g.earned}/${g.possible}${g.steps.flatMap((s) => s.checks).filter((c) => c.status !== 'passed').map((c) => `\n    ${paint('red', '✗')} ${c.name ?? c.id}: ${c.explanation[0] ?? c.message ?? c.status}`).join('')}\n`;
  // Loaded here, not at the top: grading pulls in the engine and the Kubernetes client, which
  // would slow down `--help`, `lint` and `list`.
  const [{ openShell }, { gradeLab }, { writeGradebook }] = await Promise.all([
    import('../../engine/shell.js'),
    import('../../grade/grade.js'),
    import('../../grade/output.js'),
  ]);
  ctx.stdout.write(`Grading ${learners.length} learner${learners.length === 1 ? '' : 's'} on ${lab.title} (${flags.parallel} at a time)…\n`);
  const gb = await gradeLab(lab, {
    learners,
    parallel: flags.parallel,
    as: flags.as ? { user: flags.as, groups: flags.asGroup } : undefined,
    reachTimeoutMs: flags.reachTimeout,
    openShell,
    signal: ctx.signal,
    env: configOf(ctx).env,
    onLearner: (g) => ctx.stdout.write(line(g)),
  });
  if (flags.out) {
    const files = await writeGradebook(resolve(ctx.cwd, flags.out), gb).catch((e: unknown) => {
      throw new UsageError('out-not-writable', `cannot write the gradebook to ${flags.out}: ${fileErrorReason(e)}`, { hint: 'give --out a directory you can write to' });
    });
    ctx.stdout.write(`wrote ${files.csv}, ${files.json} and ${files.html}\n`);
  }
  const errors = gb.learners.filter((l) => l.status === 'error').length;
  ctx.stdout.write(`${gb.learners.length - errors} graded, ${errors} could not be graded.\n`);
  if (ctx.signal.aborted) return ctx.signal.reason === 'SIGTERM' ? 143 : 130;
  return errors ? 1 : 0;
}
