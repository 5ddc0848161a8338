// Say in plain words how a learner's output differs from the lab's expected output:
// "line 2: expected `yes`, you got `no`". The pairing of lines is the matcher's own (so `...`,
// `(re)` and `{{capture}}` lines that matched are never reported); this file only words it.
// Pure; used by `learn` (check, run) and the gradebook.
import { alignOrdered, alignUnordered, type AlignOp } from '../match/align.js';
import { normalizeLines } from '../match/index.js';
import { parseLine } from '../match/pattern.js';

export interface Difference {
  /** 1-based line in the expected output this difference is at (or after, for extra lines; 0 = before line 1). */
  line: number;
  kind: 'changed' | 'missing' | 'extra';
  expected?: string;
  actual?: string;
}

/** Line-level differences between expected and actual output, in expected-line order. */
export function findDifferences(expected: string, actual: string, opts: { unordered?: boolean } = {}): Difference[] {
  const exp = normalizeLines(expected);
  const act = normalizeLines(actual);
  const patterns = exp.map((l) => parseLine(l));
  const alignment = opts.unordered ? alignUnordered(patterns, act) : alignOrdered(patterns, act);
  if (alignment.ok) return [];
  const out: Difference[] = [];
  let lastExp = 0; // 1-based number of the last expected line passed
  let run: AlignOp[] = [];
  const flush = () => {
    const missing = run.filter((o): o is Extract<AlignOp, { kind: 'missing' }> => o.kind === 'missing');
    const extra = run.filter((o): o is Extract<AlignOp, { kind: 'extra' }> => o.kind === 'extra');
    const before = lastExp;
    // Ordered output: a missing line next to an extra one is one changed line.
    const pairs = opts.unordered ? 0 : Math.min(missing.length, extra.length);
    for (let i = 0; i < missing.length; i++) {
      const m = missing[i]!;
      if (i < pairs) out.push({ line: m.exp + 1, kind: 'changed', expected: exp[m.exp], actual: act[extra[i]!.act] });
      else out.push({ line: m.exp + 1, kind: 'missing', expected: exp[m.exp] });
      lastExp = Math.max(lastExp, m.exp + 1);
    }
    for (const e of extra.slice(pairs)) out.push({ line: opts.unordered ? exp.length : pairs ? lastExp : before, kind: 'extra', actual: act[e.act] });
    run = [];
  };
  for (const op of alignment.ops) {
    if (op.kind === 'missing' || op.kind === 'extra') {
      run.push(op);
      continue;
    }
    flush();
    lastExp = op.exp + 1;
  }
  flush();
  return out;
}

const q = (s: string) => (s === '' ? 'an empty line' : `\`${s}\``);

/** One sentence per difference, at most `limit` of them (and a count of the rest). */
export function explainMismatch(expected: string, actual: string, opts: { unordered?: boolean; limit?: number } = {}): string[] {
  const limit = opts.limit ?? 5;
  const exp = normalizeLines(expected);
  const diffs = findDifferences(expected, actual, opts);
  if (diffs.length && normalizeLines(actual).length === 0) return [`you got no output at all; expected ${q(exp[0] ?? '')}${exp.length > 1 ? ` and ${exp.length - 1} more line${exp.length > 2 ? 's' : ''}` : ''}`];
  const lines = diffs.slice(0, limit).map((d) => {
    switch (d.kind) {
      case 'changed':
        return `line ${d.line}: expected ${q(d.expected!)}, you got ${q(d.actual!)}`;
      case 'missing':
        return opts.unordered ? `expected a line ${q(d.expected!)} (in any order), it is not in your output` : `line ${d.line}: expected ${q(d.expected!)}, it is missing from your output`;
      case 'extra':
        if (opts.unordered) return `your output has an extra line ${q(d.actual!)}`;
        return d.line === 0 ? `before line 1: your output has an extra line ${q(d.actual!)}` : `after line ${d.line}: your output has an extra line ${q(d.actual!)}`;
    }
  });
  if (diffs.length > limit) lines.push(`…and ${diffs.length - limit} more difference${diffs.length - limit === 1 ? '' : 's'}`);
  return lines;
}
