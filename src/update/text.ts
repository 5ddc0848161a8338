// The new text of one expected-output block, for `kubelab update`: the author's lines stay
// wherever they still can (lines that match, every `...`), a line that changed is replaced in
// place by the escaped actual line, and a block is refused when no true rewrite exists (output the
// redactor changed; a `{{capture}}` line that no longer matches, whose capture the rewrite would drop).
import { REDACTED } from '../engine/redact.js';
import { alignOrdered, alignUnordered, type AlignOp } from '../match/align.js';
import { escapeLine } from '../match/escape.js';
import { normalizeLines } from '../match/normalize.js';
import { matchLine, parseLine, type LinePattern } from '../match/pattern.js';
import type { ExpectedOutput } from '../lab/model.js';

export type BlockRewrite =
  | { kind: 'unchanged' }
  | { kind: 'rewritten'; text: string }
  /** No rewrite would be true; `reason` says why, in words that follow "not updated: ". */
  | { kind: 'refused'; reason: string };

/** How a new actual line is written; `at` is its index in the new text (see rewrite.ts). */
export type EscapeLine = (line: string, at: number) => string;

/** Above this many (expected × actual) cells in all changed stretches of a block, the rest are rewritten as aligned. */
const MAX_GAP_CELLS = 1_000_000;

/** Names a pattern line captures (`{{name}}`, `{{name:RE}}`, `(?<name>…)` in a `(re)` line). */
function lineCaptures(pattern: LinePattern): string[] {
  switch (pattern.kind) {
    case 'glob':
      return pattern.segments.flatMap((s) => (s.kind === 'capture' ? [s.name] : []));
    case 'regex':
      return [...pattern.regex.source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
    case 'ellipsis':
    case 'literal':
      return [];
  }
}

/** The capture names an expected text sets, in order, each once. */
export function captureNames(text: string): string[] {
  return [...new Set(normalizeLines(text).flatMap((line) => lineCaptures(parseLine(line))))];
}

export function rewriteBlockText(expected: Pick<ExpectedOutput, 'text' | 'unordered'>, actualText: string, escape: EscapeLine = escapeLine): BlockRewrite {
  const actual = normalizeLines(actualText);
  const lines = normalizeLines(expected.text);
  const patterns = lines.map((line) => parseLine(line));
  // A failed alignment's ops explain it (the most expected lines matched): the rewrite starts there.
  const alignment = expected.unordered ? alignUnordered(patterns, actual) : alignOrdered(patterns, actual);
  if (alignment.ok) return { kind: 'unchanged' };
  // The report holds the output as redacted: what the command printed is not known, so nothing
  // derived from it (not even which author lines still match) may go into the lab.
  if (actual.some((line) => line.includes(REDACTED))) {
    return { kind: 'refused', reason: `the output shows ${REDACTED} where the redactor hid a secret, so the real output is not known` };
  }
  const { out, kept } = expected.unordered ? rewriteUnordered(alignment.ops, patterns, lines, actual, escape) : rewriteOrdered(alignment.ops, patterns, lines, actual, escape);
  const lost = patterns.flatMap((p, i) => (!kept.has(i) && lineCaptures(p).length > 0 ? [i] : []));
  if (lost.length > 0) {
    const names = lost.flatMap((i) => lineCaptures(patterns[i]!).map((n) => `{{${n}}}`));
    return {
      kind: 'refused',
      reason: `${lost.map((i) => `\`${lines[i]}\``).join(', ')} no longer matches, and rewriting it would drop the capture${names.length === 1 ? '' : 's'} ${names.join(', ')} that later blocks use`,
    };
  }
  return { kind: 'rewritten', text: out.join('\n') };
}

interface Rewritten {
  out: string[];
  /** Expected lines written as they were. */
  kept: Set<number>;
}

/**
 * Ordered: the most author lines kept (the alignment that explains a diff), then each stretch
 * between kept lines rewritten on its own with as few author lines deleted, then as few lines
 * changed, as possible: a changed line is replaced where it was, a `...` absorbs what it can.
 */
function rewriteOrdered(ops: AlignOp[], patterns: LinePattern[], lines: string[], actual: string[], escape: EscapeLine): Rewritten {
  const out: string[] = [];
  const kept = new Set<number>();
  let gap: AlignOp[] = [];
  const budget = { cells: MAX_GAP_CELLS };
  const flush = () => {
    if (gap.length > 0) rewriteGap(gap, patterns, lines, actual, escape, out, kept, budget);
    gap = [];
  };
  for (const op of ops) {
    if (op.kind === 'match') {
      flush();
      kept.add(op.exp);
      out.push(lines[op.exp]!);
    } else gap.push(op);
  }
  flush();
  return { out, kept };
}

type GapStep = 'keep' | 'absorb' | 'end' | 'replace' | 'delete' | 'insert';

/** A stretch of expected lines (`...` and unmatched ones) and the actual lines between two kept lines. */
function rewriteGap(ops: AlignOp[], patterns: LinePattern[], lines: string[], actual: string[], escape: EscapeLine, out: string[], kept: Set<number>, budget: { cells: number }): void {
  const exps: number[] = [];
  const acts: number[] = [];
  for (const op of ops) {
    if (op.kind === 'ellipsis') {
      exps.push(op.exp);
      for (let j = op.from; j < op.to; j++) acts.push(j);
    } else if (op.kind === 'missing') exps.push(op.exp);
    else if (op.kind === 'extra') acts.push(op.act);
  }
  exps.sort((a, b) => a - b);
  acts.sort((a, b) => a - b);
  const k = exps.length;
  const l = acts.length;
  budget.cells -= (k + 1) * (l + 1);
  if (budget.cells < 0) {
    // Too big to weigh every way: write it as aligned (`...` absorb, the rest deleted or added).
    for (const op of ops) {
      if (op.kind === 'ellipsis') {
        kept.add(op.exp);
        out.push(lines[op.exp]!);
      } else if (op.kind === 'extra') out.push(escape(actual[op.act]!, out.length));
    }
    return;
  }
  // cost[p][q]: [deleted author lines, changed lines] to write exps[p..] for acts[q..].
  const w = l + 1;
  const del = new Int32Array((k + 1) * w);
  const chg = new Int32Array((k + 1) * w);
  const step: GapStep[] = new Array<GapStep>((k + 1) * w);
  for (let p = k; p >= 0; p--) {
    for (let q = l; q >= 0; q--) {
      const at = p * w + q;
      if (p === k && q === l) continue;
      let best: [number, number, GapStep] | undefined;
      const consider = (d: number, c: number, s: GapStep) => {
        if (!best || d < best[0] || (d === best[0] && c < best[1])) best = [d, c, s];
      };
      const pattern = p < k ? patterns[exps[p]!]! : undefined;
      if (pattern?.kind === 'ellipsis') {
        // On a tie a `...` stands for as few lines as it can, as when matching.
        consider(del[at + w]!, chg[at + w]!, 'end');
        if (q < l) consider(del[at + 1]!, chg[at + 1]!, 'absorb');
      } else if (pattern) {
        if (q < l) {
          const fits = matchLine(pattern, actual[acts[q]!]!) !== null;
          consider(del[at + w + 1]!, chg[at + w + 1]! + (fits ? 0 : 1), fits ? 'keep' : 'replace');
        }
        consider(del[at + w]! + 1, chg[at + w]!, 'delete');
      }
      if (q < l) consider(del[at + 1]!, chg[at + 1]! + 1, 'insert');
      del[at] = best![0];
      chg[at] = best![1];
      step[at] = best![2];
    }
  }
  let p = 0;
  let q = 0;
  let ellipsisOpen = false;
  while (p < k || q < l) {
    const s = step[p * w + q]!;
    switch (s) {
      case 'absorb':
      case 'end':
        if (!ellipsisOpen) {
          kept.add(exps[p]!);
          out.push(lines[exps[p]!]!);
          ellipsisOpen = true;
        }
        if (s === 'absorb') q++;
        else {
          ellipsisOpen = false;
          p++;
        }
        break;
      case 'keep':
        kept.add(exps[p]!);
        out.push(lines[exps[p]!]!);
        p++;
        q++;
        break;
      case 'replace':
        out.push(escape(actual[acts[q]!]!, out.length));
        p++;
        q++;
        break;
      case 'delete':
        p++;
        break;
      case 'insert':
        out.push(escape(actual[acts[q]!]!, out.length));
        q++;
        break;
    }
  }
}

/**
 * Unordered: the author's order stays. An author line left without a partner takes the next
 * actual line left without one (in output order) in its place; lines left over are added at the
 * end unless a `...` allows them; author lines left over are deleted.
 */
function rewriteUnordered(ops: AlignOp[], patterns: LinePattern[], lines: string[], actual: string[], escape: EscapeLine): Rewritten {
  const paired = new Set<number>();
  const free: number[] = [];
  for (const op of ops) {
    if (op.kind === 'match') paired.add(op.exp);
    else if (op.kind === 'extra') free.push(op.act);
    else if (op.kind === 'ellipsis') for (let j = op.from; j < op.to; j++) free.push(j);
  }
  free.sort((a, b) => a - b);
  const hasEllipsis = patterns.some((p) => p.kind === 'ellipsis');
  const out: string[] = [];
  const kept = new Set<number>();
  let next = 0;
  lines.forEach((line, i) => {
    if (paired.has(i) || patterns[i]!.kind === 'ellipsis') {
      kept.add(i);
      out.push(line);
    } else if (next < free.length) out.push(escape(actual[free[next++]!]!, out.length));
  });
  if (!hasEllipsis) while (next < free.length) out.push(escape(actual[free[next++]!]!, out.length));
  // Trailing blank lines of expected text are insignificant (dropped); order is free, so put them first.
  let blanks = 0;
  while (blanks < out.length && out[out.length - 1 - blanks] === '') blanks++;
  return { out: blanks > 0 ? [...out.slice(out.length - blanks), ...out.slice(0, out.length - blanks)] : out, kept };
}
