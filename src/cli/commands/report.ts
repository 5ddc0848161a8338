// `kubelab report RUN.json --html DIR`: render a run's JSON report (`kubelab run --json FILE`)
// as a static HTML page with a timeline of the steps.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { VERSION } from '../../version.js';
import type { RunReport } from '../../engine/types.js';
import { type CliCommand, type CliContext, fileErrorReason, QUIT_INTERRUPT } from '../context.js';

/**
 * Read what `kubelab run --json FILE` wrote: one RunReport (one lab) or an array of them (several
 * labs). Anything else is a UsageError saying what is wrong with which entry.
 */
export async function readRunReport(file: string): Promise<RunReport | RunReport[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError('report-not-readable', `cannot read ${file}: ${fileErrorReason(e)}`, { hint: 'write one with `kubelab run LAB.md --json RUN.json`' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError('report-not-json', `${file} is not JSON: ${(e as Error).message.replace(/\s*\n\s*/g, ' ')}`, { hint: 'give the file `kubelab run --json FILE` wrote' });
  }
  if (!Array.isArray(data)) return asRunReport(data, file);
  if (data.length === 0) throw new UsageError('report-schema', `${file} holds no run reports (an empty array)`, { hint: 'give the file `kubelab run --json FILE` wrote' });
  return data.map((entry, i) => asRunReport(entry, `${file}[${i}]`));
}

function asRunReport(data: unknown, where: string): RunReport {
  const r = data as Partial<RunReport>;
  const version = r && typeof r === 'object' ? (r as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof version === 'number' && version !== 1) {
    throw new UsageError('report-schema-version', `${where} is a run report of schemaVersion ${version}; this kubelab ${VERSION} reads schemaVersion 1`, { hint: version > 1 ? 'render it with the kubelab that wrote it (or a newer one)' : 'write it again with `kubelab run --json FILE`' });
  }
  if (!r || typeof r !== 'object' || r.schemaVersion !== 1 || !Array.isArray(r.steps) || !r.lab) {
    throw new UsageError('report-schema', `${where} is not a kubelab run report (schemaVersion 1)`, { hint: 'give the file `kubelab run --json FILE` wrote (docs/report-schema.md)' });
  }
  return { cleanup: [], ...r } as RunReport;
}

export const reportCommand: CliCommand = {
  name: 'report',
  interrupt: QUIT_INTERRUPT,
  register(program: Command, ctx: CliContext) {
    program
      .command('report')
      .summary('render a run\'s JSON report as HTML')
      .description('Render the JSON report of a run (`kubelab run LAB.md --json RUN.json`) as a static HTML page: summary, a timeline of the steps, each block\'s output and diff, and cleanup. A report of several labs (an array) gets an index page and a page per lab.')
      .argument('<run-json>', 'a JSON run report')
      .requiredOption('--html <dir>', 'directory to write index.html into')
      .action(async (file: string, flags: { html: string }) => {
        const report = await readRunReport(resolve(ctx.cwd, file));
        const { writeRunReportHtml } = await import('../../html/write.js');
        const index = await writeRunReportHtml(resolve(ctx.cwd, flags.html), report).catch((e: unknown) => {
          throw new UsageError('html-not-writable', `cannot write the HTML report to ${flags.html}: ${fileErrorReason(e)}`, { hint: 'give --html a directory you can write to' });
        });
        ctx.stdout.write(Array.isArray(report) ? `wrote ${index} and ${report.length} lab pages in ${resolve(ctx.cwd, flags.html, 'labs')}\n` : `wrote ${index}\n`);
        ctx.exitCode = 0;
      });
  },
};
