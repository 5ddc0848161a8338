// What the terminal shows, as data: a step's body (prose, its blocks, the output area) and the
// whole screen (header, a scrolled window of the body, the key line). Pure, so tests can check
// layouts at 80x24 without a terminal.
import type { Lab, Step } from '../lab/model.js';
import type { BlockResult } from '../engine/types.js';
import { renderMarkdown } from './markdown.js';
import { blockLabel, blockText, mainBlocks, verifyBlocks } from './session.js';
import { type Style, truncate, visibleWidth, wrapLine } from './text.js';

export interface BodyInput {
  lab: Lab;
  step: Step;
  blockIndex: number;
  results: ReadonlyMap<string, BlockResult>;
  /** Lines of the output area (notes, live output, a paste prompt). */
  output: string[];
}

export interface Body {
  lines: string[];
  /** Where the output area starts (to scroll to it). */
  outputStart: number;
}

/** The scrollable content of a step, wrapped to `width`. */
export function stepBody(input: BodyInput, style: Style, width: number): Body {
  const { step } = input;
  const lines: string[] = [];
  // The lab's introduction (prose before the first step) opens step 1.
  if (step.index === 0 && input.lab.intro?.trim()) lines.push(...renderMarkdown(input.lab.intro, width, style).map((l) => style.dim(l)), '');
  if (step.prose.trim()) lines.push(...renderMarkdown(step.prose, width, style), '');
  const blocks = mainBlocks(step);
  if (blocks.length) {
    lines.push(style.bold(blocks.length > 1 ? `Commands (r runs the one marked ▸, 1-${Math.min(9, blocks.length)} selects):` : 'Command (r runs it, t to type it yourself):'));
    blocks.forEach((b, i) => {
      const mark = i === input.blockIndex ? style.key('▸') : ' ';
      const r = input.results.get(b.id);
      const status = r ? (r.status === 'passed' ? style.ok(' ✓') : style.fail(` ✗ ${r.status}`)) : '';
      const skip = b.attrs.skip ? style.warn(' (the lab skips this one when run unattended)') : '';
      lines.push(`${mark} ${style.dim(`${i + 1}. ${blockLabel(b)}`)}${status}${skip}`);
      const text = blockText(b).split('\n');
      text.forEach((l, j) => {
        const prompt = b.kind === 'sh' ? (j === 0 ? '$ ' : '> ') : '  ';
        lines.push(...wrapLine(`    ${style.dim(prompt)}${style.code(l)}`, width, '      '));
      });
      if (b.kind === 'sh' && b.expected) {
        lines.push(`    ${style.dim(b.expected.unordered ? 'expected output (any order):' : 'expected output:')}`);
        for (const l of b.expected.text.replace(/\n$/, '').split('\n')) lines.push(...wrapLine(`      ${style.dim(l)}`, width, '      '));
      }
    });
  } else {
    lines.push(style.dim('This step has no commands to run.'));
  }
  const checks = verifyBlocks(step).length;
  const hints = step.blocks.filter((b) => b.attrs.hint).length;
  const sols = step.blocks.filter((b) => b.attrs.solution).length;
  const extras = [checks ? `${checks} check${checks > 1 ? 's' : ''} (c)` : '', hints ? 'a hint (h)' : '', sols ? 'a solution (s)' : ''].filter(Boolean);
  if (extras.length) lines.push(style.dim(`This step has ${extras.join(', ')}.`));
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
}

export interface Screen {
  lines: string[];
  /** The scroll actually used (clamped). */
  scroll: number;
  maxScroll: number;
  bodyHeight: number;
}

export const KEY_HELP = 'r run  t type  c check  h hint  s solution  n/→ next  p/← back  q quit';

/** The whole screen: exactly `height` lines, each at most `width` columns. */
export function layoutScreen(input: ScreenInput, style: Style): Screen {
  const width = Math.max(20, input.width);
  const height = Math.max(6, input.height);
  const body = stepBody(input, style, width);
  const bodyHeight = height - 3;
  const maxScroll = Math.max(0, body.lines.length - bodyHeight);
  const scroll = Math.min(Math.max(0, input.scroll), maxScroll);
  const n = input.lab.steps.length;
  const done = input.doneSteps.has(input.step.slug) ? ' ✓' : '';
  const right = `step ${input.step.index + 1}/${n}${done}${maxScroll ? ` · ${scroll === maxScroll ? 'end' : `${Math.round((scroll / maxScroll) * 100)}%`}` : ''}`;
  const left = ` ${input.lab.title}`;
  const room = width - visibleWidth(right) - 2;
  const fitted = truncate(left, room);
  const header = fitted + ' '.repeat(Math.max(0, room - visibleWidth(fitted))) + ' ' + right + ' ';
  const title = truncate(style.bold(`${input.step.index + 1}. ${input.step.title}`), width);
  const window = body.lines.slice(scroll, scroll + bodyHeight).map((l) => truncate(l, width));
  while (window.length < bodyHeight) window.push('');
  const more = scroll < maxScroll ? style.dim(' ↑↓ more') : '';
  const footer = truncate(input.footer, width - visibleWidth(more)) + more;
  return { lines: [style.inverse(header), title, ...window, footer], scroll, maxScroll, bodyHeight };
}
