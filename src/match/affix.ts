// The literal text every line a pattern matches must start and end with. Unordered matching uses
// it to try a pattern only on the actual lines that share that text (found by binary search in
// sorted lines), instead of running the pattern's regex on every line.
import type { LinePattern } from './pattern.js';

export interface Affixes {
  prefix: string;
  suffix: string;
}

const NONE: Affixes = { prefix: '', suffix: '' };

/** Characters that stand for themselves after a backslash (with or without the `u` flag). */
const ESCAPED_LITERAL = new Set('^$\\.*+?()[]{}|/-');
const QUANTIFIER = new Set('?*+{');

/** Literal prefix and suffix of a line pattern ('' when there is none, or when unsure). */
export function affixesOf(pattern: LinePattern): Affixes {
  switch (pattern.kind) {
    case 'ellipsis':
      return NONE;
    case 'literal':
      return { prefix: pattern.text, suffix: pattern.text };
    case 'glob': {
      const first = pattern.segments[0];
      const last = pattern.segments[pattern.segments.length - 1];
      return { prefix: first?.kind === 'text' ? first.text : '', suffix: last?.kind === 'text' ? last.text : '' };
    }
    case 'regex':
      return regexAffixes(pattern.raw.slice(0, -' (re)'.length));
  }
}

/**
 * Literal runs at both ends of a regex source, read conservatively: only plain characters and
 * escaped punctuation at the top level count; a top-level `|` means there is no common affix;
 * a quantified character, a group, a class, an assertion or any other escape ends a run.
 */
export function regexAffixes(source: string): Affixes {
  // Atoms at depth 0: a literal character, or null for anything else.
  const atoms: (string | null)[] = [];
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    // Whole code points: a quantifier after an emoji repeats both of its UTF-16 halves.
    const c = String.fromCodePoint(source.codePointAt(i)!);
    i += c.length - 1;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) return NONE;
      // Escapes of letters, digits and other characters (\d, \u{…}, \p{…}, \1) are not literal.
      if (depth === 0) atoms.push(ESCAPED_LITERAL.has(next) ? next : null);
      i += escapeLength(source, i) - 1;
      continue;
    }
    if (c === '[') {
      // Skip the class (escapes inside included); it is one non-literal atom.
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      if (depth === 0) atoms.push(null);
      continue;
    }
    if (c === '(') {
      if (depth === 0) atoms.push(null);
      depth++;
      continue;
    }
    if (c === ')') {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth > 0) continue;
    if (c === '|') return NONE;
    if (QUANTIFIER.has(c)) {
      // The atom before is optional or repeated: not a fixed character.
      if (atoms.length > 0) atoms[atoms.length - 1] = null;
      atoms.push(null);
      if (c === '{') while (i < source.length && source[i] !== '}') i++;
      continue;
    }
    atoms.push(c === '.' || c === '^' || c === '$' ? null : c);
  }
  let prefix = '';
  for (const a of atoms) {
    if (a === null) break;
    prefix += a;
  }
  let suffix = '';
  for (let k = atoms.length - 1; k >= 0; k--) {
    const a = atoms[k]!;
    if (a === null) break;
    suffix = a + suffix;
  }
  return { prefix, suffix };
}

/** Length of the escape starting with the backslash at `at` (`\x41`, `\u{1F600}`, `\k<name>`, `\12`). */
function escapeLength(source: string, at: number): number {
  const c = source[at + 1]!;
  const rest = source.slice(at + 2);
  let m: RegExpExecArray | null = null;
  if (c === 'x') m = /^[0-9A-Fa-f]{2}/.exec(rest);
  else if (c === 'u') m = /^(?:\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{4})/.exec(rest);
  else if (c === 'c') m = /^[A-Za-z]/.exec(rest);
  else if (c === 'k') m = /^<[^>]*>/.exec(rest);
  else if (c === 'p' || c === 'P') m = /^\{[^}]*\}/.exec(rest);
  else if (c >= '0' && c <= '9') m = /^[0-9]*/.exec(rest);
  return 2 + (m ? m[0].length : 0);
}
