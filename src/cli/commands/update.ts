// `kubelab update LAB.md...`: run the lab, then write the real output into the expected-output
// blocks that did not match (the lab file is replaced atomically). A block counts as updated, not
// failed, when its only problem was the output (right exit code, no timeout, not secret).
import { readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { BlockResult, RunReport } from '../../engine/types.js';
import type { Block, ExpectedOutput, Lab, ShBlock } from '../../lab/model.js';
import { decodeLabSource } from '../../lab/source.js';
import { formatPos, UsageError } from '../../errors.js';
import { painter } from '../../report/color.js';
import { rewriteExpected } from '../../update/rewrite.js';
import type { CliCommand, CliContext } from '../context.js';
import { addRunOptions, type RunFlags } from '../run-options.js';
import { runLabs } from './run.js';
import { AFTER_FAILED_BLOCK, isOutputOnlyMismatch } from '../../engine/mismatch.js';

export const updateCommand: CliCommand = {
  name: 'update',
  register(program: Command, ctx: CliContext) {
    addRunOptions(
      program
        .command('update')
        .summary('run labs and write the real output into their expected-output blocks')
        .description('Run like `run` (going on after a step fails, as with --keep-going, and after a block whose output differs), then rewrite the expected-output blocks whose output did not match with the output the commands really printed. Exit like `run`, except that blocks whose only problem was their output count as updated, not failed.')
        .argument('<labs...>', 'lab markdown files'),
    ).action(async (files: string[], flags: RunFlags) => {
      // Blocks after a mismatch still run, so one update fixes every block of a step.
      ctx.exitCode = await runLabs(files, { ...flags, keepGoing: true }, ctx, {
        after: (lab, report) => applyUpdates(lab, report, ctx),
        options: { continueOnOutputMismatch: true },
      });
    });
  },
};

export interface PlannedUpdate {
  block: ShBlock;
  expected: ExpectedOutput;
  actual: string;
}

/** A failed block whose only problem is its output (the exit code was right, no timeout), and not secret. */
export function onlyOutputMismatch(block: Block, r: BlockResult): block is ShBlock & { expected: ExpectedOutput } {
  return block.kind === 'sh' && block.expected !== undefined && !block.attrs.secret && isOutputOnlyMismatch(block, r);
}

export function planUpdates(lab: Lab, report: RunReport): { updates: PlannedUpdate[]; otherFailures: BlockResult[]; notRun: number } {
  const byId = new Map<string, Block>([...lab.steps.flatMap((s) => s.blocks), ...lab.cleanup].map((b) => [b.id, b]));
  const updates: PlannedUpdate[] = [];
  const otherFailures: BlockResult[] = [];
  // The run goes on after a mismatch but a step still stops at any other failure: the blocks after
  // it did not run, so their expected output was not checked.
  let notRun = 0;
  for (const step of report.steps) {
    for (const r of step.blocks) {
      if (r.status === 'skipped' && r.message === AFTER_FAILED_BLOCK) notRun++;
      if (r.status !== 'failed' && r.status !== 'error') continue;
      const block = byId.get(r.id);
      if (block && onlyOutputMismatch(block, r)) {
        const e = block.expected;
        const actual = e.stream === 'stdout' ? r.stdout : e.stream === 'stderr' ? r.stderr : r.output;
        updates.push({ block, expected: e, actual });
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
    if (decodeLabSource(await readFile(path), lab.file) !== lab.source) {
      throw new UsageError('lab-changed', `${lab.file} changed while it ran; not updated`, { hint: `run \`kubelab update ${lab.file}\` again` });
    }
    const next = rewriteExpected(lab.source, updates.map(({ expected, actual }) => ({ expected, actual })));
    if (next !== lab.source) await writeFileAtomic(path, next);
    for (const u of updates) ctx.stdout.write(`${paint('green', 'updated')} ${formatPos(u.expected.pos)} ${paint('dim', `(${u.block.id})`)}\n`);
  }
  ctx.stdout.write(`${lab.file}: ${updates.length} expected output${updates.length === 1 ? '' : 's'} updated${otherFailures.length ? `, ${paint('red', `${otherFailures.length} other failure${otherFailures.length === 1 ? '' : 's'}`)} left` : ''}\n`);
  if (notRun > 0) {
    ctx.stdout.write(`${paint('yellow', 'note:')} ${notRun} block${notRun === 1 ? '' : 's'} did not run (an earlier block of ${notRun === 1 ? 'its' : 'their'} step failed, not only in its output); fix that, then run \`kubelab update ${lab.file}\` again to check ${notRun === 1 ? 'it' : 'them'}\n`);
  }
  const stepErrors = report.steps.some((s) => s.status === 'error');
  if (stepErrors) return report.exitCode;
  return otherFailures.length > 0 || report.summary.cleanupFailures > 0 ? 1 : 0;
}
