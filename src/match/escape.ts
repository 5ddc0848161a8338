// Writing real output as expected text that matches exactly that output (used by `update`).
import { normalizeLines } from './normalize.js';
import { isEllipsisLine, REGEX_SUFFIX } from './pattern.js';

/**
 * `text` as a regex source matching exactly it, valid with the `u` flag `(re)` lines are compiled
 * with: only syntax characters are escaped (`\-` would be an error in Unicode mode).
 */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * One actual line as an expected line matching it. A line that would read as `...` or as a
 * regex becomes an escaped regex line; `{{` becomes `{{{{`. An in-line `...` stays as it is:
 * it matches any text, including the three dots themselves, and keeps the lab readable.
 */
export function escapeLine(line: string): string {
  if (isEllipsisLine(line) || line.endsWith(REGEX_SUFFIX)) return `${escapeRegex(line)}${REGEX_SUFFIX}`;
  return line.replaceAll('{{', '{{{{');
}

/** Real (terminal) output as expected text: normalised, each line escaped, no final newline. */
export function escapeLiteral(text: string): string {
  return normalizeLines(text).map(escapeLine).join('\n');
}
