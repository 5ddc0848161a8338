// The default reporter: live progress on a TTY (one spinner line), plain lines otherwise (or when
// CI=true). Failures are shown in full, after their step's line: where (lab.md:42), why, the diff
// and the output's tail. Status and counts come from the report as the runner made it.
import { stripVTControlCharacters } from 'node:util';
import { formatDuration } from '../format.js';
import type { BlockResult, CleanupResult, RunReport, StepReport } from '../engine/types.js';
import type { Lab } from '../lab/model.js';
import type { RunMatrix } from '../model/report.js';
import { formatPos } from '../errors.js';
import type { Reporter, ReporterOptions } from './types.js';
import { boundBlockResult, boundCleanupResult, formatBytes } from './bound.js';
import { colorEnabled, paintDiff, painter, type Paint, type Style } from './color.js';
import { describeBlock, describeCleanupItem } from './describe.js';
import { oneLine, plural, printable, summaryCounts, tailLines } from './format.js';
import { isBroken, safeStream } from './stream.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TAIL = 20;

export function createTerminalReporter(opts: ReporterOptions = {}): Reporter {
  const stream = safeStream(opts.stream ?? process.stdout);
  const env = opts.env ?? process.env;
  const isTTY = opts.isTTY ?? (stream as { isTTY?: boolean }).isTTY === true;
  const liveMode = isTTY && env.CI !== 'true' && env.CI !== '1';
  const paint = painter(colorEnabled({ color: opts.color, isTTY, env }));
  const live = new LiveLine(stream, liveMode, paint);
  let stepLabel = '';
  let total = 0;
  let runs = 0;
  let lab: Lab | undefined;
  const shownSteps = new Set<number>();
  // A step's failed blocks, printed after its `[n/N] title … ✗` line.
  let failures: BlockResult[] = [];
  const flushFailures = () => {
    for (const f of failures) live.write(formatBlockFailure(f, paint, opts.maxOutputBytes));
    failures = [];
  };

  return {
    name: 'terminal',
    onRunStart(e) {
      total = e.total;
      lab = e.lab;
      shownSteps.clear();
      failures = [];
      if (runs++ > 0) live.write('\n');
      live.write(`${paint('bold', e.lab.title)} ${paint('dim', `(${e.lab.file}, ${plural(e.total, 'step')})`)}\n`);
    },
    onProgress(e) {
      if (liveMode) live.update(stepLabel, e.message);
      else live.write(paint('dim', `  · ${e.message}`) + '\n');
    },
    onStepStart(e) {
      stepLabel = `[${e.index + 1}/${e.total}] ${e.step.title}`;
      if (liveMode) live.start(stepLabel);
      else live.write(`${stepLabel} …\n`);
    },
    onBlockStart(e) {
      live.update(stepLabel, oneLine(describeBlock(e.block), 60));
    },
    onBlockEnd(e) {
      if (e.result.status === 'failed' || e.result.status === 'error') failures.push(boundBlockResult(e.result, opts));
    },
    onStepEnd(e) {
      live.stop();
      const r = e.report;
      const mark =
        r.status === 'passed'
          ? paint('green', '✓')
          : r.status === 'skipped'
            ? paint('dim', '– skipped')
            : r.status === 'failed'
              ? paint('red', '✗')
              : paint('red', '✗ error');
      const time = r.status === 'skipped' ? '' : ` ${paint('dim', formatDuration(r.durationMs, { style: 'timing' }))}`;
      live.write(`${stepLabel} … ${mark}${time}\n`);
      flushFailures();
      shownSteps.add(r.index);
      stepLabel = '';
    },
    onCleanupStart(e) {
      flushFailures();
      if (e.count > 0) live.write(`${paint('bold', 'cleanup')} ${paint('dim', `(${e.count})`)}\n`);
      if (liveMode) live.start('cleanup');
    },
    onCleanupEnd(e) {
      live.write(formatCleanup(e.result, paint, lab, opts.maxOutputBytes));
    },
    onRunEnd(e) {
      live.stop();
      flushFailures();
      // Steps that never started (after a failure, --from/--only, an interrupt) still get a line,
      // unless the run could not start at all (the error says it all).
      const notRun = e.report.steps.filter((s) => s.status === 'skipped' && !shownSteps.has(s.index));
      if (notRun.length > 0 && !(e.report.error && shownSteps.size === 0)) {
        const n = total || e.report.steps.length;
        const why = (s: StepReport) => s.blocks.find((b) => b.message)?.message;
        live.write(notRun.map((s) => paint('dim', `[${s.index + 1}/${n}] ${s.title} … – not run${why(s) ? ` (${why(s)})` : ''}`)).join('\n') + '\n');
      }
      live.write(formatSummary(e.report, paint));
    },
  };
}

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : prefix + l))
    .join('\n');
}

/** A failed block in full. Its output is bounded first (a 50 MB output is not scanned for 20 lines). */
export function formatBlockFailure(result: BlockResult, paint: Paint, maxOutputBytes?: number): string {
  const r = boundBlockResult(result, { maxOutputBytes });
  const out: string[] = [];
  const where = formatPos(r.pos);
  out.push(`  ${paint('red', '✗')} ${paint('bold', where)} ${paint('dim', r.name ? `${r.id} (${r.name})` : r.id)}`);
  out.push(indent(paint('dim', `$ ${oneLine(r.command, 100)}`)));
  const reason = r.message ?? (r.timedOut ? 'timed out' : r.diff ? 'output differs from the expected output' : `exit code ${String(r.exitCode)}`);
  out.push(indent(paint('red', reason)));
  if (r.diff) {
    // The engine's diffs carry `--- expected (file:line)` / `+++ actual` headers; say it otherwise.
    if (!r.diff.startsWith('---')) out.push(indent(paint('dim', `expected${r.expectedPos ? ` (${formatPos(r.expectedPos)})` : ''} (-) vs actual (+):`)));
    out.push(indent(paintDiff(printable(r.diff.replace(/\n$/, '')), paint), '      '));
  }
  const { lines, omitted } = tailLines(printable(r.output), TAIL);
  if (lines.length > 0) {
    const cut = r.truncated?.output;
    const title =
      cut !== undefined && omitted > 0
        ? `output (last ${lines.length} lines; more than ${formatBytes(cut)} before them not shown):`
        : omitted > 0
          ? `output (last ${lines.length} of ${lines.length + omitted} lines):`
          : 'output:';
    out.push(indent(paint('dim', title)));
    out.push(lines.map((l) => `      ${paint('dim', '│')} ${l}`).join('\n'));
  }
  if (r.hint) out.push(indent(`${paint('yellow', 'hint:')} ${r.hint}`));
  return out.join('\n') + '\n';
}

/** One cleanup item: what it ran (a block's command, an undo's label), and why it failed. */
export function formatCleanup(result: CleanupResult, paint: Paint, lab?: Pick<Lab, 'steps' | 'cleanup'>, maxOutputBytes?: number): string {
  const r = boundCleanupResult(result, { maxOutputBytes });
  const what = describeCleanupItem(r, lab);
  if (r.status === 'passed') return `  ${paint('green', '✓')} ${what} ${paint('dim', formatDuration(r.durationMs, { style: 'timing' }))}\n`;
  const out = [`  ${paint('red', '✗')} ${paint('red', `cleanup failed: ${what}`)}${r.pos ? ` ${paint('dim', formatPos(r.pos))}` : ''}`];
  if (r.message) out.push(indent(r.message));
  const { lines } = tailLines(printable(r.output ?? ''), TAIL);
  if (lines.length > 0) out.push(lines.map((l) => `      ${paint('dim', '│')} ${l}`).join('\n'));
  return out.join('\n') + '\n';
}

export function formatSummary(report: RunReport, paint: Paint): string {
  const out: string[] = [''];
  if (report.error) {
    out.push(`${paint('red', 'error:')} ${report.error.message}`);
    if (report.error.pos) out.push(`  at ${formatPos(report.error.pos)}`);
    if (report.error.hint) out.push(`  ${paint('yellow', 'hint:')} ${report.error.hint}`);
  }
  const word =
    report.status === 'passed'
      ? paint('green', 'PASSED')
      : report.status === 'interrupted'
        ? paint('yellow', 'INTERRUPTED')
        : report.status === 'failed'
          ? paint('red', 'FAILED')
          : paint('red', 'ERROR');
  const parts = [`steps: ${summaryCounts(report)}`];
  if (report.summary.points) parts.push(`points: ${report.summary.points.earned}/${report.summary.points.possible}`);
  const cleanupOk = report.cleanup.filter((c) => c.status === 'passed').length;
  if (report.cleanup.length > 0) {
    const failed = report.summary.cleanupFailures;
    parts.push(`cleanup: ${cleanupOk} ok${failed ? `, ${paint('red', `${failed} FAILED`)}` : ''}`);
  }
  parts.push(formatDuration(report.durationMs, { style: 'timing' }));
  const k = report.kubernetes;
  const version = k ? ` on Kubernetes ${k.label}${k.inRange ? '' : ` (outside the lab's range ${k.range})`}` : '';
  out.push(`${word} ${paint('bold', report.lab.title)}${version} ${paint('dim', `(${report.lab.file})`)}`);
  out.push(`  ${parts.join(' · ')}`);
  if (report.summary.cleanupFailures > 0) {
    out.push(paint('red', `  cleanup left things behind; see the failures above and fix them by hand or rerun \`kubelab cleanup\``));
  }
  return out.join('\n') + '\n';
}

/** One redrawn status line with a spinner (TTY only); everything else is written above it. */
class LiveLine {
  private text = '';
  private shown = false;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly enabled: boolean,
    private readonly paint: Paint,
  ) {}

  start(text: string): void {
    if (!this.enabled) return;
    this.text = text;
    this.draw();
    if (!this.timer) {
      this.timer = setInterval(() => {
        this.frame = (this.frame + 1) % FRAMES.length;
        this.draw();
      }, 100);
      this.timer.unref();
    }
  }

  update(label: string, detail: string): void {
    if (!this.enabled) return;
    this.text = detail ? `${label} ${this.paint('dim', detail)}` : label;
    if (this.timer) this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
    this.text = '';
  }

  write(text: string): void {
    this.clear();
    this.stream.write(text);
    if (this.timer) this.draw();
  }

  private clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  private draw(): void {
    if (!this.enabled || this.text === '') return;
    // Nobody is reading any more (a closed terminal or pipe): stop redrawing.
    if (isBroken(this.stream)) return this.stop();
    // A pty without a size reports 0 columns.
    const reported = (this.stream as { columns?: number }).columns ?? 0;
    const columns = reported >= 20 ? reported : 80;
    const line = `${FRAMES[this.frame]} ${this.text}`;
    // Keep it to one row so `\r` can redraw it (ANSI codes do not take room, so measure without them).
    const visible = stripVTControlCharacters(line);
    const fitted = visible.length > columns - 1 ? visible.slice(0, columns - 2) + '…' : line;
    this.stream.write(`\r\x1b[2K${fitted}`);
    this.shown = true;
  }
}

const MATRIX_MARK: Record<string, { text: string; style?: Style }> = {
  passed: { text: '✓', style: 'green' },
  failed: { text: '✗', style: 'red' },
  error: { text: '✗ error', style: 'red' },
  interrupted: { text: 'interrupted', style: 'yellow' },
  skipped: { text: '–', style: 'dim' },
  missing: { text: '? missing', style: 'yellow' },
};

/**
 * The version × step matrix at the end of a run over versions: per lab, a column per version (a
 * `*` marks one outside the lab's range), a row per step and the run's result.
 */
export function formatMatrix(matrix: RunMatrix, color: boolean): string {
  const paint = painter(color);
  const out: string[] = ['', paint('bold', 'Kubernetes version × step')];
  let outside = false;
  for (const lab of matrix.labs) {
    out.push(`${paint('bold', lab.title)} ${paint('dim', `(${lab.file}${lab.range !== undefined ? `, kubernetes ${lab.range}` : ''})`)}`);
    const heads = lab.versions.map((c) => `${c.label}${c.inRange ? '' : '*'}`);
    outside ||= lab.versions.some((c) => !c.inRange);
    const rows: { label: string; cells: string[] }[] = lab.steps.map((s) => ({ label: `${String(s.index + 1).padStart(3)}. ${s.title}`, cells: lab.versions.map((c) => (c.status === 'missing' ? 'missing' : (s.status[c.version] ?? 'skipped'))) }));
    rows.push({ label: '     result', cells: lab.versions.map((c) => c.status) });
    const width = Math.min(48, Math.max(...rows.map((r) => r.label.length)));
    const colWidth = lab.versions.map((_, i) => Math.max(heads[i]!.length, ...rows.map((r) => MATRIX_MARK[r.cells[i]!]?.text.length ?? r.cells[i]!.length)));
    const cell = (text: string, w: number, style?: Style) => (style ? paint(style, text) : text) + ' '.repeat(Math.max(0, w - text.length));
    out.push(`${' '.repeat(width)}  ${heads.map((h, i) => cell(h, colWidth[i]!, 'bold')).join('  ')}`.trimEnd());
    for (const r of rows) {
      const label = r.label.length > width ? `${r.label.slice(0, width - 1)}…` : r.label.padEnd(width);
      out.push(`${label}  ${r.cells.map((c, i) => cell(MATRIX_MARK[c]?.text ?? c, colWidth[i]!, MATRIX_MARK[c]?.style)).join('  ')}`.trimEnd());
    }
  }
  if (outside) out.push(paint('dim', "* outside the lab's `kubernetes:` range (run because it was asked for)"));
  return out.join('\n') + '\n';
}
