// Pairing expected lines with actual lines. The result is a list of operations that both the
// diff (expected-as-resolved) and `update` (expected-as-rewritten) render in their own way.
import { matchLine, type LinePattern } from './pattern.js';

export type AlignOp =
  /** Expected line `exp` matched actual line `act`. */
  | { kind: 'match'; exp: number; act: number; captures: Readonly<Record<string, string>> }
  /** The `...` line `exp` stands for actual lines [from, to). */
  | { kind: 'ellipsis'; exp: number; from: number; to: number }
  /** Expected line with no actual counterpart. */
  | { kind: 'missing'; exp: number }
  /** Actual line with no expected counterpart. */
  | { kind: 'extra'; act: number };

export interface Alignment {
  ok: boolean;
  ops: AlignOp[];
}

/** Above this many (expected × actual) cells a failed ordered match is explained greedily. */
const MAX_DIFF_CELLS = 4_000_000;

/** A set of actual-line positions (0…m) reachable in one row of the match grid. */
type Cols = { kind: 'range'; lo: number; hi: number } | { kind: 'list'; cols: number[] };

function colsEmpty(c: Cols): boolean {
  return c.kind === 'range' ? c.lo > c.hi : c.cols.length === 0;
}
function colsMin(c: Cols): number {
  return c.kind === 'range' ? c.lo : c.cols[0]!;
}
function colsMax(c: Cols): number {
  return c.kind === 'range' ? c.hi : c.cols[c.cols.length - 1]!;
}
function colsHas(c: Cols, j: number): boolean {
  if (c.kind === 'range') return j >= c.lo && j <= c.hi;
  return c.cols[lowerBound(c.cols, j)] === j;
}
/** Smallest member ≥ j, or -1. */
function colsCeil(c: Cols, j: number): number {
  if (c.kind === 'range') return j > c.hi ? -1 : Math.max(j, c.lo);
  const at = lowerBound(c.cols, j);
  return at < c.cols.length ? c.cols[at]! : -1;
}
function* colsEach(c: Cols): Generator<number> {
  if (c.kind === 'range') for (let j = c.lo; j <= c.hi; j++) yield j;
  else yield* c.cols;
}
function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Ordered match. A forward pass computes which (expected line, actual line) states are reachable
 * (only those are tested, each at most once), a backward pass keeps the states that also reach the
 * end, and a forward walk picks the path a backtracking matcher would: each `...` as short as
 * possible, leftmost first. Time and memory O(n·m) at worst, never exponential. On failure the
 * ops come from `explainOrdered`.
 */
export function alignOrdered(patterns: LinePattern[], actual: string[]): Alignment {
  const n = patterns.length;
  const m = actual.length;
  const reach: Cols[] = [{ kind: 'list', cols: [0] }];
  for (let i = 0; i < n; i++) {
    const row = reach[i]!;
    const pattern = patterns[i]!;
    if (colsEmpty(row)) return explainOrdered(patterns, actual);
    if (pattern.kind === 'ellipsis') {
      const closed: Cols = { kind: 'range', lo: colsMin(row), hi: m };
      reach[i] = closed;
      reach.push(closed);
    } else {
      const next: number[] = [];
      for (const j of colsEach(row)) if (j < m && matchLine(pattern, actual[j]!)) next.push(j + 1);
      reach.push({ kind: 'list', cols: next });
    }
  }
  if (!colsHas(reach[n]!, m)) return explainOrdered(patterns, actual);

  // Backward: states of each row from which the end is reachable.
  const good: Cols[] = new Array<Cols>(n + 1);
  good[n] = { kind: 'list', cols: [m] };
  for (let i = n - 1; i >= 0; i--) {
    const row = reach[i]!;
    const after = good[i + 1]!;
    if (patterns[i]!.kind === 'ellipsis') {
      good[i] = { kind: 'range', lo: colsMin(row), hi: colsMax(after) };
    } else {
      const cols: number[] = [];
      for (const j of colsEach(after)) if (j > 0 && colsHas(row, j - 1)) cols.push(j - 1);
      good[i] = { kind: 'list', cols };
    }
  }

  const ops: AlignOp[] = [];
  let j = 0;
  for (let i = 0; i < n; i++) {
    const pattern = patterns[i]!;
    if (pattern.kind === 'ellipsis') {
      const to = colsCeil(good[i + 1]!, j);
      ops.push({ kind: 'ellipsis', exp: i, from: j, to });
      j = to;
    } else {
      ops.push({ kind: 'match', exp: i, act: j, captures: matchLine(pattern, actual[j]!)! });
      j += 1;
    }
  }
  return { ok: true, ops };
}

/**
 * Best partial alignment of a failed ordered match, for the diff and for `update`: the most
 * expected lines matched in order (an LCS where `...` absorbs any run of actual lines). Ties
 * prefer a match, then letting a `...` absorb the line, so absorbed lines never show as changes.
 */
export function explainOrdered(patterns: LinePattern[], actual: string[]): Alignment {
  const n = patterns.length;
  const m = actual.length;
  if ((n + 1) * (m + 1) > MAX_DIFF_CELLS) return explainGreedy(patterns, actual);
  const w = m + 1;
  const score = new Int32Array((n + 1) * w);
  const hit = new Uint8Array(n * w);
  for (let i = n - 1; i >= 0; i--) {
    const pattern = patterns[i]!;
    for (let j = m; j >= 0; j--) {
      const down = score[(i + 1) * w + j]!;
      if (j === m) {
        score[i * w + j] = down;
        continue;
      }
      const right = score[i * w + j + 1]!;
      let best = Math.max(down, right);
      if (pattern.kind !== 'ellipsis' && matchLine(pattern, actual[j]!)) {
        hit[i * w + j] = 1;
        best = Math.max(best, 1 + score[(i + 1) * w + j + 1]!);
      }
      score[i * w + j] = best;
    }
  }
  const ops: AlignOp[] = [];
  let i = 0;
  let j = 0;
  let open: { kind: 'ellipsis'; exp: number; from: number; to: number } | undefined;
  while (i < n || j < m) {
    if (i === n) {
      ops.push({ kind: 'extra', act: j++ });
      continue;
    }
    const pattern = patterns[i]!;
    const here = score[i * w + j]!;
    if (pattern.kind === 'ellipsis') {
      if (!open) {
        open = { kind: 'ellipsis', exp: i, from: j, to: j };
        ops.push(open);
      }
      if (j < m && score[i * w + j + 1] === here) {
        j++;
        open.to = j;
      } else {
        open = undefined;
        i++;
      }
      continue;
    }
    if (j < m && hit[i * w + j] && here === 1 + score[(i + 1) * w + j + 1]!) {
      ops.push({ kind: 'match', exp: i, act: j, captures: matchLine(pattern, actual[j]!)! });
      i++;
      j++;
    } else if (score[(i + 1) * w + j] === here) {
      ops.push({ kind: 'missing', exp: i++ });
    } else {
      ops.push({ kind: 'extra', act: j++ });
    }
  }
  return { ok: false, ops };
}

/** Linear-ish explanation for huge outputs: each expected line looks ahead a bounded window. */
function explainGreedy(patterns: LinePattern[], actual: string[]): Alignment {
  const window = 200;
  const ops: AlignOp[] = [];
  let j = 0;
  let open: { kind: 'ellipsis'; exp: number; from: number; to: number } | undefined;
  for (let i = 0; i < patterns.length; i++) {
    const pattern = patterns[i]!;
    if (pattern.kind === 'ellipsis') {
      open = { kind: 'ellipsis', exp: i, from: j, to: j };
      ops.push(open);
      continue;
    }
    const limit = open ? actual.length : Math.min(actual.length, j + window);
    let found = -1;
    for (let k = j; k < limit; k++) {
      if (matchLine(pattern, actual[k]!)) {
        found = k;
        break;
      }
    }
    if (found < 0) {
      ops.push({ kind: 'missing', exp: i });
      continue;
    }
    if (open) open.to = found;
    else for (let k = j; k < found; k++) ops.push({ kind: 'extra', act: k });
    ops.push({ kind: 'match', exp: i, act: found, captures: matchLine(pattern, actual[found]!)! });
    open = undefined;
    j = found + 1;
  }
  if (open) open.to = actual.length;
  else for (let k = j; k < actual.length; k++) ops.push({ kind: 'extra', act: k });
  return { ok: false, ops };
}

/**
 * Unordered (multiset) match: every expected line pairs with a distinct actual line, in any order.
 * `...` in an unordered block (any number of them, anywhere) means "other lines may appear too":
 * actual lines left unpaired are then allowed; without one they make the match fail.
 * Literal lines pair first by exact text (always part of some maximum pairing), then the pattern
 * lines are paired by augmenting paths (Kuhn), so `{{x}}`/regex lines never steal a line a later
 * literal needed. Ops come in actual-line order, then the unpaired expected lines.
 */
export function alignUnordered(patterns: LinePattern[], actual: string[]): Alignment {
  const pairOfActual = new Int32Array(actual.length).fill(-1);
  const pairOfExpected = new Int32Array(patterns.length).fill(-1);
  const byText = new Map<string, number[]>();
  actual.forEach((line, j) => {
    const list = byText.get(line);
    if (list) list.push(j);
    else byText.set(line, [j]);
  });
  for (const list of byText.values()) list.reverse();
  const flexible: number[] = [];
  let ellipsis = -1;
  patterns.forEach((pattern, i) => {
    if (pattern.kind === 'ellipsis') {
      if (ellipsis < 0) ellipsis = i;
    } else if (pattern.kind === 'literal') {
      const j = byText.get(pattern.text)?.pop();
      if (j !== undefined) {
        pairOfActual[j] = i;
        pairOfExpected[i] = j;
      }
    } else {
      flexible.push(i);
    }
  });

  const free = actual.map((_, j) => j).filter((j) => pairOfActual[j] === -1);
  const cache = new Map<number, boolean>();
  const fits = (i: number, j: number): boolean => {
    const key = i * actual.length + j;
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = matchLine(patterns[i]!, actual[j]!) !== null));
    return v;
  };
  // Iterative augmenting-path search (Kuhn) over the actual lines literals left free.
  const augment = (start: number): boolean => {
    const seen = new Set<number>();
    const stack: { i: number; next: number; via: number }[] = [{ i: start, next: 0, via: -1 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next >= free.length) {
        stack.pop();
        continue;
      }
      const j = free[top.next++]!;
      if (seen.has(j) || !fits(top.i, j)) continue;
      seen.add(j);
      const owner = pairOfActual[j]!;
      top.via = j;
      if (owner === -1) {
        for (const frame of stack) {
          pairOfActual[frame.via] = frame.i;
          pairOfExpected[frame.i] = frame.via;
        }
        return true;
      }
      stack.push({ i: owner, next: 0, via: -1 });
    }
    return false;
  };
  for (const i of flexible) augment(i);

  const ops: AlignOp[] = [];
  actual.forEach((line, j) => {
    const i = pairOfActual[j]!;
    if (i >= 0) ops.push({ kind: 'match', exp: i, act: j, captures: matchLine(patterns[i]!, line)! });
    else if (ellipsis >= 0) ops.push({ kind: 'ellipsis', exp: ellipsis, from: j, to: j + 1 });
    else ops.push({ kind: 'extra', act: j });
  });
  let ok = !ops.some((op) => op.kind === 'extra');
  patterns.forEach((pattern, i) => {
    if (pattern.kind !== 'ellipsis' && pairOfExpected[i] === -1) {
      ops.push({ kind: 'missing', exp: i });
      ok = false;
    }
  });
  return { ok, ops };
}
