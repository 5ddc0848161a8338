// `kubelab lint LAB.md...`: every problem, compiler style (`FILE:LINE:COL: severity: message`).
import type { Command } from 'commander';
import { formatPos, LabError } from '../../errors.js';
import type { Diagnostic } from '../../lab/model.js';
import { lintLab } from '../../lab/parse.js';
import { painter } from '../../report/color.js';
import { plural } from '../../report/format.js';
import { type CliCommand, type CliContext, QUIT_INTERRUPT } from '../context.js';
import { readLabSource } from '../load.js';

export const lintCommand: CliCommand = {
  name: 'lint',
  interrupt: QUIT_INTERRUPT,
  register(program: Command, ctx: CliContext) {
    program
      .command('lint')
      .summary('check labs without running them')
      .description('Check labs (front matter, fences, attributes, typed blocks) without running anything. Exit 0 when there is no error (warnings allowed), 2 otherwise.')
      .argument('<labs...>', 'lab markdown files')
      .action(async (files: string[]) => {
        ctx.exitCode = await lintLabs(files, ctx);
      });
  },
};

export function formatDiagnostic(d: Diagnostic, color: boolean): string {
  const paint = painter(color);
  const where = `${d.pos.file}:${d.pos.line}:${d.pos.col ?? 1}`;
  const severity = d.severity === 'error' ? paint('red', 'error') : paint('yellow', 'warning');
  const line = `${paint('bold', where)}: ${severity}: ${d.message}`;
  return d.hint ? `${line}\n  ${paint('dim', 'hint:')} ${d.hint}\n` : `${line}\n`;
}

export async function lintLabs(files: string[], ctx: CliContext): Promise<number> {
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    let diagnostics: Diagnostic[];
    try {
      const { source, display } = await readLabSource(file, ctx.cwd);
      diagnostics = [...lintLab(source, display)].sort((a, b) => a.pos.line - b.pos.line || (a.pos.col ?? 0) - (b.pos.col ?? 0));
    } catch (err) {
      // A file that is not UTF-8 is one more finding; the other labs are still linted.
      if (!(err instanceof LabError) || !err.pos) throw err;
      const message = err.message.startsWith(`${formatPos(err.pos)}: `) ? err.message.slice(formatPos(err.pos).length + 2) : err.message;
      diagnostics = [{ severity: 'error', code: err.code, pos: err.pos, message, ...(err.hint === undefined ? {} : { hint: err.hint }) }];
    }
    for (const d of diagnostics) {
      ctx.stdout.write(formatDiagnostic(d, ctx.color));
      if (d.severity === 'error') errors++;
      else warnings++;
    }
  }
  const labs = plural(files.length, 'lab');
  ctx.stderr.write(errors + warnings === 0 ? `${labs}: no problems\n` : `${labs}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
  return errors > 0 ? 2 : 0;
}
