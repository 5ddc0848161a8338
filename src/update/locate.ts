// Where an expected-output block's lines are in the lab source, found the way the parser found
// them (same markdown scan), so `update` rewrites exactly the lines the run compared.
import { LabError } from '../errors.js';
import { Diagnostics } from '../lab/diagnostics.js';
import { findFrontMatter } from '../lab/frontmatter.js';
import { scanMarkdown, type FenceNode } from '../lab/markdown.js';
import type { ExpectedOutput } from '../lab/model.js';
import { LineIndex, normalizeSource } from '../lab/source.js';

/** Lines [start, end) (1-based) holding an expected block's body, and how to write new ones. */
export interface OutputRange {
  start: number;
  end: number;
  fence: FenceNode;
  /** Prepended to each written line (indentation, blockquote markers), and to blank lines. */
  prefix: string;
  blankPrefix: string;
  console: boolean;
}

export const isPrompt = (line: string): boolean => line === '$' || line.startsWith('$ ');
export const isContinuation = (line: string): boolean => line === '>' || line.startsWith('> ');

export class SourceMap {
  readonly index: LineIndex;
  private readonly fences: FenceNode[];

  constructor(source: string, file: string) {
    const text = normalizeSource(source);
    this.index = new LineIndex(text, file);
    // Markdown must not see front matter (as in the parser): blank it in place, lines unchanged.
    const front = findFrontMatter(this.index, new Diagnostics());
    const markdown = front ? text.slice(0, this.index.lineStart(front.closeLine + 1)).replace(/[^\n]/g, ' ') + text.slice(this.index.lineStart(front.closeLine + 1)) : text;
    this.fences = scanMarkdown(this.index, markdown).filter((n): n is FenceNode => n.kind === 'fence');
  }

  /** The body text of a source line inside `fence`, with the container's indentation/markers removed. */
  content(fence: FenceNode, line: number): string {
    const text = this.index.line(line);
    let k = 0;
    while (k < fence.col - 1 && k < text.length && (text[k] === ' ' || text[k] === '\t' || text[k] === '>')) k++;
    return text.slice(k);
  }

  locate(expected: ExpectedOutput): OutputRange {
    const at = expected.pos.line;
    const fence = expected.fromConsole
      ? this.fences.find((f) => f.line < at && at <= f.endLine)
      : this.fences.find((f) => f.line === at);
    if (!fence) {
      throw new LabError('update-no-block', `${expected.pos.file}:${at}: no ${expected.fromConsole ? 'console' : 'expected-output'} block here to update`, {
        pos: expected.pos,
        hint: 'the lab file changed after it was run; run `kubelab update` again',
      });
    }
    const opener = this.index.line(fence.line);
    const prefix = [...opener.slice(0, fence.col - 1)].map((c) => (c === '>' || c === ' ' || c === '\t' ? c : ' ')).join('');
    const bodyEnd = fence.closed ? fence.endLine - 1 : fence.endLine;
    const common = { fence, prefix, blankPrefix: prefix.trimEnd() };
    if (!expected.fromConsole) return { ...common, start: fence.line + 1, end: bodyEnd + 1, console: false };
    return { ...common, ...this.consoleOutput(fence, at, bodyEnd), console: true };
  }

  /**
   * The parser places a console command's expected output at the line after the command and its
   * `> ` continuations (so a command with no output points at the next `$ ` line or the closing
   * fence). A position on a `$ ` line that directly follows the opening fence or an output line
   * cannot be that, so it is read as the command line itself.
   */
  private consoleOutput(fence: FenceNode, at: number, bodyEnd: number): { start: number; end: number } {
    let start = at;
    const line = (n: number) => this.content(fence, n);
    if (at <= bodyEnd && isPrompt(line(at)) && (at - 1 === fence.line || !(isPrompt(line(at - 1)) || isContinuation(line(at - 1))))) {
      start = at + 1;
      while (start <= bodyEnd && isContinuation(line(start))) start++;
    }
    let end = start;
    while (end <= bodyEnd && !isPrompt(line(end))) end++;
    // Blank lines before the next command only separate; they stay.
    while (end > start && line(end - 1).trim() === '') end--;
    return { start, end };
  }
}
