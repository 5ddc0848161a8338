// `kubelab update`: write what really happened back into the lab (cram -i, TRYCMD=overwrite).
// Pure: source text in, source text out. Only the bodies of expected blocks that no longer match
// change; every other byte (fences, attributes, prose, CRLF, indentation) stays as it was.
import type { ExpectedOutput } from '../lab/model.js';
import { escapeLine, escapeRegex, normalizeText, rewriteExpectedText } from '../match/index.js';
import { isContinuation, isPrompt, SourceMap, type OutputRange } from './locate.js';

export interface ExpectedUpdate {
  expected: ExpectedOutput;
  /** The text the block was compared with (already the selected stream). */
  actual: string;
}

/** A line the markdown (or the console transcript) would read as structure, written as a `(re)` line. */
function escapeForBlock(range: OutputRange) {
  return (line: string, at: number): string => {
    const stripped = line.trimStart();
    const closesFence = /^(`{3,}|~{3,})$/.test(stripped) && line.length - stripped.length < 4;
    const structural = closesFence || (range.console && (isPrompt(line) || (at === 0 && isContinuation(line))));
    if (!structural) return escapeLine(line);
    // `>` needs no regex escape, but `[>]` keeps the line from reading as `> ` (`\>` is an error
    // in the Unicode mode `(re)` lines are compiled in).
    return line.startsWith('>') ? `[>]${escapeRegex(line.slice(1))} (re)` : `${escapeRegex(line)} (re)`;
  };
}

interface Edit {
  range: OutputRange;
  lines: string[];
}

/**
 * Rewrite the expected-output blocks of `source` to match the actual outputs. Each update is
 * located by `expected.pos` (the opening fence of a `text`/`output` block, or a console command's
 * output position as the parser gives it). Lines that still match, including `...`, in-line `...`,
 * `(re)` and `{{capture}}` lines, are kept; the rest becomes the escaped actual text.
 * Throws LabError when a position does not point at such a block (the file changed since the run).
 */
export function rewriteExpected(source: string, updates: ExpectedUpdate[]): string {
  if (updates.length === 0) return source;
  const map = new SourceMap(source, updates[0]!.expected.pos.file);
  const edits = new Map<number, Edit>();
  for (const { expected, actual } of updates) {
    const range = map.locate(expected);
    const text = rewriteExpectedText(expected, actual, { escape: escapeForBlock(range) });
    if (text === expected.text || normalizeText(text) === normalizeText(expected.text)) {
      edits.delete(range.start);
      continue;
    }
    edits.set(range.start, { range, lines: text === '' ? [] : text.split('\n') });
  }
  if (edits.size === 0) return source;

  const lines = splitKeepingEol(source);
  const eol = lines.find((l) => l.eol !== '')?.eol ?? '\n';
  for (const { range, lines: body } of [...edits.values()].sort((a, b) => b.range.start - a.range.start)) {
    const openerEol = lines[range.fence.line - 1]?.eol || eol;
    const written = body.map((l) => ({ text: l === '' ? range.blankPrefix : range.prefix + l, eol: openerEol }));
    const replacedLast = lines[range.end - 2];
    if (written.length > 0 && range.end - 1 === lines.length && replacedLast && replacedLast.eol === '') written[written.length - 1]!.eol = '';
    lines.splice(range.start - 1, range.end - range.start, ...written);
  }
  return lines.map((l) => l.text + l.eol).join('');
}

function splitKeepingEol(source: string): { text: string; eol: string }[] {
  const out: { text: string; eol: string }[] = [];
  const re = /\r\n|\r|\n/g;
  let from = 0;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    out.push({ text: source.slice(from, m.index), eol: m[0] });
    from = m.index + m[0].length;
  }
  out.push({ text: source.slice(from), eol: '' });
  return out;
}
