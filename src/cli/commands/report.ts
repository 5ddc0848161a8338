// `kubelab report RUN.json --html DIR`: render a run's JSON report (`kubelab run --json FILE`)
// as a static HTML page with a timeline of the steps (a run over versions: the version × step
// matrix on top). `kubelab report --merge A.json B.json … --out DIR`: join shard reports into one
// JSON, JUnit and HTML report, saying which (lab, version) pairs are missing or were run twice.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { VERSION } from '../../version.js';
import type { RunReport, RunSet } from '../../model/report.js';
import { type CliCommand, type CliContext, fileErrorReason, QUIT_INTERRUPT } from '../context.js';

/** What `kubelab run --json FILE` writes: one RunReport (one lab), an array (several labs), or a run set (versions, shards). */
export type ReportFile = RunReport | RunReport[] | RunSet;

/**
 * Read what `kubelab run --json FILE` (or `report --merge`) wrote. Anything else is a UsageError
 * saying what is wrong with which entry.
 */
export async function readRunReport(file: string): Promise<ReportFile> {
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
  if (data && typeof data === 'object' && (data as { kind?: unknown }).kind === 'run-set') return asRunSet(data as Partial<RunSet>, file);
  if (!Array.isArray(data)) return asRunReport(data, file);
  if (data.length === 0) throw new UsageError('report-schema', `${file} holds no run reports (an empty array)`, { hint: 'give the file `kubelab run --json FILE` wrote' });
  return data.map((entry, i) => asRunReport(entry, `${file}[${i}]`));
}

function checkSchemaVersion(version: unknown, where: string, what: string): void {
  if (typeof version === 'number' && version !== 1) {
    throw new UsageError('report-schema-version', `${where} is a ${what} of schemaVersion ${version}; this kubelab ${VERSION} reads schemaVersion 1`, { hint: version > 1 ? 'render it with the kubelab that wrote it (or a newer one)' : 'write it again with `kubelab run --json FILE`' });
  }
}

function asRunReport(data: unknown, where: string): RunReport {
  const r = data as Partial<RunReport>;
  checkSchemaVersion(r && typeof r === 'object' ? (r as { schemaVersion?: unknown }).schemaVersion : undefined, where, 'run report');
  if (!r || typeof r !== 'object' || r.schemaVersion !== 1 || !Array.isArray(r.steps) || !r.lab) {
    throw new UsageError('report-schema', `${where} is not a kubelab run report (schemaVersion 1)`, { hint: 'give the file `kubelab run --json FILE` wrote (docs/report-schema.md)' });
  }
  return { cleanup: [], ...r } as RunReport;
}

function asRunSet(s: Partial<RunSet>, file: string): RunSet {
  checkSchemaVersion(s.schemaVersion, file, 'run set');
  if (s.schemaVersion !== 1 || !Array.isArray(s.runs) || !Array.isArray(s.labs) || !Array.isArray(s.pairs)) {
    throw new UsageError('report-schema', `${file} is not a kubelab run set (schemaVersion 1 with labs, pairs and runs)`, { hint: 'give the file `kubelab run --json FILE` wrote (docs/report-schema.md)' });
  }
  return { ...s, runs: s.runs.map((r, i) => asRunReport(r, `${file} runs[${i}]`)) } as RunSet;
}

interface ReportFlags {
  html?: string;
  merge?: boolean;
  out?: string;
}

export const reportCommand: CliCommand = {
  name: 'report',
  interrupt: QUIT_INTERRUPT,
  register(program: Command, ctx: CliContext) {
    program
      .command('report')
      .summary('render a run\'s JSON report as HTML; merge shard reports')
      .description('Render the JSON report of a run (`kubelab run LAB.md --json RUN.json`) as a static HTML page: summary, a timeline of the steps, each block\'s output and diff, and cleanup. A report of several labs gets an index page and a page per lab; a run over Kubernetes versions the version × step matrix on top. With --merge, join the JSON reports of shards (`kubelab run --shard i/n --json …`) into one JSON, JUnit and HTML report in --out DIR.')
      .argument('<run-json...>', 'JSON run reports (one without --merge)')
      .option('--html <dir>', 'directory to write index.html into')
      .option('--merge', 'join the reports of shards into one (report.json, junit.xml, index.html in --out)')
      .option('--out <dir>', 'with --merge: the directory to write the merged reports into')
      .action(async (files: string[], flags: ReportFlags) => {
        ctx.exitCode = flags.merge ? await mergeCommand(files, flags, ctx) : await renderCommand(files, flags, ctx);
      });
  },
};

async function renderCommand(files: string[], flags: ReportFlags, ctx: CliContext): Promise<number> {
  if (files.length > 1) throw new UsageError('usage', `${files.length} reports given: render one at a time, or join shard reports with --merge`, { hint: `kubelab report --merge ${files.join(' ')} --out DIR` });
  if (flags.html === undefined) throw new UsageError('usage', 'where to write the HTML report? (--html DIR)', { hint: `kubelab report ${files[0]} --html DIR` });
  if (flags.out !== undefined) throw new UsageError('usage', '--out goes with --merge; a single report is rendered with --html DIR', { hint: `kubelab report ${files[0]} --html ${flags.out}` });
  const report = await readRunReport(resolve(ctx.cwd, files[0]!));
  const { writeRunReportHtml } = await import('../../html/write.js');
  const index = await writeRunReportHtml(resolve(ctx.cwd, flags.html), report).catch((e: unknown) => {
    throw new UsageError('html-not-writable', `cannot write the HTML report to ${flags.html}: ${fileErrorReason(e)}`, { hint: 'give --html a directory you can write to' });
  });
  const runs = Array.isArray(report) ? report.length : 'runs' in report ? report.runs.length : 1;
  ctx.stdout.write(runs > 1 || !('lab' in report) ? `wrote ${index} and ${runs} lab pages in ${resolve(ctx.cwd, flags.html, 'labs')}\n` : `wrote ${index}\n`);
  return 0;
}

/** Exit 0 when the merged report is complete, 1 when pairs are missing or were run twice (the reports are written either way). */
async function mergeCommand(files: string[], flags: ReportFlags, ctx: CliContext): Promise<number> {
  if (flags.out === undefined) throw new UsageError('usage', '--merge needs --out DIR (report.json, junit.xml and index.html go there)', { hint: `kubelab report --merge ${files.join(' ')} --out merged` });
  if (flags.html !== undefined) throw new UsageError('usage', '--merge writes its HTML into --out DIR; leave --html out', { hint: `kubelab report --merge ${files.join(' ')} --out ${flags.out}` });
  const inputs = [];
  for (const file of files) {
    const report = await readRunReport(resolve(ctx.cwd, file));
    inputs.push({ file, report: Array.isArray(report) ? report : 'runs' in report ? report : [report] });
  }
  const { mergeReports } = await import('../../versions/merge.js');
  const merged = mergeReports(inputs);
  const out = resolve(ctx.cwd, flags.out);
  const { writeReportFile } = await import('../../report/file.js');
  const { renderJunit } = await import('../../report/junit.js');
  const { writeRunReportHtml } = await import('../../html/write.js');
  await writeReportFile(join(out, 'report.json'), JSON.stringify(merged, null, 2) + '\n', 'json');
  await writeReportFile(join(out, 'junit.xml'), renderJunit(merged.runs), 'junit');
  const index = await writeRunReportHtml(out, merged).catch((e: unknown) => {
    throw new UsageError('html-not-writable', `cannot write the HTML report to ${flags.out}: ${fileErrorReason(e)}`, { hint: 'give --out a directory you can write to' });
  });
  const m = merged.merge!;
  const passed = merged.runs.filter((r) => r.status === 'passed').length;
  ctx.stdout.write(`merged ${files.length} reports: ${merged.runs.length} runs (${passed} passed) of ${merged.pairs.length} (lab, version) pairs\nwrote ${join(out, 'report.json')}, ${join(out, 'junit.xml')}, ${index}\n`);
  const show = (p: { lab: string; version: string }) => `${p.lab} on ${p.version}`;
  for (const p of m.missing) ctx.stderr.write(`kubelab: missing: ${show(p)} (no report has it: a shard not given, failed before its report, or interrupted)\n`);
  for (const d of m.duplicates) ctx.stderr.write(`kubelab: duplicated: ${show(d)} is in ${d.inputs.join(' and ')}; the first is kept\n`);
  return m.missing.length > 0 || m.duplicates.length > 0 ? 1 : 0;
}
