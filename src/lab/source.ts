// The lab source as the parser sees it: newlines normalized, and a line index that turns
// offsets into 1-based line/column in O(log n) (so positions stay cheap on 5,000-step labs).
import { LabError, formatPos } from '../errors.js';
import type { SourcePos } from './model.js';

// ignoreBOM keeps a BOM in the text (normalizeSource drops it for parsing): `update` writes it back.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A lab file's bytes as text. Invalid UTF-8 is refused (LabError at the line and column of the
 * first bad byte) instead of being turned into U+FFFD, which `update` would then write back.
 * The one decoder every command reading a lab goes through.
 */
export function decodeLabSource(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    // Everything before the bad byte is valid: its text gives the line and column.
    const before = normalizeSource(utf8.decode(bytes.subarray(0, bad)));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    const pos: SourcePos = { file, line, col };
    const byte = bytes[bad]!.toString(16).padStart(2, '0');
    throw new LabError('not-utf8', `${formatPos(pos)}: the lab is not valid UTF-8 (byte 0x${byte} at offset ${bad})`, {
      pos,
      hint: `save it as UTF-8, e.g. \`iconv -f latin1 -t utf-8 ${file} > fixed.md\` if it is Latin-1`,
    });
  }
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence (bytes.length when none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // past U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      // A truncated or broken sequence: the lead byte is where it goes wrong.
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/** `\r\n` and lone `\r` become `\n` (as marked does), a leading BOM is dropped. Line numbers are unchanged. */
export function normalizeSource(source: string): string {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

export class LineIndex {
  /** Offset of the first character of each line (index 0 = line 1). */
  private readonly starts: Int32Array;
  readonly lineCount: number;

  constructor(readonly text: string, readonly file: string) {
    let count = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
    this.starts = new Int32Array(count);
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts[n++] = i + 1;
    this.lineCount = count;
  }

  private cursorLine = 1;

  /**
   * 1-based line of an offset. Callers mostly ask in increasing order (the markdown scanner),
   * so try walking forward from the last answer before falling back to a binary search.
   */
  lineOf(offset: number): number {
    let line = this.cursorLine;
    if (this.starts[line - 1]! <= offset) {
      for (let steps = 0; steps < 64; steps++) {
        if (line >= this.lineCount || this.starts[line]! > offset) {
          this.cursorLine = line;
          return line;
        }
        line++;
      }
    }
    this.cursorLine = this.search(offset);
    return this.cursorLine;
  }

  private search(offset: number): number {
    let lo = 0;
    let hi = this.lineCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offset of the first character of a 1-based line (text length past the end). */
  lineStart(line: number): number {
    return line >= 1 && line <= this.lineCount ? this.starts[line - 1]! : this.text.length;
  }

  /** Offset just past the last character of a 1-based line (its newline excluded). */
  lineEnd(line: number): number {
    if (line < 1 || line > this.lineCount) return this.text.length;
    return line < this.lineCount ? this.starts[line]! - 1 : this.text.length;
  }

  /** Text of a 1-based line, without its newline ('' past the end). */
  line(line: number): string {
    if (line < 1 || line > this.lineCount) return '';
    const end = line < this.lineCount ? this.starts[line]! - 1 : this.text.length;
    return this.text.slice(this.starts[line - 1]!, end);
  }

  /** True when a line holds only whitespace. */
  isBlank(line: number): boolean {
    if (line < 1 || line > this.lineCount) return true;
    const end = line < this.lineCount ? this.starts[line]! - 1 : this.text.length;
    for (let i = this.starts[line - 1]!; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (c !== 32 && c !== 9) return false;
    }
    return true;
  }

  posAt(offset: number): SourcePos {
    const line = this.lineOf(offset);
    return { file: this.file, line, col: offset - this.lineStart(line) + 1 };
  }

  pos(line: number, col?: number): SourcePos {
    return col === undefined ? { file: this.file, line } : { file: this.file, line, col };
  }
}
