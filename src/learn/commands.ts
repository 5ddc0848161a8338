// A block's shell text as a learner reads and copies it: a `$` before each command (not before
// the lines that continue one: a loop's body, a pipe on the next line, a here-document), and lines
// too long for the terminal broken between words with a `\` continuation, so that what is pasted
// runs as written. A line is never broken inside a word or inside quotes. Pure.
import { visibleWidth, wrapLine } from './text.js';

export interface CommandLine {
  /** Starts a new command (shown after `$ `); otherwise it continues the one above. */
  start: boolean;
  text: string;
}

/** Split a block's text into lines, each marked as a new command or a continuation. */
export function commandLines(command: string): CommandLine[] {
  const out: CommandLine[] = [];
  let quote: '' | "'" | '"' = '';
  let depth = 0;
  let heredoc: { word: string; strip: boolean } | undefined;
  let continues = false;
  for (const line of command.split('\n')) {
    if (heredoc) {
      out.push({ start: false, text: line });
      if ((heredoc.strip ? line.replace(/^\t+/, '') : line) === heredoc.word) heredoc = undefined;
      continue;
    }
    const start = out.length === 0 || (quote === '' && depth <= 0 && !continues);
    out.push({ start, text: line });
    const scan = scanLine(line, quote);
    quote = scan.quote;
    depth = Math.max(0, depth + scan.depth);
    heredoc = scan.heredoc;
    continues = quote === '' && /(\\|\||&&|\|\||\bdo|\bthen|\belse|\bin)\s*$/.test(line.replace(/\s+#.*$/, ''));
  }
  return out;
}

const OPEN = new Set(['if', 'for', 'while', 'until', 'case', 'select', '{']);
const CLOSE = new Set(['fi', 'done', 'esac', '}']);

/** Quotes left open at the end of a line, the change in nesting, and a here-document it starts. */
function scanLine(line: string, quote: '' | "'" | '"'): { quote: '' | "'" | '"'; depth: number; heredoc?: { word: string; strip: boolean } } {
  let depth = 0;
  let word = '';
  let heredoc: { word: string; strip: boolean } | undefined;
  let atCommand = quote === '';
  const endWord = () => {
    if (atCommand && OPEN.has(word)) depth++;
    else if (atCommand && CLOSE.has(word)) depth--;
    if (word !== '') atCommand = ['do', 'then', 'else', 'elif', '!', 'time'].includes(word) || OPEN.has(word);
    word = '';
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
      continue;
    }
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = '';
      continue;
    }
    if (c === '\\') {
      i++;
      word += 'x';
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      word += 'x';
      continue;
    }
    if (c === '#' && word === '') break;
    if (c === '<' && line.startsWith('<<', i) && line[i + 2] !== '<') {
      const m = /^<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(line.slice(i));
      if (m) {
        heredoc = { word: m[3]!, strip: m[1] === '-' };
        i += m[0].length - 1;
        continue;
      }
    }
    if (c === '(' ) {
      depth++;
      endWord();
      atCommand = true;
      continue;
    }
    if (c === ')') {
      depth--;
      endWord();
      continue;
    }
    if (c === ';' || c === '|' || c === '&') {
      endWord();
      atCommand = true;
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      continue;
    }
    word += c;
  }
  endWord();
  return { quote, depth, heredoc };
}

/** Offsets in `line` where it may be broken with ` \`: spaces outside quotes, `$(...)` and here-documents. */
export function breakPoints(line: string): number[] {
  const points: number[] = [];
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
      continue;
    }
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = '';
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ')) break;
    else if (c === ' ' && i > 0 && line[i - 1] !== ' ' && line[i + 1] !== undefined && line[i + 1] !== ' ') points.push(i);
  }
  return points;
}

/**
 * One source line laid out in `room` columns: broken at spaces outside quotes, each piece but the
 * last ending in ` \`, the rest indented by `indent`. A line inside quotes or a here-document,
 * or with no place to break, is wrapped for reading only (it cannot take a `\`).
 */
export function breakCommandLine(line: string, room: number, opts: { breakable: boolean; indent?: string }): string[] {
  const indent = opts.indent ?? '  ';
  if (visibleWidth(line) <= room) return [line];
  if (!opts.breakable) return wrapLine(line, room, indent);
  const points = breakPoints(line);
  const pieces: string[] = [];
  let from = 0;
  let lead = '';
  while (visibleWidth(lead + line.slice(from)) > room) {
    const limit = room - 2 - lead.length; // room for " \"
    // The last break point that fits, else the first one after (a long word stays whole).
    const fits = points.filter((p) => p > from && p - from <= limit);
    const at = fits.length ? fits[fits.length - 1]! : points.find((p) => p > from);
    if (at === undefined) break;
    pieces.push(lead + line.slice(from, at) + ' \\');
    from = at + 1;
    lead = indent;
  }
  pieces.push(lead + line.slice(from));
  return pieces;
}

/** Whether each line of `command` can take a `\` continuation (outside quotes and here-documents). */
export function breakableLines(command: string): boolean[] {
  const out: boolean[] = [];
  let quote: '' | "'" | '"' = '';
  let heredoc: { word: string; strip: boolean } | undefined;
  for (const line of command.split('\n')) {
    if (heredoc) {
      out.push(false);
      if ((heredoc.strip ? line.replace(/^\t+/, '') : line) === heredoc.word) heredoc = undefined;
      continue;
    }
    const scan = scanLine(line, quote);
    // A line that opens a quote it does not close, or starts inside one, must stay as it is.
    out.push(quote === '' && scan.quote === '');
    quote = scan.quote;
    heredoc = scan.heredoc;
  }
  return out;
}

/**
 * A shell block's text as screen lines (without styling): `$ ` before each command, two spaces
 * before continuation lines, long lines broken with ` \` to fit `width` after `margin` columns.
 */
export function layoutCommand(command: string, width: number, margin = 4): { prompt: boolean; text: string }[] {
  const lines = commandLines(command);
  const breakable = breakableLines(command);
  const room = Math.max(20, width - margin - 2);
  const out: { prompt: boolean; text: string }[] = [];
  lines.forEach((l, i) => {
    breakCommandLine(l.text, room, { breakable: breakable[i] ?? false, indent: '    ' }).forEach((piece, j) => out.push({ prompt: l.start && j === 0, text: piece }));
  });
  return out;
}
