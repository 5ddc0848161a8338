// --reporter/--junit/--json (and GITHUB_ACTIONS) → the reporters of a run.
import { resolve } from 'node:path';
import { createReporter } from '../report/index.js';
import type { Reporter } from '../report/types.js';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';

export interface ReporterFlags {
  reporter?: string[];
  junit?: string;
  json?: string;
}

export function buildReporters(flags: ReporterFlags, ctx: CliContext): Reporter[] {
  const names = flags.reporter && flags.reporter.length > 0 ? [...flags.reporter] : ['terminal'];
  for (const name of names) {
    if (name === 'junit' && !flags.junit) throw new UsageError('usage', '--reporter junit needs a file', { hint: 'use --junit FILE instead' });
    if (name === 'json' && !flags.json) throw new UsageError('usage', '--reporter json needs a file', { hint: 'use --json FILE instead' });
  }
  if (flags.junit && !names.includes('junit')) names.push('junit');
  if (flags.json && !names.includes('json')) names.push('json');
  // Before the terminal reporter, so each step's lines land inside its ::group::.
  if (ctx.env.GITHUB_ACTIONS === 'true' && !names.includes('github')) names.unshift('github');
  const unique = [...new Set(names)];
  return unique.map((name) =>
    createReporter(name, {
      stream: ctx.stdout,
      isTTY: ctx.isTTY,
      env: ctx.env,
      outputFile: name === 'junit' && flags.junit ? resolve(ctx.cwd, flags.junit) : name === 'json' && flags.json ? resolve(ctx.cwd, flags.json) : undefined,
    }),
  );
}
