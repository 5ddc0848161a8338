// Comparing an expected-output block as written in a lab with what the terminal showed.
// Syntax of expected lines: see ./pattern.ts. Normalisation: see ./normalize.ts.
import type { ExpectedOutput } from '../lab/model.js';
import { alignOrdered, alignUnordered, type Alignment } from './align.js';
import { formatDiff } from './diff.js';
import { escapeLine } from './escape.js';
import { normalizeLines } from './normalize.js';
import { parseLine, type LinePattern, type PatternProblem } from './pattern.js';
import { bashVariableProblem, ENVIRONMENT_NAMES } from './shell-names.js';

export { bashVariableProblem } from './shell-names.js';

export { escapeLiteral, escapeLine, escapeRegex } from './escape.js';
export { formatDiff } from './diff.js';
export { normalizeLines, normalizeText, stripAnsi } from './normalize.js';
export type { AlignOp, Alignment } from './align.js';

export interface ActualOutput {
  output: string;
  stdout: string;
  stderr: string;
}

export interface MatchResult {
  ok: boolean;
  /**
   * Named captures (`{{name}}`, `{{name:REGEX}}`, `(?<name>…)` in `(re)` lines), only when ok.
   * When a name occurs more than once, the last matched line's value wins.
   */
  captures: Record<string, string>;
  /**
   * Unified diff expected/actual when !ok; preceded by a `note:` line when an unordered match
   * gave up at its work bound (see UNORDERED_WORK_LIMIT).
   */
  diff?: string;
  /** When !ok: the captures of the pattern lines that still matched (`kubelab update` uses them). */
  partialCaptures?: Record<string, string>;
}

/** The text an expected block is compared with. */
export function selectStream(expected: Pick<ExpectedOutput, 'stream'>, actual: ActualOutput): string {
  switch (expected.stream) {
    case 'both':
      return actual.output;
    case 'stdout':
      return actual.stdout;
    case 'stderr':
      return actual.stderr;
  }
}

interface CompiledExpected {
  lines: string[];
  patterns: LinePattern[];
}

// Blocks are matched again on every retry attempt and every run of a suite: parse each text once.
const compiled = new Map<string, CompiledExpected>();
const MAX_COMPILED = 1000;

function compile(text: string): CompiledExpected {
  let entry = compiled.get(text);
  if (!entry) {
    const lines = normalizeLines(text);
    entry = { lines, patterns: lines.map((line) => parseLine(line)) };
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(text, entry);
  }
  return entry;
}

function align(expected: Pick<ExpectedOutput, 'text' | 'unordered'>, actualLines: string[]): CompiledExpected & { alignment: Alignment } {
  const { lines, patterns } = compile(expected.text);
  const alignment = expected.unordered ? alignUnordered(patterns, actualLines) : alignOrdered(patterns, actualLines);
  return { alignment, lines, patterns };
}

/** Compare an expected block with actual output. Never throws on any input text. */
export function matchOutput(expected: ExpectedOutput, actual: ActualOutput): MatchResult {
  return matchText(expected, selectStream(expected, actual));
}

/** `matchOutput` on already-selected text (one stream). */
export function matchText(expected: Pick<ExpectedOutput, 'text' | 'unordered' | 'pos'>, actualText: string): MatchResult {
  const actualLines = normalizeLines(actualText);
  const { alignment, lines } = align(expected, actualLines);
  if (alignment.ok) {
    const captures: Record<string, string> = {};
    for (const op of alignment.ops) if (op.kind === 'match') Object.assign(captures, op.captures);
    return { ok: true, captures };
  }
  const partialCaptures: Record<string, string> = {};
  for (const op of alignment.ops) if (op.kind === 'match') Object.assign(partialCaptures, op.captures);
  const resolved = resolvedLines(alignment, lines, actualLines);
  const diff = formatDiff(resolved.join('\n'), actualLines.join('\n'), expected.pos);
  // Said before the diff: the diff alone would read as a plain mismatch.
  return { ok: false, captures: {}, partialCaptures, diff: alignment.gaveUp ? `note: ${alignment.gaveUp}\n${diff}` : diff };
}

/**
 * Expected-as-resolved: lines that matched (through `...`, regexes, captures) replaced by the actual
 * lines they matched, so a diff against the actual text shows only lines that really differ.
 */
function resolvedLines(alignment: Alignment, expectedLines: string[], actualLines: string[]): string[] {
  const out: string[] = [];
  for (const op of alignment.ops) {
    switch (op.kind) {
      case 'match':
        out.push(actualLines[op.act]!);
        break;
      case 'ellipsis':
        for (let j = op.from; j < op.to; j++) out.push(actualLines[j]!);
        break;
      case 'missing':
        out.push(expectedLines[op.exp]!);
        break;
      case 'extra':
        break;
    }
  }
  return out;
}

export interface RewriteOptions {
  /**
   * How a new actual line is written (default `escapeLine`); `at` is its index in the new text.
   * `update` uses it to keep lines that would read as markdown or console structure literal.
   */
  escape?: (line: string, at: number) => string;
}

/**
 * The expected text `update` writes: the old expected lines wherever they still match (keeping
 * `...`, in-line `...`, `(re)` and `{{capture}}` lines), the escaped actual lines elsewhere.
 * Returns `expected.text` unchanged when it already matches. Unordered blocks keep the old order
 * and append new lines at the end. The result always matches `actualText`.
 */
export function rewriteExpectedText(
  expected: Pick<ExpectedOutput, 'text' | 'unordered'>,
  actualText: string,
  options: RewriteOptions = {},
): string {
  const escape = options.escape ?? escapeLine;
  const actualLines = normalizeLines(actualText);
  const { alignment, lines, patterns } = align(expected, actualLines);
  if (alignment.ok) return expected.text;
  const out: string[] = [];
  if (expected.unordered) {
    const kept = new Set<number>();
    for (const op of alignment.ops) if (op.kind === 'match') kept.add(op.exp);
    lines.forEach((line, i) => {
      if (kept.has(i) || patterns[i]!.kind === 'ellipsis') out.push(line);
    });
    for (const op of alignment.ops) if (op.kind === 'extra') out.push(escape(actualLines[op.act]!, out.length));
    // Order is free here, but trailing blank lines would be dropped as insignificant: put blanks first.
    return [...out.filter((l) => l === ''), ...out.filter((l) => l !== '')].join('\n');
  }
  for (const op of alignment.ops) {
    switch (op.kind) {
      case 'match':
      case 'ellipsis':
        out.push(lines[op.exp]!);
        break;
      case 'extra':
        out.push(escape(actualLines[op.act]!, out.length));
        break;
      case 'missing':
        break;
    }
  }
  return out.join('\n');
}

export interface ExpectedProblem {
  /** 1-based line within the expected text. */
  line: number;
  /** 1-based column, when known. */
  col?: number;
  message: string;
  /** `error`: the block can never match as meant (a broken regex). `warning`: it still matches, maybe not as meant. */
  severity: 'error' | 'warning';
  /** A capture name the shell cannot take: the fix is another name. */
  rename?: boolean;
}

/** Capture names of a pattern, with the 0-based column where each is written. */
function captureNames(pattern: LinePattern): { name: string; col: number }[] {
  switch (pattern.kind) {
    case 'glob':
      return pattern.segments.flatMap((s) => (s.kind === 'capture' ? [{ name: s.name, col: s.col ?? 0 }] : []));
    case 'regex':
      return [...pattern.raw.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => ({ name: m[1]!, col: m.index + 3 }));
    case 'ellipsis':
    case 'literal':
      return [];
  }
}

/** Every capture an expected text makes, with its 1-based line and column within the text. */
export function expectedCaptures(text: string): { name: string; line: number; col: number }[] {
  if (!text.includes('{{') && !text.includes('(?<')) return [];
  return normalizeLines(text).flatMap((line, index) => captureNames(parseLine(line)).map(({ name, col }) => ({ name, line: index + 1, col: col + 1 })));
}

/** Problems in expected text the linter reports: invalid `(re)` or capture regexes, malformed `{{`. */
export function checkExpected(text: string): ExpectedProblem[] {
  const problems: ExpectedProblem[] = [];
  normalizeLines(text).forEach((line, index) => {
    const found: PatternProblem[] = [];
    const pattern = parseLine(line, found);
    for (const p of found) problems.push({ line: index + 1, col: p.col + 1, message: p.message, severity: p.severity });
    for (const { name, col } of captureNames(pattern)) {
      // Captures are exported into the lab's shell: a bash variable cannot take them.
      const problem = bashVariableProblem(name);
      if (problem) {
        problems.push({ line: index + 1, col: col + 1, message: `capture ${name}: ${problem}`, severity: 'error', rename: true });
      } else if (ENVIRONMENT_NAMES.has(name)) {
        problems.push({ line: index + 1, col: col + 1, message: `capture {{${name}}} would overwrite the shell variable ${name} in later steps; choose another name`, severity: 'warning' });
      }
    }
  });
  return problems;
}
