// Markdown → the two things a lab is made of: headings and fenced code blocks, each with its
// exact place in the source. marked's lexer does all the markdown work (block level only:
// inline lexing runs for headings alone, which keeps big labs fast); we only locate its tokens.
import { Lexer, type MarkedOptions, type Token, type Tokens } from 'marked';
import type { LineIndex } from './source.js';

export interface HeadingNode {
  kind: 'heading';
  depth: number;
  /** Plain text of the heading (inline markup removed). */
  title: string;
  line: number;
  col: number;
  /** Last line of the heading (setext headings span two). */
  endLine: number;
}

export interface FenceNode {
  kind: 'fence';
  /** First word of the info string, lower-cased (`sh`, `console`, `apply`, `yaml`, '' for none). */
  lang: string;
  /** The info string as written in the source, and the 1-based column where it starts. */
  info: string;
  infoCol: number;
  /** Body of the fence (indentation removed as markdown does, no trailing newline). */
  text: string;
  /** Lines of the opening fence, the first body line, and the last line (the closing fence when closed). */
  line: number;
  col: number;
  endLine: number;
  closed: boolean;
  /** Where the fence stands: top level, inside a list item, or inside a blockquote. */
  container: 'top' | 'list' | 'blockquote';
}

export type MarkdownNode = HeadingNode | FenceNode;

/** Fresh options each time: marked's Lexer writes into the object it is given. */
function lexerOptions(): MarkedOptions {
  return { gfm: true, breaks: false, pedantic: false, silent: false, async: false };
}

export function plainText(tokens: Token[] | undefined, fallback: string): string {
  if (!tokens) return fallback;
  let out = '';
  for (const t of tokens) {
    if ('tokens' in t && Array.isArray(t.tokens) && t.tokens.length > 0) out += plainText(t.tokens, '');
    else if (t.type === 'br') out += ' ';
    else if ('text' in t && typeof t.text === 'string') out += t.text;
  }
  return out;
}

/**
 * Offset just past `raw` in `text` starting at `from`. marked may insert a `\n` when it merges
 * paragraph continuations into one token, so characters of `raw` that are such inserted
 * newlines are skipped instead of failing the match.
 */
function consume(text: string, from: number, raw: string, type: string): number {
  // Only paragraph and text tokens get newlines merged in; every other token's raw is the exact
  // source it consumed (comparing it would cost more than all the rest of the scan).
  if (type !== 'paragraph' && type !== 'text') return from + raw.length;
  if (text.startsWith(raw, from)) return from + raw.length;
  let i = from;
  for (let j = 0; j < raw.length && i < text.length; j++) {
    if (text.charCodeAt(i) === raw.charCodeAt(j)) i++;
    else if (raw[j] !== '\n') break;
  }
  return i;
}

const fenceRun = (s: string): string => {
  const c = s[0];
  if (c !== '`' && c !== '~') return '';
  let n = 0;
  while (s[n] === c) n++;
  return s.slice(0, n);
};

/** Index just past the last non-newline character of `raw`. */
function contentEnd(raw: string): number {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 10) end--;
  return end;
}

/** Lines of `raw` (trailing newlines ignored). */
function lineCount(raw: string): number {
  const end = contentEnd(raw);
  let n = 1;
  for (let i = raw.indexOf('\n'); i !== -1 && i < end; i = raw.indexOf('\n', i + 1)) n++;
  return n;
}

/** marked runs an unclosed fence to the end of its container: closed means the last line is a closing fence. */
function isClosed(raw: string, opening: string): boolean {
  const end = contentEnd(raw);
  const nl = raw.lastIndexOf('\n', end - 1);
  if (nl === -1) return false;
  const last = raw.slice(nl + 1, end).trim();
  return last.length >= opening.length && last[0] === opening[0] && fenceRun(last) === last;
}

/** JavaScript whitespace (what `trim()` removes and `\s` matches), by char code. */
const isSpace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;

/** How many characters `trimStart()` would remove, without making the trimmed copy. */
function leadingSpace(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** How many characters `trimEnd()` would remove. */
function trailingSpace(s: string): number {
  let i = s.length;
  while (i > 0 && isSpace(s.charCodeAt(i - 1))) i--;
  return s.length - i;
}

/** The info string up to its first whitespace or `{` (`sh` of `sh { name=x }`). */
function firstWord(info: string): string {
  let i = 0;
  while (i < info.length) {
    const c = info.charCodeAt(i);
    if (c === 123 || isSpace(c)) break;
    i++;
  }
  return i === info.length ? info : info.slice(0, i);
}

/** `text` is what marked reads: the source with the front matter blanked (same offsets as `index`). */
export function scanMarkdown(index: LineIndex, text: string = index.text): MarkdownNode[] {
  const tokens = new Lexer(lexerOptions()).blockTokens(text, []);
  const nodes: MarkdownNode[] = [];
  let offset = 0;

  const fenceAt = (code: Tokens.Code, at: number, container: FenceNode['container']): FenceNode => {
    const line = index.lineOf(at);
    const lineStart = index.lineStart(line);
    const lineEnd = index.lineEnd(line);
    const col = at - lineStart + 1;
    // Read the opening line in place (no slices of it): fence characters, blanks, the info string.
    const src = index.text;
    const fenceChar = src.charCodeAt(at);
    let i = at;
    if (fenceChar === 96 || fenceChar === 126) while (i < lineEnd && src.charCodeAt(i) === fenceChar) i++;
    const opening = src.slice(at, i);
    while (i < lineEnd && isSpace(src.charCodeAt(i))) i++;
    const infoCol = i - lineStart + 1;
    let infoEnd = lineEnd;
    while (infoEnd > i && isSpace(src.charCodeAt(infoEnd - 1))) infoEnd--;
    const info = src.slice(i, infoEnd);
    const bodyLines = lineCount(code.raw);
    const closed = isClosed(code.raw, opening);
    let body = code.text;
    // marked strips the fence's indentation from body lines for ``` fences only; do it for ~~~ too.
    const indent = leadingSpace(code.raw);
    if (opening[0] === '~' && indent > 0) body = body.replace(new RegExp(`^ {1,${indent}}`, 'gm'), '');
    return {
      kind: 'fence',
      lang: firstWord(info).toLowerCase(),
      info,
      infoCol,
      text: body,
      line,
      col,
      endLine: line + bodyLines - 1,
      closed,
      container,
    };
  };

  /** Fences inside lists and blockquotes: their raw text is de-indented, so find each by its opening line. */
  const nested = (children: Token[], from: number, end: number, container: FenceNode['container']): number => {
    let cursor = from;
    for (const child of children) {
      if (child.type === 'code' && (child as Tokens.Code).codeBlockStyle !== 'indented') {
        const first = child.raw.split('\n', 1)[0]!.trim();
        const at = text.indexOf(first, cursor);
        if (at === -1 || at >= end) continue;
        nodes.push(fenceAt(child as Tokens.Code, at, container));
        cursor = at + first.length;
      } else if (child.type === 'list') {
        for (const item of (child as Tokens.List).items) cursor = nested(item.tokens, cursor, end, container);
      } else if (child.type === 'blockquote') {
        cursor = nested((child as Tokens.Blockquote).tokens, cursor, end, 'blockquote');
      }
    }
    return cursor;
  };

  for (const token of tokens) {
    const start = offset;
    offset = consume(text, offset, token.raw, token.type);
    switch (token.type) {
      case 'heading': {
        const h = token as Tokens.Heading;
        const lead = leadingSpace(token.raw);
        const line = index.lineOf(start + lead);
        // Most headings are plain words: only lex inline markup when there is some.
        const title = /[\\`*_[<&!~]/.test(h.text) ? plainText(Lexer.lexInline(h.text, lexerOptions()), h.text) : h.text;
        nodes.push({
          kind: 'heading',
          depth: h.depth,
          title: title.trim(),
          line,
          col: start + lead - index.lineStart(line) + 1,
          endLine: index.lineOf(Math.max(start, offset - 1 - trailingSpace(token.raw))),
        });
        break;
      }
      case 'code':
        if ((token as Tokens.Code).codeBlockStyle !== 'indented') {
          nodes.push(fenceAt(token as Tokens.Code, start + leadingSpace(token.raw), 'top'));
        }
        break;
      case 'list':
        nested((token as Tokens.List).items.flatMap((i) => i.tokens), start, offset, 'list');
        break;
      case 'blockquote':
        nested((token as Tokens.Blockquote).tokens, start, offset, 'blockquote');
        break;
      default:
        break;
    }
  }
  return nodes;
}
