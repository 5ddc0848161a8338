// The course index of `kubelab learn DIR` in a terminal: each lab with its progress, the shared
// cluster and what becomes of it, and one choice (open a lab, delete the cluster, quit). Lines are
// formatted here (pure: data in, lines out); `askCourseIndex` shows them and reads the choice,
// a single key on a TTY, a line otherwise.
import type { Style } from '../learn/text.js';
import { truncate, wrapText } from '../learn/text.js';
import type { LabProgressView } from './progress.js';
import { describeProgress, isFinished } from './progress.js';
import type { SharedClusterStatus } from './shared-cluster.js';

export type CourseChoice = { kind: 'open'; index: number } | { kind: 'delete-cluster'; name: string } | { kind: 'quit' };

export interface CourseIndexView {
  title: string;
  labs: LabProgressView[];
  clusters: SharedClusterStatus[];
  /** Shown under the title: what just happened (a cluster deleted, a lab finished). */
  notes?: string[];
}

const METER = 10;

function meter(p: LabProgressView): string {
  const full = p.total ? Math.round((METER * p.done) / p.total) : 0;
  return `[${'#'.repeat(full)}${'-'.repeat(METER - full)}]`;
}

/** The lab a bare Enter opens: the first one not finished (else the first). */
export function nextLab(labs: readonly LabProgressView[]): number {
  return labs.find((l) => !l.complete)?.index ?? labs.find((l) => !isFinished(l))?.index ?? 0;
}

/** What the course says about one of its shared clusters. */
export function describeCluster(c: SharedClusterStatus): string {
  const head = `kind cluster ${c.name} (${c.running ? 'running' : 'not running'}) is shared by ${c.labs.length} labs:`;
  if (c.ownedByCourse) return `${head} this course created it${c.keep ? ' and keeps it (--keep)' : '; it is deleted when every lab on it is finished (all steps, cleaned up), or now with d'}.`;
  return c.running ? `${head} it was there before the course; kubelab leaves it alone.` : `${head} the first of them creates it, the others reuse it.`;
}

export function formatCourseIndex(view: CourseIndexView, style: Style, width: number, interactive: boolean): string[] {
  const lines: string[] = [style.bold(truncate(`${view.title} · ${view.labs.length} labs`, width)), ''];
  for (const note of view.notes ?? []) lines.push(...wrapText(note, width));
  if (view.notes?.length) lines.push('');
  const next = nextLab(view.labs);
  for (const l of view.labs) {
    const mark = l.complete ? style.ok('✓') : l.index === next ? style.key('›') : ' ';
    lines.push(`${mark} ${style.bold(`${l.index + 1}.`)} ${truncate(l.title, width - 5)}`);
    lines.push(`     ${meter(l)} ${truncate(describeProgress(l), width - 6 - METER - 2)}`);
  }
  lines.push('');
  for (const c of view.clusters) lines.push(...wrapText(describeCluster(c), width).map((l) => style.dim(l)));
  if (view.clusters.length) lines.push('');
  const owned = view.clusters.some((c) => c.ownedByCourse);
  const n = view.labs.length;
  const keys = interactive
    ? [`1-${Math.min(n, 9)}: open a lab`, `Enter: lab ${next + 1}`, ...(owned ? ['d: delete the cluster'] : []), 'q: quit']
    : [`1-${n}: open a lab`, `Enter: lab ${next + 1}`, ...(owned ? ['delete-cluster'] : []), 'quit'];
  lines.push(...wrapText(keys.join(' · '), width).map((l) => style.dim(l)));
  return lines;
}

/** The choice a key or a line stands for; undefined when it means nothing here. */
export function parseCourseChoice(input: string, view: CourseIndexView): CourseChoice | undefined {
  const t = input.trim().toLowerCase();
  if (t === '' || t === '\r' || t === '\n') return { kind: 'open', index: nextLab(view.labs) };
  if (['q', 'quit', 'exit', '\x03', '\x1b', '\x04'].includes(t)) return { kind: 'quit' };
  const owned = view.clusters.find((c) => c.ownedByCourse);
  if ((t === 'd' || t === 'delete-cluster') && owned) return { kind: 'delete-cluster', name: owned.name };
  const m = /^(?:open\s+)?(\d+)$/.exec(t);
  if (m) {
    const i = Number(m[1]) - 1;
    if (i >= 0 && i < view.labs.length) return { kind: 'open', index: i };
  }
  return undefined;
}

export interface IndexIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  output: NodeJS.WritableStream;
  style: Style;
  width: number;
  interactive: boolean;
  signal?: AbortSignal;
}

/** Show the index and read the learner's choice (end of input or an interrupt is `quit`). */
export async function askCourseIndex(view: CourseIndexView, io: IndexIo): Promise<CourseChoice> {
  const lines = formatCourseIndex(view, io.style, io.width, io.interactive);
  if (io.interactive) io.output.write(lines.join('\r\n').replace(/\r?\n/g, '\r\n') + '\r\n');
  else io.output.write('\n' + lines.join('\n') + '\n');
  for (;;) {
    if (!io.interactive) io.output.write('course> ');
    const got = io.interactive ? await readKey(io) : await readLine(io);
    if (got === undefined) return { kind: 'quit' };
    const choice = parseCourseChoice(got, view);
    if (choice) return choice;
    io.output.write(io.interactive ? '' : `Unknown choice \`${got.trim()}\`: a lab number (1-${view.labs.length}), Enter, ${view.clusters.some((c) => c.ownedByCourse) ? 'delete-cluster, ' : ''}or quit.\n`);
  }
}

/** One chunk of keys in raw mode. */
function readKey(io: IndexIo): Promise<string | undefined> {
  const { input } = io;
  return new Promise((resolve) => {
    const done = (v: string | undefined) => {
      input.off('data', onData);
      input.off('end', onEnd);
      io.signal?.removeEventListener('abort', onEnd);
      input.setRawMode?.(false);
      input.pause();
      resolve(v);
    };
    const onData = (d: Buffer | string) => done(d.toString());
    const onEnd = () => done(undefined);
    if (io.signal?.aborted) return resolve(undefined);
    input.setRawMode?.(true);
    input.on('data', onData);
    input.on('end', onEnd);
    io.signal?.addEventListener('abort', onEnd, { once: true });
    input.resume();
  });
}

/**
 * One line, and no more: what follows it in the same chunk is put back on the stream, so that
 * the lab session that opens next reads it.
 */
function readLine(io: IndexIo): Promise<string | undefined> {
  const input = io.input as NodeJS.ReadableStream & { unshift(chunk: Buffer): void; readableEnded?: boolean };
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const done = (v: string | undefined) => {
      input.off('data', onData);
      input.off('end', onEnd);
      io.signal?.removeEventListener('abort', onEnd);
      input.pause();
      resolve(v);
    };
    const onData = (d: Buffer | string) => {
      buf = Buffer.concat([buf, Buffer.isBuffer(d) ? d : Buffer.from(d)]);
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      const rest = buf.subarray(nl + 1);
      const line = buf.subarray(0, nl).toString('utf8').replace(/\r$/, '');
      input.off('data', onData);
      if (rest.length) input.unshift(rest);
      done(line);
    };
    const onEnd = () => done(buf.length ? buf.toString('utf8') : undefined);
    if (io.signal?.aborted || input.readableEnded) return resolve(undefined);
    input.on('data', onData);
    input.on('end', onEnd);
    io.signal?.addEventListener('abort', onEnd, { once: true });
    input.resume();
  });
}
