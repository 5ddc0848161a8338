// `kubelab update LAB.md...`: run the lab, then write the real output into the expected-output
// blocks that did not match (the lab file is replaced atomically). A block counts as updated, not
// failed, when its only problem was the output (right exit code, no timeout, not secret).
import { readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { BlockResult, RunReport } from '../../engine/types.js';
import type { Block, ExpectedOutput, Lab, ShBlock } from '../../lab/model.js';
import { formatPos, UsageError } from '../../errors.js';
import { painter } from '../../report/color.js';
import { rewriteExpected } from '../../update/rewrite.js';
import type { CliCommand, CliContext } from '../context.js';
import { addRunOptions, type RunFlags } from '../run-options.js';
import { runLabs } from './run.js';

export const updateCommand: CliCommand = {
  name: 'update',
  register(program: Command, ctx: CliContext) {
    addRunOptions(
      program
        .command('update')
        .summary('run labs and write the real output into their expected-output blocks')
        .description('Run like `run` (going on after a step fails, as with --keep-going), then rewrite the expected-output blocks whose output did not match with the output the commands really printed. Exit like `run`, except that blocks whose only problem was their output count as updated, not failed.')
        .argument('<labs...>', 'lab markdown files'),
    ).action(async (files: string[], flags: RunFlags) => {
      ctx.exitCode = await runLabs(files, { ...flags, keepGoing: true }, ctx, (lab, report) => applyUpdates(lab, report, ctx));
    });
  },
};

export interface PlannedUpdate {
  block: ShBlock;
  expected: ExpectedOutput;
  actual: string;
}

/** A failed block whose only problem is its output: the exit code was right and it did not time out. */
export function onlyOutputMismatch(block: Block, r: BlockResult): block is ShBlock & { expected: ExpectedOutput } {
  return (
    block.kind === 'sh' &&
    block.expected !== undefined &&
    !block.attrs.secret &&
    r.status === 'failed' &&
    r.diff !== undefined &&
    !r.timedOut &&
    r.exitCode === (block.attrs.exit ?? 0)
  );
}

export function planUpdates(lab: Lab, report: RunReport): { updates: PlannedUpdate[]; otherFailures: BlockResult[]; notRun: number } {
  const byId = new Map<string, Block>([...lab.steps.flatMap((s) => s.blocks), ...lab.cleanup].map((b) => [b.id, b]));
  const updates: PlannedUpdate[] = [];
  const otherFailures: BlockResult[] = [];
  // The runner stops a step at its first failed block: blocks after an updated one did not run.
  let notRun = 0;
  for (const step of report.steps) {
    let afterUpdate = false;
    for (const r of step.blocks) {
      if (afterUpdate && r.status === 'skipped') notRun++;
      if (r.status !== 'failed' && r.status !== 'error') continue;
      const block = byId.get(r.id);
      if (block && onlyOutputMismatch(block, r)) {
        const e = block.expected;
        const actual = e.stream === 'stdout' ? r.stdout : e.stream === 'stderr' ? r.stderr : r.output;
        updates.push({ block, expected: e, actual });
        afterUpdate = true;
      } else otherFailures.push(r);
    }
  }
  return { updates, otherFailures, notRun };
}

async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.kubelab-update-${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function applyUpdates(lab: Lab, report: RunReport, ctx: CliContext): Promise<number> {
  const paint = painter(ctx.color);
  if (report.status === 'interrupted' || report.status === 'error') {
    ctx.stdout.write(`${lab.file}: not updated (the run ${report.status === 'error' ? 'ended in an error' : 'was interrupted'})\n`);
    return report.exitCode;
  }
  const { updates, otherFailures, notRun } = planUpdates(lab, report);
  if (updates.length > 0) {
    const path = resolve(ctx.cwd, lab.file);
    if ((await readFile(path, 'utf8')) !== lab.source) {
      throw new UsageError('lab-changed', `${lab.file} changed while it ran; not updated`, { hint: `run \`kubelab update ${lab.file}\` again` });
    }
    const next = rewriteExpected(lab.source, updates.map(({ expected, actual }) => ({ expected, actual })));
    if (next !== lab.source) await writeFileAtomic(path, next);
    for (const u of updates) ctx.stdout.write(`${paint('green', 'updated')} ${formatPos(u.expected.pos)} ${paint('dim', `(${u.block.id})`)}\n`);
  }
  ctx.stdout.write(`${lab.file}: ${updates.length} expected output${updates.length === 1 ? '' : 's'} updated${otherFailures.length ? `, ${paint('red', `${otherFailures.length} other failure${otherFailures.length === 1 ? '' : 's'}`)} left` : ''}\n`);
  if (notRun > 0) {
    ctx.stdout.write(`${paint('yellow', 'note:')} ${notRun} block${notRun === 1 ? '' : 's'} after an updated one did not run (a step stops at its first mismatch); run \`kubelab update ${lab.file}\` again to check ${notRun === 1 ? 'it' : 'them'}\n`);
  }
  const stepErrors = report.steps.some((s) => s.status === 'error');
  if (stepErrors) return report.exitCode;
  return otherFailures.length > 0 || report.summary.cleanupFailures > 0 ? 1 : 0;
}
