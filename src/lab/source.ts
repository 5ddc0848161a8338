// The lab source as the parser sees it: newlines normalized, and a line index that turns
// offsets into 1-based line/column in O(log n) (so positions stay cheap on 5,000-step labs).
import type { SourcePos } from './model.js';

/** `\r\n` and lone `\r` become `\n` (as marked does), a leading BOM is dropped. Line numbers are unchanged. */
export function normalizeSource(source: string): string {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

export class LineIndex {
  /** Offset of the first character of each line (index 0 = line 1). */
  private readonly starts: number[] = [0];
  readonly lines: string[];

  constructor(readonly text: string, readonly file: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    this.lines = text.split('\n');
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }

  /** Text of a 1-based line ('' past the end). */
  line(line: number): string {
    return this.lines[line - 1] ?? '';
  }

  get lineCount(): number {
    return this.lines.length;
  }

  posAt(offset: number): SourcePos {
    const line = this.lineOf(offset);
    return { file: this.file, line, col: offset - this.lineStart(line) + 1 };
  }

  pos(line: number, col?: number): SourcePos {
    return col === undefined ? { file: this.file, line } : { file: this.file, line, col };
  }
}
