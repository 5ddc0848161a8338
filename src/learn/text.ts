// Terminal text helpers: styles that can be switched off (NO_COLOR, plain mode), visible width
// of strings holding ANSI escapes and wide characters, and word wrapping that keeps escapes and
// characters intact.
import { styleText } from 'node:util';
import { ANSI_PATTERN, stripAnsi } from '../text/ansi.js';
import { clusterWidth, graphemes, textWidth } from '../text/width.js';

type Fmt = Parameters<typeof styleText>[0];

export interface Style {
  readonly color: boolean;
  bold(s: string): string;
  dim(s: string): string;
  italic(s: string): string;
  underline(s: string): string;
  code(s: string): string;
  heading(s: string): string;
  ok(s: string): string;
  fail(s: string): string;
  warn(s: string): string;
  key(s: string): string;
  inverse(s: string): string;
}

export function makeStyle(color: boolean): Style {
  // validateStream off: whether to colour is decided here (TTY, NO_COLOR), not by stdout.
  const f = (fmt: Fmt) => (s: string) => (color && s ? styleText(fmt, s, { validateStream: false }) : s);
  return {
    color,
    bold: f('bold'),
    dim: f('dim'),
    italic: f('italic'),
    underline: f('underline'),
    code: f('cyan'),
    heading: f(['bold', 'magenta']),
    ok: f('green'),
    fail: f('red'),
    warn: f('yellow'),
    key: f(['bold', 'cyan']),
    inverse: f('inverse'),
  };
}

export { stripAnsi } from '../text/ansi.js';

/** Columns a string takes on screen: escapes take none, wide (CJK, emoji) characters two. */
export function visibleWidth(s: string): number {
  return textWidth(stripAnsi(s));
}

/** What a line is made of, so that cutting never breaks an escape sequence or a character. */
interface Unit {
  text: string;
  /** Columns on screen; 0 for an escape sequence. */
  width: number;
  escape: boolean;
}

function units(s: string): Unit[] {
  const out: Unit[] = [];
  const addText = (text: string) => {
    for (const g of graphemes(text)) out.push({ text: g, width: clusterWidth(g), escape: false });
  };
  let last = 0;
  for (const m of s.matchAll(ANSI_PATTERN)) {
    addText(s.slice(last, m.index));
    out.push({ text: m[0], width: 0, escape: true });
    last = m.index + m[0].length;
  }
  addText(s.slice(last));
  return out;
}

/** Cut to at most `width` visible columns (escapes kept, a reset appended when styled). */
export function truncate(s: string, width: number): string {
  if (visibleWidth(s) <= width) return s;
  let w = 0;
  let out = '';
  let styled = false;
  for (const u of units(s)) {
    if (u.escape) {
      out += u.text;
      styled = true;
      continue;
    }
    if (w + u.width > width) break;
    out += u.text;
    w += u.width;
  }
  return styled ? out + '\x1b[0m' : out;
}

/**
 * Word-wrap one logical line to `width` columns. `indent` prefixes continuation lines (and
 * counts against the width). Words longer than a line are hard-broken.
 */
export function wrapLine(line: string, width: number, indent = ''): string[] {
  const max = Math.max(width, visibleWidth(indent) + 8);
  if (visibleWidth(line) <= max) return [line];
  // Leading spaces are layout (list and quote indents), not word separators: keep them.
  const lead = /^ */.exec(line)![0];
  const words = line.slice(lead.length).split(/( +)/);
  const lines: string[] = [];
  let cur = lead;
  let curW = lead.length;
  // Where this line's words start: spaces before the first word are layout, not separators.
  let start = lead.length;
  const push = () => {
    lines.push(cur.replace(/ +$/, ''));
    cur = indent;
    curW = start = visibleWidth(indent);
  };
  for (const word of words) {
    if (word === '') continue;
    const w = visibleWidth(word);
    if (/^ +$/.test(word)) {
      if (curW + w <= max && curW > start) {
        cur += word;
        curW += w;
      }
      continue;
    }
    if (curW + w <= max) {
      cur += word;
      curW += w;
      continue;
    }
    if (curW > start) push();
    // Hard-break a word that does not fit on a line of its own.
    let rest = units(word);
    while (rest.length) {
      let taken = 0;
      let piece = '';
      let i = 0;
      for (; i < rest.length; i++) {
        const u = rest[i]!;
        // A character wider than the whole line still goes on one (or nothing would ever fit).
        if (curW + taken + u.width > max && (curW + taken > start || u.width <= max - start)) break;
        taken += u.width;
        piece += u.text;
      }
      cur += piece;
      curW += taken;
      rest = rest.slice(i);
      if (rest.length) push();
    }
  }
  if (cur !== '' && cur !== indent) lines.push(cur.replace(/ +$/, ''));
  return lines.length ? lines : [''];
}

/** Wrap a multi-line text, each line on its own. */
export function wrapText(text: string, width: number, indent = ''): string[] {
  return text.split('\n').flatMap((l) => wrapLine(l, width, indent));
}
