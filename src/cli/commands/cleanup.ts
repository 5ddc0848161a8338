// `kubelab cleanup`: finish the cleanup of runs that did not (crash, kill -9, --no-cleanup,
// a third Ctrl-C), from the journals they left. Every item that fails is shown with why and what
// to do; a run whose cleanup can never succeed is shown with what is still pending, and
// `--drop RUN_ID` (confirmed) gives up on it, listing what was NOT undone.
import type { Command } from 'commander';
import { copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Journal } from '../../engine/journal.js';
import type { CleanupResult } from '../../engine/types.js';
import { formatPos, UsageError } from '../../errors.js';
import type { Lab } from '../../lab/model.js';
import { parseLab } from '../../lab/parse.js';
import { decodeLabSource } from '../../lab/source.js';
import { painter, type Paint } from '../../report/color.js';
import { describeBlock } from '../../report/describe.js';
import { oneLine, plural } from '../../report/format.js';
import { formatCleanup } from '../../report/terminal.js';
import type { Reporter } from '../../report/types.js';
import type { KubelabConfig } from '../../config.js';
import { configOf, type CliCommand, type CliContext } from '../context.js';
import { displayPath } from '../load.js';
import { cleanupLabel } from '../../engine/cleanup-phase.js';

interface CleanupFlags {
  stateDir?: string;
  drop?: string;
  yes?: boolean;
}

export const cleanupCommand: CliCommand = {
  name: 'cleanup',
  interrupt: {
    first: 'cleanup in progress, press Ctrl-C again to quit (cleanup would not finish)',
    quit: 'quitting without finishing cleanup; `kubelab cleanup` again finishes it.',
    quitAt: 2,
  },
  register(program: Command, ctx: CliContext) {
    program
      .command('cleanup')
      .summary('undo what unfinished runs left behind')
      .description(
        'Run the undos recorded in the journals of unfinished runs (newest first, each LIFO). Exit 0 when everything was undone (or nothing was left), 1 when something could not be undone (each failure is shown with why, and what is still pending). --drop RUN_ID gives up on a run whose cleanup cannot succeed: its journal is removed (after confirmation) and what it did not undo is listed, to do by hand.',
      )
      .option('--state-dir <dir>', 'where the journals are (default: $KUBELAB_STATE_DIR or ~/.local/state/kubelab)')
      .option('--drop <run>', 'give up on an unfinished run (its run id, or its journal file): remove its journal WITHOUT undoing what is left; asks first')
      .option('--yes', 'with --drop: do not ask (required when stdin is not a terminal)')
      .action(async (flags: CleanupFlags) => {
        const config = configOf(ctx, flags);
        ctx.exitCode = flags.drop !== undefined ? await dropRun(flags.drop, config.stateDir, flags, ctx) : await finishAll(config.stateDir, config, ctx);
      });
  },
};

/** A journal as `kubelab cleanup` finds it. */
type Found =
  | { kind: 'unreadable'; path: string; reason: string }
  | { kind: 'running'; journal: Journal }
  | { kind: 'ready'; journal: Journal };

async function inspect(path: string): Promise<Found> {
  const { Journal, isAlive } = await import('../../engine/journal.js');
  let journal: Journal;
  try {
    journal = Journal.load(path);
  } catch (e) {
    return { kind: 'unreadable', path, reason: (e as Error).message };
  }
  const { pid } = journal.data;
  return pid !== process.pid && isAlive(pid) ? { kind: 'running', journal } : { kind: 'ready', journal };
}

/** The lab a journal belongs to, parsed again (its cleanup blocks); a reason when that fails. */
function labOf(journal: Journal): { lab?: Lab; problem?: string } {
  const file = journal.data.lab.file;
  try {
    return { lab: parseLab(decodeLabSource(readFileSync(file), file), file) };
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

function runName(journal: Journal, ctx: CliContext): string {
  return `run ${journal.data.runId} of ${displayPath(journal.data.lab.file, ctx.cwd)}`;
}

const dropHint = (id: string) => `\`kubelab cleanup --drop ${id}\` gives up on it (then undo what is listed by hand)`;

/** One failed item: ✗, what, why, and what to do. */
function failureLines(paint: Paint, what: string, why: string, hint: string): string {
  return `  ${paint('red', '✗')} ${paint('red', what)}\n      ${why}\n    ${paint('yellow', 'hint:')} ${hint}\n`;
}

interface PendingItem {
  what: string;
  /** The command to run by hand, when it is one (shown in full, up to COMMAND_LINES lines). */
  command?: string;
  why: string;
}

const COMMAND_LINES = 12;

/**
 * What cleanup would still do for a journal, in the order it runs them: the steps' undos (last
 * first), the `cleanup` blocks the run reached and the Cleanup section, then the cluster's undos.
 */
function pendingItems(journal: Journal, lab: Lab | undefined, labProblem: string | undefined, results: readonly CleanupResult[]): PendingItem[] {
  const why = (label: string, fallback: string) => results.find((r) => r.label === label && r.status === 'failed')?.message ?? fallback;
  const undo = (e: Journal['stack']['entries'][number]): PendingItem => ({
    what: e.undo.label,
    ...(e.undo.kind === 'sh' ? { command: e.undo.command } : e.undo.kind === 'cleanup-block' && e.undo.block.kind === 'sh' ? { command: e.undo.block.command } : {}),
    why: e.status === 'failed' ? `failed: ${e.message ?? 'no reason recorded'}` : 'not tried yet',
  });
  const open = journal.stack.entries.filter((e) => e.status !== 'done');
  const items = open.filter((e) => !e.setup).reverse().map(undo);
  const done = new Set(journal.data.cleanupDone);
  if (lab) {
    const byId = new Map([...lab.steps.flatMap((s) => s.blocks), ...lab.cleanup].map((b) => [b.id, b]));
    const ids = [...(journal.data.cleanupBlocks ?? [])].reverse().concat(lab.cleanup.map((b) => b.id)).filter((id) => !done.has(id));
    for (const id of new Set(ids)) {
      const block = byId.get(id);
      const command = block?.kind === 'sh' ? { command: block.command } : {};
      const what = block ? `cleanup block ${id} (${formatPos(block.pos)})${block.kind === 'sh' ? '' : `: ${oneLine(describeBlock(block))}`}` : `cleanup block ${id} (no longer in ${journal.data.lab.file})`;
      items.push({ what, ...command, why: why(block ? cleanupLabel(block) : `cleanup block ${id}`, 'not done') });
    }
  } else {
    items.push({ what: `the cleanup blocks of ${journal.data.lab.file}`, why: `unknown: ${labProblem ?? 'the lab cannot be read'}` });
  }
  items.push(...open.filter((e) => e.setup).reverse().map(undo));
  return items;
}

function formatPending(items: readonly PendingItem[]): string {
  const commandLines = (command: string) => {
    const lines = command.replace(/\n$/, '').split('\n');
    const shown = lines.slice(0, COMMAND_LINES).map((l, n) => `        ${n === 0 ? '$' : ' '} ${l}\n`);
    if (lines.length > COMMAND_LINES) shown.push(`          … (${plural(lines.length - COMMAND_LINES, 'more line')})\n`);
    return shown.join('');
  };
  return items.map((i) => `    - ${i.what}\n${i.command ? commandLines(i.command) : ''}        ${i.why}\n`).join('');
}

async function finishAll(stateDir: string, config: KubelabConfig, ctx: CliContext): Promise<number> {
  const { listJournals, Journal } = await import('../../engine/journal.js');
  const { finishJournal } = await import('../../engine/finish.js');
  const paint = painter(ctx.color);
  const paths = listJournals(stateDir);
  if (paths.length === 0) {
    ctx.stdout.write('nothing to clean up\n');
    return 0;
  }
  let ok = 0;
  let failed = 0;
  for (const path of paths) {
    if (ctx.signal.aborted) break;
    const found = await inspect(path);
    if (found.kind === 'unreadable') {
      failed++;
      ctx.stdout.write(
        failureLines(
          paint,
          `journal ${path} cannot be read`,
          found.reason,
          `look at what that run changed and undo it by hand; then \`kubelab cleanup --drop ${basename(path)}\` removes the journal`,
        ),
      );
      continue;
    }
    const { journal } = found;
    if (found.kind === 'running') {
      failed++;
      ctx.stdout.write(
        failureLines(
          paint,
          `${runName(journal, ctx)} is still going (process ${journal.data.pid})`,
          `its cleanup belongs to that process (started ${journal.data.startedAt})`,
          `let it finish, or stop it (\`kill ${journal.data.pid}\`, it then cleans up), and run \`kubelab cleanup\` again if it left something`,
        ),
      );
      continue;
    }
    const { lab, problem } = labOf(journal);
    ctx.stdout.write(`${paint('bold', runName(journal, ctx))} ${paint('dim', `(started ${journal.data.startedAt})`)}\n`);
    const shown = new Set<CleanupResult>();
    const reporter: Reporter = {
      onCleanupEnd(e) {
        shown.add(e.result);
        ctx.stdout.write(formatCleanup(e.result, paint, lab));
      },
    };
    const results = await finishJournal(path, { stateDir, env: config.env, tools: config.tools, reporters: [reporter], signal: ctx.signal, progress: (m) => ctx.stdout.write(`${m}\n`) });
    // Results no event showed (finishJournal's own checks) are shown here, never only counted.
    for (const r of results) if (!shown.has(r)) ctx.stdout.write(formatCleanup(r, paint, lab));
    ok += results.filter((r) => r.status === 'passed').length;
    failed += results.filter((r) => r.status === 'failed').length;
    if (existsSync(path)) {
      let left: Journal;
      try {
        left = Journal.load(path);
      } catch {
        continue;
      }
      const items = pendingItems(left, lab, problem, results);
      if (items.length === 0) continue;
      if (!results.some((r) => r.status === 'failed')) failed++;
      ctx.stdout.write(`  ${paint('red', `not finished, still pending (journal ${path}):`)}\n${formatPending(items)}`);
      ctx.stdout.write(`  ${paint('yellow', 'hint:')} fix what makes them fail and run \`kubelab cleanup\` again; or ${dropHint(left.data.runId)}\n`);
    }
  }
  ctx.stdout.write(`cleanup: ${ok} ok${failed ? `, ${paint('red', `${failed} failed`)}` : ''}\n`);
  return failed > 0 || ctx.signal.aborted ? 1 : 0;
}

/** `--drop RUN_ID`: remove one journal after saying what stays undone; asks on a terminal, else needs --yes. */
async function dropRun(id: string, stateDir: string, flags: CleanupFlags, ctx: CliContext): Promise<number> {
  const { listJournals } = await import('../../engine/journal.js');
  const paint = painter(ctx.color);
  const found = await Promise.all(listJournals(stateDir).map(inspect));
  const asPath = resolve(ctx.cwd, id);
  const target = found.find((f) => (f.kind === 'unreadable' ? f.path : f.journal.path) === asPath || basename(f.kind === 'unreadable' ? f.path : f.journal.path) === id || (f.kind !== 'unreadable' && f.journal.data.runId === id));
  if (!target) {
    const ids = found.map((f) => (f.kind === 'unreadable' ? basename(f.path) : f.journal.data.runId));
    throw new UsageError('no-such-run', `--drop ${id}: no unfinished run with that id or journal in ${stateDir}`, {
      hint: ids.length > 0 ? `unfinished runs: ${ids.join(', ')} (\`kubelab cleanup\` shows them)` : 'there is no unfinished run to drop',
    });
  }
  if (target.kind === 'running') {
    throw new UsageError('run-still-going', `--drop ${id}: ${runName(target.journal, ctx)} is still going (process ${target.journal.data.pid}); its journal cannot be dropped`, {
      hint: `let it finish, or stop it (\`kill ${target.journal.data.pid}\`) and run \`kubelab cleanup\``,
    });
  }
  const path = target.kind === 'unreadable' ? target.path : target.journal.path;
  let items: PendingItem[];
  if (target.kind === 'unreadable') {
    ctx.stdout.write(`journal ${path} cannot be read (${target.reason})\n`);
    items = [{ what: 'whatever that run changed', why: `unknown: the journal cannot be read; look at ${path}` }];
  } else {
    const { lab, problem } = labOf(target.journal);
    ctx.stdout.write(`${runName(target.journal, ctx)} (started ${target.journal.data.startedAt}, journal ${path})\n`);
    items = pendingItems(target.journal, lab, problem, []);
  }
  ctx.stdout.write(
    items.length > 0
      ? `${paint('red', `Dropping it leaves ${plural(items.length, 'item')} NOT undone; undo them by hand:`)}\n${formatPending(items)}`
      : 'Nothing is left to undo in it.\n',
  );

  if (!flags.yes) {
    const interactive = ctx.isTTY && ctx.stdin?.isTTY === true;
    if (!interactive) {
      throw new UsageError('drop-needs-yes', `--drop ${id}: not confirmed; nothing was dropped`, {
        hint: `stdin is not a terminal: add --yes to drop it (\`kubelab cleanup --drop ${id} --yes\`)`,
      });
    }
    const rl = createInterface({ input: ctx.stdin!, output: ctx.stdout, terminal: false });
    let answer = '';
    try {
      answer = await rl.question(`Drop ${id}? [y/N] `, { signal: ctx.signal });
    } catch {
      // interrupted or end of input: no
    } finally {
      rl.close();
    }
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.stdout.write('Not dropped: the journal stays (`kubelab cleanup` retries it).\n');
      return 1;
    }
  }

  // A copy stays beside it (listJournals ignores it), in case the user wants to look again.
  const backup = `${path}.dropped-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`;
  if (target.kind === 'unreadable') renameSync(path, backup);
  else {
    copyFileSync(path, backup);
    target.journal.remove();
  }
  ctx.stdout.write(`Dropped ${id}${items.length > 0 ? `: ${items.length === 1 ? 'the item above was' : `the ${items.length} items above were`} NOT undone` : ''}. The journal is kept as ${backup}.\n`);
  return 0;
}
