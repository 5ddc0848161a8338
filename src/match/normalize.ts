// Turning terminal text into comparable lines: what a person reading the terminal would see,
// without colour codes, carriage-return progress bars or trailing blanks.
import { stripAnsi } from '../text/ansi.js';

export { stripAnsi };

/**
 * A line with bare carriage returns as a terminal leaves it: each `\r` moves back to column 0
 * and the text after it overwrites what was there (`50%\r100%` shows `100%`).
 */
function applyCarriageReturns(line: string): string {
  if (!line.includes('\r')) return line;
  const parts = line.split('\r');
  let screen = parts[0]!;
  for (let k = 1; k < parts.length; k++) {
    const part = parts[k]!;
    screen = part.length >= screen.length ? part : part + screen.slice(part.length);
  }
  return screen;
}

/**
 * Normalised lines of terminal or lab text: escapes stripped, CRLF and bare CR handled,
 * trailing whitespace of each line and trailing empty lines dropped. Empty text has no lines.
 */
export function normalizeLines(text: string): string[] {
  const lines = stripAnsi(text)
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => applyCarriageReturns(line).trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `normalizeLines` joined back with `\n` (no final newline). */
export function normalizeText(text: string): string {
  return normalizeLines(text).join('\n');
}
