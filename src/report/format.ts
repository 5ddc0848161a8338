// Small text helpers shared by the reporters (output tails, summaries).
import type { RunReport } from '../engine/types.js';
import { stripAnsi } from '../text/ansi.js';

/** The last `n` lines of `text` (without a trailing empty line), and how many were left out. */
export function tailLines(text: string, n: number): { lines: string[]; omitted: number } {
  const all = text.replace(/\n$/, '').split('\n');
  if (text === '') return { lines: [], omitted: 0 };
  const lines = all.slice(-n);
  return { lines, omitted: all.length - lines.length };
}

/** First line of a command, shortened for one-line display. */
export function oneLine(text: string, max = 72): string {
  const first = text.split('\n', 1)[0] ?? '';
  const more = text.includes('\n');
  const cut = first.length > max ? `${first.slice(0, max - 1)}…` : first;
  return more && cut === first ? `${cut} …` : cut;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `3 passed, 1 failed, 2 skipped` (zero counts other than passed left out). */
export function summaryCounts(report: RunReport): string {
  const s = report.summary;
  const parts = [`${s.passed} passed`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.errors) parts.push(`${s.errors} errors`.replace(/^1 errors/, '1 error'));
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  return parts.join(', ');
}

/** Program output made safe to print: escape sequences removed, other control characters shown as `\uXXXX`. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return stripAnsi(text).replace(/[\x00-\x08\x0B-\x1F\x7F]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
