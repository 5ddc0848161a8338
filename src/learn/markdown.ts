// A step's prose as terminal lines: marked's lexer gives the tokens, we lay them out (headings,
// emphasis, inline code, links, lists, quotes, code blocks) and wrap them to the width.
import { Lexer, type Token, type Tokens } from 'marked';
import { type Style, visibleWidth, wrapLine } from './text.js';

/** Render inline tokens (the `tokens` of a paragraph, heading, emphasis…) to one styled string. */
export function renderInline(tokens: readonly Token[] | undefined, style: Style): string {
  if (!tokens) return '';
  let out = '';
  for (const t of tokens as Token[]) {
    switch (t.type) {
      case 'text': {
        const tt = t as Tokens.Text;
        out += tt.tokens ? renderInline(tt.tokens, style) : decodeEntities(tt.text);
        break;
      }
      case 'escape':
        out += (t as Tokens.Escape).text;
        break;
      case 'strong':
        out += style.bold(renderInline((t as Tokens.Strong).tokens, style));
        break;
      case 'em':
        out += style.italic(renderInline((t as Tokens.Em).tokens, style));
        break;
      case 'del':
        out += style.dim(renderInline((t as Tokens.Del).tokens, style));
        break;
      case 'codespan':
        out += style.code(decodeEntities((t as Tokens.Codespan).text));
        break;
      case 'link': {
        const l = t as Tokens.Link;
        const text = renderInline(l.tokens, style);
        // Plain ANSI over ssh: show where a link goes instead of relying on OSC 8 support.
        out += l.href && l.href !== l.text ? `${style.underline(text)} ${style.dim(`(${l.href})`)}` : style.underline(text);
        break;
      }
      case 'image': {
        const im = t as Tokens.Image;
        out += style.dim(`[image: ${im.text || im.href}]`);
        break;
      }
      case 'br':
        out += '\n';
        break;
      case 'html':
        out += (t as Tokens.HTML).text;
        break;
      default:
        out += 'text' in t && typeof t.text === 'string' ? t.text : t.raw;
    }
  }
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _);
}

/** Block tokens to lines of at most `width` columns. */
function renderBlocks(tokens: readonly Token[], width: number, style: Style, prefix = ''): string[] {
  const lines: string[] = [];
  const gap = () => {
    if (lines.length && lines[lines.length - 1] !== prefix.trimEnd()) lines.push(prefix.trimEnd());
  };
  const wrapWithPrefix = (text: string, first: string, rest: string) =>
    text.split('\n').flatMap((l, i) => {
      const lead = i === 0 ? first : rest;
      const wrapped = wrapLine(lead + l, width, rest);
      return wrapped;
    });

  for (const t of tokens as Token[]) {
    switch (t.type) {
      case 'space':
        break;
      case 'heading': {
        const h = t as Tokens.Heading;
        gap();
        const text = renderInline(h.tokens, style);
        lines.push(...wrapWithPrefix(style.heading(text), prefix, prefix));
        if (h.depth <= 2) lines.push(prefix + style.dim('─'.repeat(Math.min(width - prefix.length, Math.max(4, visibleWidth(text))))));
        break;
      }
      case 'paragraph': {
        gap();
        lines.push(...wrapWithPrefix(renderInline((t as Tokens.Paragraph).tokens, style), prefix, prefix));
        break;
      }
      case 'text': {
        const tt = t as Tokens.Text;
        lines.push(...wrapWithPrefix(tt.tokens ? renderInline(tt.tokens, style) : tt.text, prefix, prefix));
        break;
      }
      case 'list': {
        const list = t as Tokens.List;
        gap();
        const start = typeof list.start === 'number' ? list.start : 1;
        list.items.forEach((item, i) => {
          const bullet = list.ordered ? `${start + i}. ` : '• ';
          const box = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
          const inner = renderBlocks(item.tokens, width, style, prefix + ' '.repeat(bullet.length));
          const first = inner.findIndex((l) => l.trim() !== '');
          inner.forEach((l, j) => {
            if (j === first) lines.push(prefix + bullet + box + l.slice(prefix.length + bullet.length));
            else if (j > first || first < 0) lines.push(l);
          });
          if (first < 0) lines.push(prefix + bullet + box);
        });
        break;
      }
      case 'code': {
        const c = t as Tokens.Code;
        gap();
        for (const l of c.text.split('\n')) lines.push(...wrapLine(prefix + '  ' + style.code(l), width, prefix + '  '));
        break;
      }
      case 'blockquote': {
        gap();
        lines.push(...renderBlocks((t as Tokens.Blockquote).tokens, width, style, prefix + style.dim('│ ')));
        break;
      }
      case 'hr':
        gap();
        lines.push(prefix + style.dim('─'.repeat(Math.max(4, width - prefix.length))));
        break;
      case 'table': {
        const tb = t as Tokens.Table;
        gap();
        const row = (cells: Tokens.TableCell[]) => cells.map((c) => renderInline(c.tokens, style)).join(style.dim(' │ '));
        lines.push(...wrapLine(prefix + style.bold(row(tb.header)), width, prefix));
        for (const r of tb.rows) lines.push(...wrapLine(prefix + row(r), width, prefix));
        break;
      }
      case 'html':
        gap();
        lines.push(...wrapWithPrefix((t as Tokens.HTML).text.trimEnd(), prefix, prefix));
        break;
      case 'def':
        break;
      default:
        if ('raw' in t) lines.push(...wrapWithPrefix(t.raw.trimEnd(), prefix, prefix));
    }
  }
  return lines;
}

/** Markdown to terminal lines wrapped to `width` columns. Pure. */
export function renderMarkdown(markdown: string, width: number, style: Style): string[] {
  const tokens = new Lexer().lex(markdown);
  const lines = renderBlocks(tokens, Math.max(20, width), style);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}
