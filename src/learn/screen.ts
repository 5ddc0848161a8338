// What the terminal shows, as data: a step's body (prose, its blocks, the output area) and the
// whole screen (header, a scrolled window of the body, the key line). Pure, so tests can check
// layouts at 80x24 without a terminal.
import type { Block, Lab, Step } from '../lab/model.js';
import type { BlockResult } from '../engine/types.js';
import { renderMarkdown } from './markdown.js';
import { blockLabel, blockText, mainBlocks, nothingToCheck, verifyBlocks } from './session.js';
import { layoutCommand } from './commands.js';
import { stepSegments } from './segments.js';
import { type Style, truncate, visibleWidth, wrapLine } from './text.js';

export interface BodyInput {
  lab: Lab;
  step: Step;
  blockIndex: number;
  results: ReadonlyMap<string, BlockResult>;
  /** Lines of the output area (notes, live output, a paste prompt). */
  output: string[];
  /** Blocks the learner stopped (Ctrl-C): shown as stopped, not failed. */
  stopped?: ReadonlySet<string>;
  /** Lines shown above the step (e.g. "Welcome back"), so that they are seen first. */
  banner?: string[];
}

export interface Body {
  lines: string[];
  /** Where the output area starts (to scroll to it). */
  outputStart: number;
}

/** A block as the learner reads it: commands with `$`, long ones broken with `\`. */
export function blockLines(b: Block, width: number, style: Style): string[] {
  const lines: string[] = [];
  if (b.kind === 'sh') {
    for (const l of layoutCommand(b.command, width, 4)) lines.push(`    ${style.dim(l.prompt ? '$ ' : '  ')}${style.code(l.text)}`);
  } else {
    for (const l of blockText(b).split('\n')) lines.push(...wrapLine(`    ${style.code(l)}`, width, '      '));
  }
  return lines;
}

/** The scrollable content of a step, wrapped to `width`: prose, each block after the text that introduces it. */
export function stepBody(input: BodyInput, style: Style, width: number): Body {
  const { step } = input;
  const lines: string[] = [];
  if (input.banner?.length) lines.push(...input.banner, '');
  // The lab's introduction (prose before the first step) opens step 1.
  if (step.index === 0 && input.lab.intro?.trim()) lines.push(...renderMarkdown(input.lab.intro, width, style).map((l) => style.dim(l)), '');
  const blocks = mainBlocks(step);
  const segments = blocks.length ? stepSegments(input.lab, step) : undefined;
  const prose = (md: string | undefined) => {
    if (md?.trim()) lines.push(...renderMarkdown(md, width, style), '');
  };
  if (!segments) prose(step.prose);
  if (blocks.length) {
    blocks.forEach((b, i) => {
      if (segments) prose(segments.before.get(b.id));
      const mark = i === input.blockIndex ? style.key('▸') : ' ';
      const r = input.results.get(b.id);
      const status = input.stopped?.has(b.id) ? style.warn(' ■ stopped') : r ? (r.status === 'passed' ? style.ok(' ✓') : style.fail(` ✗ ${r.status}`)) : '';
      const skip = b.attrs.skip ? style.warn(' (the lab skips this one when run unattended)') : '';
      lines.push(truncate(`${mark} ${style.dim(`${i + 1}. ${blockLabel(b)}`)}${status}${skip}`, width));
      lines.push(...blockLines(b, width, style));
      if (b.kind === 'sh' && b.expected) {
        lines.push(`    ${style.dim(b.expected.unordered ? 'expected output (any order):' : 'expected output:')}`);
        for (const l of b.expected.text.replace(/\n$/, '').split('\n')) lines.push(...wrapLine(`      ${style.dim(l)}`, width, '      '));
      }
      lines.push('');
    });
    if (segments) prose(segments.after);
  } else {
    lines.push(style.dim('This step has no commands to run.'));
  }
  const checks = verifyBlocks(step).length;
  const hints = step.blocks.filter((b) => b.attrs.hint).length;
  const sols = step.blocks.filter((b) => b.attrs.solution).length;
  const extras = [checks ? `${checks} check${checks > 1 ? 's' : ''} (c)` : '', hints ? 'a hint (h)' : '', sols ? 'a solution (s)' : ''].filter(Boolean);
  if (extras.length) lines.push(style.dim(`This step has ${extras.join(', ')}.`));
  else if (blocks.length && nothingToCheck(step)) lines.push(style.dim('Nothing to check here: the step is done once its commands have run.'));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.push('');
  const outputStart = lines.length;
  lines.push(...input.output);
  return { lines, outputStart };
}

export interface ScreenInput extends BodyInput {
  width: number;
  height: number;
  scroll: number;
  /** Bottom line: key help, a question, or a busy message. */
  footer: string;
  doneSteps: ReadonlySet<string>;
  /** Lines to show instead of the step (the completion screen, the key help). */
  body?: string[];
  /** The title line when `body` is given. */
  title?: string;
}

export interface Screen {
  lines: string[];
  /** The scroll actually used (clamped). */
  scroll: number;
  maxScroll: number;
  bodyHeight: number;
}

/** Every key, for `?` (the key line shows only those the step has a use for). */
export const KEY_HELP_LINES: readonly [string, string][] = [
  ['r', 'run the command marked ▸ in the lab\'s shell'],
  ['1-9', 'mark command 1-9 of the step'],
  ['t', 'your own prompt in the lab\'s shell (exit or Ctrl-D comes back)'],
  ['c', 'check the step'],
  ['h / s', 'show the hint / the solution'],
  ['n →', 'next step'],
  ['p ←', 'previous step'],
  ['↑ ↓  j k', 'scroll a line'],
  ['PgUp PgDn  b Space', 'scroll a page'],
  ['Home End  g G', 'scroll to the top / the end'],
  ['Ctrl-L', 'redraw the screen'],
  ['Ctrl-C', 'stop a running command (else: quit)'],
  ['?', 'this list (any key closes it)'],
  ['q', 'quit (asks whether to clean up; Esc stays)'],
];

/** @deprecated kept for embedders: the full key line. */
export const KEY_HELP = 'r run  t shell  c check  h hint  s solution  n/→ next  p/← back  ? keys  q quit';

/** The key line for a step: only keys the step has a use for. */
export function keyLine(step: Step, n: number, opts: { atLast?: boolean } = {}): string {
  const blocks = mainBlocks(step);
  const keys: string[] = [];
  if (blocks.length) keys.push('r run');
  if (blocks.length > 1) keys.push(`1-${Math.min(9, blocks.length)} pick`);
  keys.push('t shell');
  if (!nothingToCheck(step)) keys.push('c check');
  if (step.blocks.some((b) => b.attrs.hint)) keys.push('h hint');
  if (step.blocks.some((b) => b.attrs.solution)) keys.push('s solution');
  keys.push(step.index < n - 1 ? 'n next' : opts.atLast === false ? 'n next' : 'n finish');
  if (step.index > 0) keys.push('p back');
  keys.push('? keys', 'q quit');
  return keys.join('  ');
}

/** One mark per step: ● done, ○ not yet; the current one in brackets when there is room. */
export function progressStrip(lab: Lab, current: number, done: ReadonlySet<string>, room: number): string {
  const n = lab.steps.length;
  if (n + 2 > room || n > 30) return '';
  return lab.steps.map((s, i) => (i === current ? (done.has(s.slug) ? '◉' : '◎') : done.has(s.slug) ? '●' : '○')).join('');
}

/** The whole screen: exactly `height` lines, each at most `width` columns. */
export function layoutScreen(input: ScreenInput, style: Style): Screen {
  const width = Math.max(20, input.width);
  const height = Math.max(6, input.height);
  const bodyLines = input.body ?? stepBody(input, style, width).lines;
  const bodyHeight = height - 3;
  const maxScroll = Math.max(0, bodyLines.length - bodyHeight);
  const scroll = Math.min(Math.max(0, input.scroll), maxScroll);
  const n = input.lab.steps.length;
  const doneCount = input.lab.steps.filter((s) => input.doneSteps.has(s.slug)).length;
  const done = input.doneSteps.has(input.step.slug) ? ' ✓' : '';
  const where = maxScroll ? ` · ${scroll === maxScroll ? 'end' : `${Math.round((scroll / maxScroll) * 100)}%`}` : '';
  const right = `step ${input.step.index + 1}/${n}${done}${where} `;
  const strip = progressStrip(input.lab, input.step.index, input.doneSteps, Math.floor(width / 4));
  const stripText = strip ? `${strip} ${doneCount}/${n} done  ` : '';
  const left = ` ${input.lab.title}`;
  const pad = (text: string, room: number) => {
    const fitted = truncate(text, room);
    return fitted + ' '.repeat(Math.max(0, room - visibleWidth(fitted)));
  };
  const room = width - visibleWidth(right) - visibleWidth(stripText) - 1;
  const header = room > 8 ? pad(left, room) + ' ' + stripText + right : pad(left, width - visibleWidth(right) - 1) + ' ' + right;
  const title = truncate(style.bold(input.title ?? `${input.step.index + 1}. ${input.step.title}`), width);
  const window = bodyLines.slice(scroll, scroll + bodyHeight).map((l) => truncate(l, width));
  while (window.length < bodyHeight) window.push('');
  const more = scroll < maxScroll ? style.dim(' ↑↓ more') : '';
  const footer = truncate(input.footer, width - visibleWidth(more)) + more;
  return { lines: [style.inverse(truncate(header, width)), title, ...window, footer], scroll, maxScroll, bodyHeight };
}

/** The end of a lab: how many steps are done, which are not, what next. */
export function completionBody(lab: Lab, done: ReadonlySet<string>, style: Style, width: number, opts: { course?: boolean } = {}): { title: string; lines: string[] } {
  const n = lab.steps.length;
  const count = lab.steps.filter((s) => done.has(s.slug)).length;
  const complete = count === n;
  const title = complete ? `Lab complete: ${count}/${n} steps` : `End of the lab: ${count}/${n} steps done`;
  const lines: string[] = [];
  lines.push(complete ? style.ok('✓ Every step is done. Well done!') : style.warn(`${n - count} step${n - count === 1 ? ' is' : 's are'} not done yet.`), '');
  for (const s of lab.steps) lines.push(truncate(`  ${done.has(s.slug) ? style.ok('✓') : style.dim('○')} ${s.index + 1}. ${s.title}`, width));
  lines.push('');
  if (!complete) lines.push(...wrapLine(`Steps not done yet can be taken again: press a step's number, or p to go back.`, width));
  lines.push(...wrapLine(`q quits and asks whether to undo what the lab changed${opts.course ? '; Enter goes back to the course' : ''}.`, width));
  return { title, lines };
}
