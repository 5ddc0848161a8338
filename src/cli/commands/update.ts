// `kubelab update LAB.md...`: run the lab, then write the real output into the expected-output
// blocks that did not match, and only where that output is known to be true (issue 8): not for
// secret blocks or output the redactor changed, not for blocks that ran without the captures of an
// earlier block that failed, never after an interrupt. The lab file is replaced atomically, through
// a symlink, keeping its mode. A block counts as updated, not failed, when its only problem was
// the output (right exit code, no timeout).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { BlockResult, RunReport } from '../../engine/types.js';
import type { Block, ExpectedOutput, Lab, ShBlock } from '../../lab/model.js';
import { decodeLabSource } from '../../lab/source.js';
import { formatPos, UsageError } from '../../errors.js';
import { painter } from '../../report/color.js';
import { rewriteLab } from '../../update/rewrite.js';
import { captureNames } from '../../update/text.js';
import { readLabStrict, replaceFileAtomic } from '../../update/file.js';
import type { CliCommand, CliContext } from '../context.js';
import { displayPath } from '../load.js';
import { addRunOptions, type RunFlags } from '../run-options.js';
import { interruptExitCode, runLabs } from './run.js';
import { AFTER_FAILED_BLOCK, isOutputOnlyMismatch } from '../../engine/mismatch.js';

export const updateCommand: CliCommand = {
  name: 'update',
  register(program: Command, ctx: CliContext) {
    addRunOptions(
      program
        .command('update')
        .summary('run labs and write the real output into their expected-output blocks')
        .description('Run like `run` (going on after a step fails, as with --keep-going, and after a block whose output differs), then rewrite the expected-output blocks whose output did not match with the output the commands really printed, where that output is known: secret blocks, output the redactor changed, and blocks that ran without the captures of an earlier failed block are left as they are and listed. Exit like `run`, except that blocks whose only problem was their output count as updated, not failed. An interrupted run writes nothing.')
        .argument('<labs...>', 'lab markdown files'),
    ).action(async (files: string[], flags: RunFlags) => {
      // A lab that is not UTF-8 cannot be written back unchanged: refuse it before anything runs.
      for (const file of files) await checkUtf8(file, ctx);
      // Blocks after a mismatch still run, so one update fixes every block of a step.
      ctx.exitCode = await runLabs(files, { ...flags, keepGoing: true }, ctx, {
        after: (lab, report) => applyUpdates(lab, report, ctx),
        options: { continueOnOutputMismatch: true },
      });
    });
  },
};

async function checkUtf8(file: string, ctx: CliContext): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(ctx.cwd, file));
  } catch {
    return; // loading the lab says why it cannot be read
  }
  decodeLabSource(bytes, displayPath(file, ctx.cwd));
}

export interface PlannedUpdate {
  block: ShBlock;
  expected: ExpectedOutput;
  actual: string;
}

/** A block whose output differed but is not rewritten, and why (words that follow "not updated: "). */
export interface RefusedBlock {
  block: ShBlock;
  expected: ExpectedOutput;
  reason: string;
  hint: string;
}

export interface UpdatePlan {
  updates: PlannedUpdate[];
  refused: RefusedBlock[];
  otherFailures: BlockResult[];
  notRun: number;
}

/** A failed block whose only problem is its output (the exit code was right, no timeout). */
export function onlyOutputMismatch(block: Block, r: BlockResult): block is ShBlock & { expected: ExpectedOutput } {
  return block.kind === 'sh' && block.expected !== undefined && isOutputOnlyMismatch(block, r);
}

/** Skipped for a reason that is not the author's or user's choice: it should have run. */
const SHOULD_HAVE_RUN = new Set([AFTER_FAILED_BLOCK, 'an earlier step failed', 'interrupted']);

/**
 * The captures `block` should have set for later blocks and did not (the executor exports them
 * only when the block passed; a block that did not run sets none).
 */
function capturesNotSet(block: Block, r: BlockResult): string[] {
  if (block.kind !== 'sh' || !block.expected) return [];
  const ran = r.status === 'failed' || r.status === 'error';
  if (!ran && !(r.status === 'skipped' && r.message !== undefined && SHOULD_HAVE_RUN.has(r.message))) return [];
  return captureNames(block.expected.text).filter((name) => !(r.captures && name in r.captures));
}

export function planUpdates(lab: Lab, report: RunReport): UpdatePlan {
  const byId = new Map<string, Block>([...lab.steps.flatMap((s) => s.blocks), ...lab.cleanup].map((b) => [b.id, b]));
  const plan: UpdatePlan = { updates: [], refused: [], otherFailures: [], notRun: 0 };
  // The first block (in run order) whose captures later blocks did not get: what those later
  // blocks printed may come from the unset variable, so it is not written as their truth.
  let unset: { block: Block; names: string[] } | undefined;
  for (const step of report.steps) {
    for (const r of step.blocks) {
      // The run goes on after a mismatch but a step still stops at any other failure: the blocks
      // after it did not run, so their expected output was not checked.
      if (r.status === 'skipped' && r.message === AFTER_FAILED_BLOCK) plan.notRun++;
      const block = byId.get(r.id);
      if (r.status === 'failed' || r.status === 'error') {
        // A secret block's diff is never kept (it could show the secret): its exit code tells.
        const secretMismatch = block?.kind === 'sh' && block.expected !== undefined && block.attrs.secret && r.status === 'failed' && !r.timedOut && r.exitCode === (block.attrs.exit ?? 0);
        if (block && (secretMismatch || onlyOutputMismatch(block, r))) {
          const e = (block as ShBlock & { expected: ExpectedOutput }).expected;
          const actual = e.stream === 'stdout' ? r.stdout : e.stream === 'stderr' ? r.stderr : r.output;
          if (block.attrs.secret) {
            plan.refused.push({ block, expected: e, reason: 'the block is `secret`: its output is never written into the lab', hint: 'edit the expected output by hand' });
          } else if (unset) {
            const names = unset.names.map((n) => `{{${n}}}`).join(', ');
            plan.refused.push({
              block,
              expected: e,
              reason: `it ran after ${unset.block.id} (${formatPos(unset.block.pos)}) failed, without the capture${unset.names.length === 1 ? '' : 's'} ${names} that block sets, so its output may be wrong`,
              hint: `once ${unset.block.id} passes, run \`kubelab update ${lab.file}\` again`,
            });
          } else plan.updates.push({ block, expected: e, actual });
        } else plan.otherFailures.push(r);
      }
      if (block && !unset) {
        const names = capturesNotSet(block, r);
        if (names.length > 0) unset = { block, names };
      }
    }
  }
  return plan;
}

export async function applyUpdates(lab: Lab, report: RunReport, ctx: CliContext): Promise<number> {
  const paint = painter(ctx.color);
  // A signal during cleanup does not make the report `interrupted`: ask the signal too.
  if (report.status === 'interrupted' || ctx.signal.aborted) {
    ctx.stdout.write(`${lab.file}: not updated (the run was interrupted)\n`);
    return ctx.signal.aborted ? interruptExitCode(ctx.signal) : report.exitCode;
  }
  if (report.status === 'error') {
    ctx.stdout.write(`${lab.file}: not updated (the run ended in an error)\n`);
    return report.exitCode;
  }
  const { updates, refused, otherFailures, notRun } = planUpdates(lab, report);
  let written: PlannedUpdate[] = [];
  if (updates.length > 0) {
    const path = resolve(ctx.cwd, lab.file);
    if ((await readLabStrict(path, lab.file)) !== lab.source) {
      throw new UsageError('lab-changed', `${lab.file} changed while it ran; not updated`, { hint: `run \`kubelab update ${lab.file}\` again` });
    }
    const result = rewriteLab(lab.source, updates.map(({ expected, actual }) => ({ expected, actual })));
    const refusedHere = new Set(result.refused.map((r) => r.expected));
    for (const r of result.refused) {
      const u = updates.find((x) => x.expected === r.expected)!;
      refused.push({ block: u.block, expected: u.expected, reason: r.reason, hint: 'edit the expected output by hand' });
    }
    written = updates.filter((u) => !refusedHere.has(u.expected));
    if (result.source !== lab.source && !(await replaceFileAtomic(path, result.source, () => ctx.signal.aborted))) {
      ctx.stdout.write(`${lab.file}: not updated (interrupted while writing)\n`);
      return interruptExitCode(ctx.signal);
    }
  }
  for (const u of written) ctx.stdout.write(`${paint('green', 'updated')} ${formatPos(u.expected.pos)} ${paint('dim', `(${u.block.id})`)}\n`);
  refused.sort((a, b) => a.expected.pos.line - b.expected.pos.line);
  for (const r of refused) {
    ctx.stdout.write(`${paint('yellow', 'not updated')} ${formatPos(r.expected.pos)} ${paint('dim', `(${r.block.id})`)}: ${r.reason}\n  ${paint('yellow', 'hint:')} ${r.hint}\n`);
  }
  const parts = [`${written.length} expected output${written.length === 1 ? '' : 's'} updated`];
  if (refused.length) parts.push(paint('yellow', `${refused.length} not updated`));
  if (otherFailures.length) parts.push(`${paint('red', `${otherFailures.length} other failure${otherFailures.length === 1 ? '' : 's'}`)} left`);
  ctx.stdout.write(`${lab.file}: ${parts.join(', ')}\n`);
  if (notRun > 0) {
    ctx.stdout.write(`${paint('yellow', 'note:')} ${notRun} block${notRun === 1 ? '' : 's'} did not run (an earlier block of ${notRun === 1 ? 'its' : 'their'} step failed, not only in its output); fix that, then run \`kubelab update ${lab.file}\` again to check ${notRun === 1 ? 'it' : 'them'}\n`);
  }
  const stepErrors = report.steps.some((s) => s.status === 'error');
  if (stepErrors) return report.exitCode;
  return otherFailures.length > 0 || refused.length > 0 || report.summary.cleanupFailures > 0 ? 1 : 0;
}
