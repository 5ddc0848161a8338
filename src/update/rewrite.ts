// `kubelab update`: write what really happened back into the lab (cram -i, TRYCMD=overwrite).
// Pure: source text in, source text out. Only the bodies of expected blocks that no longer match
// change; every other byte (fences, attributes, prose, CRLF, indentation) stays as it was.
import type { ExpectedOutput } from '../lab/model.js';
import { escapeLine, escapeRegex, normalizeText } from '../match/index.js';
import { isContinuation, isPrompt, SourceMap, type OutputRange } from './locate.js';
import { rewriteBlockText } from './text.js';

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

/** An update `rewriteLab` did not make, and why (words that follow "not updated: "). */
export interface RefusedUpdate {
  expected: ExpectedOutput;
  reason: string;
}

export interface LabRewrite {
  /** The new source (the same string when nothing changed). */
  source: string;
  /** The updates that changed the lab. */
  changed: ExpectedUpdate[];
  /** The updates left as they were because no true rewrite exists (see text.ts). */
  refused: RefusedUpdate[];
}

/**
 * Rewrite the expected-output blocks of `source` to match the actual outputs. Each update is
 * located by `expected.pos` (the opening fence of a `text`/`output` block, or a console command's
 * output position as the parser gives it). Lines that still match, including `...`, in-line `...`,
 * `(re)` and `{{capture}}` lines, are kept, every `...` stays, and a line that changed is replaced
 * where it was (see text.ts). A block is refused, and left as it is, when its output shows
 * `[REDACTED]` or when a `{{capture}}` line of it no longer matches.
 * Throws LabError when a position does not point at such a block (the file changed since the run).
 */
export function rewriteLab(source: string, updates: ExpectedUpdate[]): LabRewrite {
  const changed: ExpectedUpdate[] = [];
  const refused: RefusedUpdate[] = [];
  if (updates.length === 0) return { source, changed, refused };
  const map = new SourceMap(source, updates[0]!.expected.pos.file);
  const edits = new Map<number, Edit & { update: ExpectedUpdate }>();
  for (const update of updates) {
    const { expected, actual } = update;
    const range = map.locate(expected);
    const r = rewriteBlockText(expected, actual, escapeForBlock(range));
    if (r.kind === 'refused') {
      edits.delete(range.start);
      refused.push({ expected, reason: r.reason });
      continue;
    }
    if (r.kind === 'unchanged' || normalizeText(r.text) === normalizeText(expected.text)) {
      edits.delete(range.start);
      continue;
    }
    edits.set(range.start, { range, lines: r.text === '' ? [] : r.text.split('\n'), update });
  }
  if (edits.size === 0) return { source, changed, refused };

  const lines = splitKeepingEol(source);
  const eol = lines.find((l) => l.eol !== '')?.eol ?? '\n';
  for (const { range, lines: body } of [...edits.values()].sort((a, b) => b.range.start - a.range.start)) {
    const openerEol = lines[range.fence.line - 1]?.eol || eol;
    const written = body.map((l) => ({ text: l === '' ? range.blankPrefix : range.prefix + l, eol: openerEol }));
    const replacedLast = lines[range.end - 2];
    if (written.length > 0 && range.end - 1 === lines.length && replacedLast && replacedLast.eol === '') written[written.length - 1]!.eol = '';
    lines.splice(range.start - 1, range.end - range.start, ...written);
  }
  for (const { update } of edits.values()) changed.push(update);
  return { source: lines.map((l) => l.text + l.eol).join(''), changed, refused };
}

/** `rewriteLab`'s new source: refused blocks are left as they were. */
export function rewriteExpected(source: string, updates: ExpectedUpdate[]): string {
  return rewriteLab(source, updates).source;
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
