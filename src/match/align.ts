// Pairing expected lines with actual lines. The result is a list of operations that both the
// diff (expected-as-resolved) and `update` (expected-as-rewritten) render in their own way.
import { affixesOf } from './affix.js';
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
  /** Unordered: pattern tests plus search steps spent (for tests and benchmarks). */
  work?: number;
  /** Unordered: set when the work bound was hit; the pairing is then the best found so far. */
  gaveUp?: string;
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
 * Work bound of an unordered match: pattern tests plus pairing-search steps. Far above what a
 * real block needs (3,000 `(re)` lines that all fit every line take about 10 million), and small
 * enough to give up in seconds, with a message, rather than in minutes.
 */
export const UNORDERED_WORK_LIMIT = 50_000_000;

/**
 * Unordered (multiset) match: every expected line pairs with a distinct actual line, in any order.
 * `...` in an unordered block (any number of them, anywhere) means "other lines may appear too":
 * actual lines left unpaired are then allowed; without one they make the match fail.
 *
 * A maximum bipartite matching, made fast for real blocks:
 * 1. literal lines pair by exact text through a hash map (always part of some maximum pairing);
 * 2. a pattern is only tried on the free actual lines sharing its literal prefix or suffix
 *    (binary search in the lines sorted forwards, or sorted by their reversed text);
 * 3. identical pattern lines share one list of the lines they fit;
 * 4. a greedy pass pairs each pattern with its first free fitting line, then augmenting paths
 *    (Kuhn, visited marks kept across failed searches) fix the rest; `{{x}}`/regex lines never
 *    keep a line a later pattern needed.
 * Work is counted (pattern tests and search steps); past `limit` the match gives up, failing
 * with `gaveUp` set. Ops come in actual-line order, then the unpaired expected lines.
 */
export function alignUnordered(patterns: LinePattern[], actual: string[], limit = UNORDERED_WORK_LIMIT): Alignment {
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

  let work = 0;
  let gaveUp: string | undefined;
  if (flexible.length > 0) {
    const free = actual.map((_, j) => j).filter((j) => pairOfActual[j] === -1);
    const candidates = candidateFinder(free, actual);
    // The actual lines each distinct pattern fits, computed when first needed.
    const fitsOf = new Map<string, Int32Array>();
    const fitting = (i: number): Int32Array | undefined => {
      const pattern = patterns[i]!;
      let list = fitsOf.get(pattern.raw);
      if (list) return list;
      const range = candidates(pattern);
      if (work + range.length > limit) return undefined;
      work += range.length;
      const fits: number[] = [];
      for (const j of range) if (matchLine(pattern, actual[j]!) !== null) fits.push(j);
      list = Int32Array.from(fits.sort((a, b) => a - b));
      fitsOf.set(pattern.raw, list);
      return list;
    };

    // Greedy: the first free line each pattern fits.
    const unpaired: number[] = [];
    const greedyStart = new Map<string, number>();
    greedy: for (const i of flexible) {
      const fits = fitting(i);
      if (!fits) {
        gaveUp = limitMessage(limit);
        break;
      }
      // Lines only get paired in this pass: identical patterns go on where the last one stopped.
      const raw = patterns[i]!.raw;
      let at = greedyStart.get(raw) ?? 0;
      let paired = false;
      for (; at < fits.length; at++) {
        if (++work > limit) {
          gaveUp = limitMessage(limit);
          break greedy;
        }
        const j = fits[at]!;
        if (pairOfActual[j] === -1) {
          pairOfActual[j] = i;
          pairOfExpected[i] = j;
          paired = true;
          break;
        }
      }
      greedyStart.set(raw, at);
      if (!paired) unpaired.push(i);
    }

    // Augmenting paths for the rest. A failed search changes nothing, so the lines it visited
    // stay useless until a search succeeds: visited marks are only cleared after a success.
    const visited = new Uint8Array(actual.length);
    const stack: { i: number; fits: Int32Array; next: number; via: number }[] = [];
    const augment = (start: number): boolean | undefined => {
      const first = fitting(start);
      if (!first) return undefined;
      stack.length = 0;
      stack.push({ i: start, fits: first, next: 0, via: -1 });
      while (stack.length > 0) {
        if (++work > limit) return undefined;
        const top = stack[stack.length - 1]!;
        if (top.next >= top.fits.length) {
          stack.pop();
          continue;
        }
        const j = top.fits[top.next++]!;
        if (visited[j]) continue;
        visited[j] = 1;
        top.via = j;
        const owner = pairOfActual[j]!;
        if (owner === -1) {
          for (const frame of stack) {
            pairOfActual[frame.via] = frame.i;
            pairOfExpected[frame.i] = frame.via;
          }
          return true;
        }
        const fits = fitting(owner);
        if (!fits) return undefined;
        stack.push({ i: owner, fits, next: 0, via: -1 });
      }
      return false;
    };
    if (!gaveUp) {
      for (const i of unpaired) {
        const found = augment(i);
        if (found === undefined) {
          gaveUp = limitMessage(limit);
          break;
        }
        if (found) visited.fill(0);
      }
    }
  }

  const ops: AlignOp[] = [];
  actual.forEach((line, j) => {
    const i = pairOfActual[j]!;
    if (i >= 0) ops.push({ kind: 'match', exp: i, act: j, captures: matchLine(patterns[i]!, line)! });
    else if (ellipsis >= 0 && !gaveUp) ops.push({ kind: 'ellipsis', exp: ellipsis, from: j, to: j + 1 });
    else ops.push({ kind: 'extra', act: j });
  });
  let ok = !gaveUp && !ops.some((op) => op.kind === 'extra');
  patterns.forEach((pattern, i) => {
    if (pattern.kind !== 'ellipsis' && pairOfExpected[i] === -1) {
      ops.push({ kind: 'missing', exp: i });
      ok = false;
    }
  });
  work = Math.min(work, limit);
  return gaveUp ? { ok, ops, work, gaveUp } : { ok, ops, work };
}

function limitMessage(limit: number): string {
  return `unordered match gave up after ${limit.toLocaleString('en-US')} steps: too many pattern lines fit too many output lines to pair them; the lines shown as missing or extra may be paired in some other way`;
}

/**
 * For a pattern, the free actual lines that can fit it: those starting with its literal prefix
 * or ending with its literal suffix (whichever range is smaller), found by binary search.
 */
function candidateFinder(free: number[], actual: string[]): (pattern: LinePattern) => Int32Array {
  const reversed = (s: string) => {
    let r = '';
    for (let k = s.length - 1; k >= 0; k--) r += s[k];
    return r;
  };
  let byPrefix: { keys: string[]; idx: Int32Array } | undefined;
  let bySuffix: { keys: string[]; idx: Int32Array } | undefined;
  const sorted = (key: (j: number) => string) => {
    const order = free.map((j) => ({ j, k: key(j) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.j - b.j));
    return { keys: order.map((o) => o.k), idx: Int32Array.from(order.map((o) => o.j)) };
  };
  const range = (table: { keys: string[]; idx: Int32Array }, start: string): Int32Array => {
    const lo = lowerBoundString(table.keys, start);
    let hi = lo;
    // Keys starting with `start` form one run from `lo`.
    let step = 1;
    while (hi + step <= table.keys.length && table.keys[hi + step - 1]!.startsWith(start)) {
      hi += step;
      step *= 2;
    }
    while (step > 1) {
      step >>= 1;
      if (hi + step <= table.keys.length && table.keys[hi + step - 1]!.startsWith(start)) hi += step;
    }
    return table.idx.subarray(lo, hi);
  };
  const all = Int32Array.from(free);
  return (pattern) => {
    const { prefix, suffix } = affixesOf(pattern);
    if (!prefix && !suffix) return all;
    const byStart = prefix ? range((byPrefix ??= sorted((j) => actual[j]!)), prefix) : all;
    const byEnd = suffix ? range((bySuffix ??= sorted((j) => reversed(actual[j]!))), reversed(suffix)) : all;
    return byStart.length <= byEnd.length ? byStart : byEnd;
  };
}

function lowerBoundString(a: string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
