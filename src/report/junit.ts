// JUnit XML: one <testsuite> per lab run, one <testcase> per step (classname = lab id, name = step
// title; a run on a Kubernetes version: suite `Title [Kubernetes 1.35]`, classname `id@1.35`, so
// the versions of one lab stay apart in CI views), failures with the message and the diff, the blocks' stdout/stderr as system-out/err.
// Cleanup is one more testcase named `cleanup`; a run-level error (cluster setup, a bad lab) is a
// testcase named `run`. Rewritten after every lab, so several labs share one file. Outputs are
// bounded to their tail (src/report/bound.ts); the file is checked before the run and written
// atomically, a failed write kept for the CLI (problems()) like the JSON reporter's.
import type { BlockResult, RunReport, StepReport } from '../engine/types.js';
import { formatPos, UsageError, type KubelabError } from '../errors.js';
import { boundReport, type BoundedRunReport } from './bound.js';
import { checkReportTarget, writeReportFile } from './file.js';
import type { Reporter, ReporterOptions } from './types.js';
import { plural } from './format.js';
import { attrs, xmlText } from './xml.js';

export function createJunitReporter(opts: ReporterOptions = {}): Reporter {
  const file = opts.outputFile;
  if (!file) throw new UsageError('usage', 'the junit reporter needs an output file', { hint: 'use --junit FILE' });
  checkReportTarget(file, 'junit');
  const reports: BoundedRunReport[] = [];
  let problem: KubelabError | undefined;
  let written = false;
  const write = async () => {
    written = true;
    problem = await writeReportFile(file, renderJunit(reports), 'junit').then(
      () => undefined,
      (err: KubelabError) => err,
    );
  };
  return {
    name: 'junit',
    async onRunEnd(e) {
      reports.push(boundReport(e.report, opts));
      await write();
    },
    // No run ended (a shard with nothing to run): an empty <testsuites>, so CI finds the file.
    finish: async () => (written ? undefined : write()),
    problems: () => (problem ? [problem] : []),
  };
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The JUnit XML of `reports` (bound them first: boundReport; renderJunit keeps what it is given). */
export function renderJunit(reports: readonly (RunReport | BoundedRunReport)[]): string {
  const suites = reports.map(renderSuite);
  const total = (f: (s: SuiteCounts) => number) => suites.reduce((n, s) => n + f(s.counts), 0);
  const time = reports.reduce((n, r) => n + r.durationMs, 0);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites${attrs({ name: 'kubelab', tests: total((c) => c.tests), failures: total((c) => c.failures), errors: total((c) => c.errors), skipped: total((c) => c.skipped), time: seconds(time) })}>\n` +
    suites.map((s) => s.xml).join('') +
    '</testsuites>\n'
  );
}

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function renderSuite(report: RunReport | BoundedRunReport): { xml: string; counts: SuiteCounts } {
  const cases: string[] = [];
  const counts: SuiteCounts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const k = report.kubernetes;
  const classname = k ? `${report.lab.id}@${k.label}` : report.lab.id;
  const file = report.lab.file;

  if (report.error) {
    counts.tests++;
    counts.errors++;
    const where = report.error.pos ? `${formatPos(report.error.pos)}: ` : '';
    const body = `${where}${report.error.message}${report.error.hint ? `\nhint: ${report.error.hint}` : ''}`;
    cases.push(
      `    <testcase${attrs({ classname, name: 'run', file, time: '0.000' })}>\n` +
        `      <error${attrs({ message: report.error.message, type: report.error.code })}>${xmlText(body)}</error>\n` +
        '    </testcase>\n',
    );
  }

  for (const step of report.steps) {
    counts.tests++;
    cases.push(renderStep(step, classname, file, counts));
  }

  if (report.cleanup.length > 0) {
    counts.tests++;
    const failed = report.cleanup.filter((c) => c.status === 'failed');
    const time = report.cleanup.reduce((n, c) => n + c.durationMs, 0);
    let inner = '';
    if (failed.length > 0) {
      counts.failures++;
      const message = `${failed.length} of ${plural(report.cleanup.length, 'cleanup action')} failed: ${failed.map((c) => c.label).join('; ')}`;
      const body = failed
        .map((c) => [`${c.label}${c.pos ? ` (${formatPos(c.pos)})` : ''}: ${c.message ?? 'failed'}`, c.output ?? ''].filter(Boolean).join('\n'))
        .join('\n\n');
      inner += `      <failure${attrs({ message, type: 'cleanup' })}>${xmlText(body)}</failure>\n`;
    }
    const log = report.cleanup.map((c) => `${c.status === 'passed' ? 'ok' : 'FAILED'} ${c.label}${c.output ? `\n${c.output}` : ''}`).join('\n');
    inner += `      <system-out>${xmlText(log)}</system-out>\n`;
    cases.push(`    <testcase${attrs({ classname, name: 'cleanup', file, time: seconds(time) })}>\n${inner}    </testcase>\n`);
  }

  const xml =
    `  <testsuite${attrs({
      name: k ? `${report.lab.title} [Kubernetes ${k.label}${k.inRange ? '' : ', outside the range'}]` : report.lab.title,
      id: k ? `${report.lab.id}@${k.version}` : report.lab.id,
      file,
      tests: counts.tests,
      failures: counts.failures,
      errors: counts.errors,
      skipped: counts.skipped,
      time: seconds(report.durationMs),
      timestamp: report.startedAt,
    })}>\n` +
    `    <properties>\n` +
    `      <property${attrs({ name: 'runId', value: report.runId })}/>\n` +
    `      <property${attrs({ name: 'status', value: report.status })}/>\n` +
    `      <property${attrs({ name: 'kubelab', value: report.kubelab })}/>\n` +
    (k
      ? `      <property${attrs({ name: 'kubernetes', value: k.version })}/>\n` +
        `      <property${attrs({ name: 'kubernetesInRange', value: String(k.inRange) })}/>\n` +
        (k.range !== undefined ? `      <property${attrs({ name: 'kubernetesRange', value: k.range })}/>\n` : '')
      : '') +
    `    </properties>\n` +
    cases.join('') +
    '  </testsuite>\n';
  return { xml, counts };
}

function blockFailureText(b: BlockResult): string {
  const lines = [`${formatPos(b.pos)} ${b.id}: ${b.message ?? b.status}`, `$ ${b.command}`];
  if (b.diff) lines.push('', b.diff.replace(/\n$/, ''));
  else if (b.output) lines.push('', b.output.replace(/\n$/, ''));
  if (b.hint) lines.push('', `hint: ${b.hint}`);
  return lines.join('\n');
}

function renderStep(step: StepReport, classname: string, file: string, counts: SuiteCounts): string {
  let inner = '';
  const bad = step.blocks.filter((b) => b.status === 'failed' || b.status === 'error');
  if (step.status === 'skipped') {
    counts.skipped++;
    inner += '      <skipped/>\n';
  } else if (step.status === 'failed' || step.status === 'error') {
    const tag = step.status === 'failed' ? 'failure' : 'error';
    if (tag === 'failure') counts.failures++;
    else counts.errors++;
    const first = bad[0];
    const message = first ? `${formatPos(first.pos)}: ${first.message ?? `${first.id} ${first.status}`}` : `step ${step.status}`;
    inner += `      <${tag}${attrs({ message, type: first?.timedOut ? 'timeout' : first?.diff ? 'output-mismatch' : step.status })}>${xmlText(bad.map(blockFailureText).join('\n\n'))}</${tag}>\n`;
  }
  const ran = step.blocks.filter((b) => b.status !== 'skipped');
  const out = ran.map((b) => `$ ${b.command}\n${b.stdout}`).join('\n');
  const err = ran.filter((b) => b.stderr !== '').map((b) => `$ ${b.command}\n${b.stderr}`).join('\n');
  if (out) inner += `      <system-out>${xmlText(out)}</system-out>\n`;
  if (err) inner += `      <system-err>${xmlText(err)}</system-err>\n`;
  return `    <testcase${attrs({ classname, name: step.title, file, line: step.pos.line, time: seconds(step.durationMs) })}>\n${inner}    </testcase>\n`;
}
