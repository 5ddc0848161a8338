// How errors look on the command line: one red line, where, and what to do. Stacks only with --debug.
import { formatPos, KubelabError } from '../errors.js';
import { painter } from '../report/color.js';
import type { CliContext } from './context.js';

export function formatError(err: unknown, opts: { color: boolean; debug: boolean }): string {
  const paint = painter(opts.color);
  const lines: string[] = [];
  if (err instanceof KubelabError) {
    lines.push(paint('red', `kubelab: error: ${err.message}`));
    if (err.pos && !err.message.includes(formatPos(err.pos))) lines.push(`  at ${formatPos(err.pos)}`);
    if (err.hint) lines.push(`  ${paint('yellow', 'hint:')} ${err.hint}`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    lines.push(paint('red', `kubelab: error: ${message}`));
    if (!opts.debug) lines.push(`  ${paint('yellow', 'hint:')} this is a bug or an unexpected condition; rerun with --debug for a stack trace`);
  }
  if (opts.debug && err instanceof Error && err.stack) lines.push(paint('dim', err.stack));
  return lines.join('\n') + '\n';
}

export function printError(ctx: CliContext, err: unknown): void {
  ctx.stderr.write(formatError(err, { color: ctx.colorStderr, debug: ctx.debug }));
}
