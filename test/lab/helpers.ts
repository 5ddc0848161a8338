// Lab sources for tests, one array entry per line: entry k is line k + 1.
import { lintLab } from '../../src/lab/parse.js';

export const lines = (...ls: string[]): string => ls.join('\n') + '\n';
export const fence = '```';

/** Diagnostics as `line:col severity code` strings, in source order. */
export function lintSummary(source: string, file = 'lab.md'): string[] {
  return lintLab(source, file).map((d) => `${d.pos.line}:${d.pos.col ?? ''} ${d.severity} ${d.code}`);
}
