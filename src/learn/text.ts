// Terminal text helpers: styles that can be switched off (NO_COLOR, plain mode), visible width
// of strings holding ANSI escapes, and word wrapping that keeps escapes intact.
import { styleText } from 'node:util';

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

// CSI sequences (colours, cursor moves) and OSC sequences: what a terminal does not print.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** Columns a string takes on screen (one per code point; tabs count as 8 minus nothing clever). */
export function visibleWidth(s: string): number {
  return [...stripAnsi(s)].length;
}

/** Split into [escape | character] units so that cutting never breaks an escape sequence. */
function units(s: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of s.matchAll(ANSI)) {
    out.push(...s.slice(last, m.index));
    out.push(m[0]);
    last = m.index + m[0].length;
  }
  out.push(...s.slice(last));
  return out;
}

const isEscape = (u: string) => u.length > 1 && u.startsWith('\x1b');

/** Cut to at most `width` visible columns (escapes kept, a reset appended when styled). */
export function truncate(s: string, width: number): string {
  if (visibleWidth(s) <= width) return s;
  let w = 0;
  let out = '';
  for (const u of units(s)) {
    if (isEscape(u)) {
      out += u;
      continue;
    }
    if (w + 1 > width) break;
    out += u;
    w += 1;
  }
  return out.includes('\x1b') ? out + '\x1b[0m' : out;
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
        if (!isEscape(u)) {
          if (curW + taken + 1 > max) break;
          taken += 1;
        }
        piece += u;
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
