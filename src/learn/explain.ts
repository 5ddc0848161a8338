// Say in plain words how a learner's output differs from the lab's expected output:
// "line 2: expected `yes`, you got `no`". Pure; used by `learn` (check) and the gradebook.
import { diffArrays } from 'diff';

export interface Difference {
  /** 1-based line in the expected output this difference is at (or after, for extra lines). */
  line: number;
  kind: 'changed' | 'missing' | 'extra';
  expected?: string;
  actual?: string;
}

function toLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((l) => l.trimEnd());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line-level differences between expected and actual output, in expected-line order. */
export function findDifferences(expected: string, actual: string, opts: { unordered?: boolean } = {}): Difference[] {
  const exp = toLines(expected);
  const act = toLines(actual);
  if (opts.unordered) {
    const left = [...act];
    const out: Difference[] = [];
    exp.forEach((l, i) => {
      const at = left.indexOf(l);
      if (at >= 0) left.splice(at, 1);
      else out.push({ line: i + 1, kind: 'missing', expected: l });
    });
    for (const l of left) out.push({ line: exp.length, kind: 'extra', actual: l });
    return out;
  }
  const out: Difference[] = [];
  let line = 0; // expected lines consumed so far
  const changes = diffArrays(exp, act);
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    if (!c.added && !c.removed) {
      line += c.value.length;
      continue;
    }
    if (c.removed) {
      const next = changes[i + 1];
      const added = next?.added ? next.value : [];
      if (next?.added) i++;
      c.value.forEach((e, j) => {
        line++;
        if (j < added.length) out.push({ line, kind: 'changed', expected: e, actual: added[j] });
        else out.push({ line, kind: 'missing', expected: e });
      });
      for (const a of added.slice(c.value.length)) out.push({ line, kind: 'extra', actual: a });
      continue;
    }
    for (const a of c.value) out.push({ line, kind: 'extra', actual: a });
  }
  return out;
}

const q = (s: string) => (s === '' ? 'an empty line' : `\`${s}\``);

/** One sentence per difference, at most `limit` of them (and a count of the rest). */
export function explainMismatch(expected: string, actual: string, opts: { unordered?: boolean; limit?: number } = {}): string[] {
  const limit = opts.limit ?? 5;
  if (toLines(actual).length === 0 && toLines(expected).length > 0) return ['you got no output at all; expected ' + q(toLines(expected)[0]!) + (toLines(expected).length > 1 ? ' and more' : '')];
  const diffs = findDifferences(expected, actual, opts);
  const lines = diffs.slice(0, limit).map((d) => {
    switch (d.kind) {
      case 'changed':
        return `line ${d.line}: expected ${q(d.expected!)}, you got ${q(d.actual!)}`;
      case 'missing':
        return opts.unordered ? `expected a line ${q(d.expected!)} (in any order), it is not in your output` : `line ${d.line}: expected ${q(d.expected!)}, it is missing from your output`;
      case 'extra':
        return d.line === 0 ? `before line 1: your output has an extra line ${q(d.actual!)}` : `after line ${d.line}: your output has an extra line ${q(d.actual!)}`;
    }
  });
  if (diffs.length > limit) lines.push(`…and ${diffs.length - limit} more difference${diffs.length - limit === 1 ? '' : 's'}`);
  return lines;
}
