// The unified diff shown on a mismatch.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { SourcePos } from '../lab/model.js';
import { formatPos } from '../errors.js';

function asFileText(text: string): string {
  return text === '' ? '' : `${text.replace(/\n+$/, '')}\n`;
}

/**
 * Unified diff of (resolved) expected text against actual text, with the lab position in the
 * header: `--- expected (lab.md:42)` / `+++ actual`. Both sides are taken as normalised text.
 */
export function formatDiff(expected: string, actual: string, where?: SourcePos | string, context = 3): string {
  // file:line only: the column of a fence adds nothing to a diff header.
  const label = typeof where === 'string' ? where : where ? formatPos({ file: where.file, line: where.line }) : '';
  const patch = createTwoFilesPatch(label ? `expected (${label})` : 'expected', 'actual', asFileText(expected), asFileText(actual), undefined, undefined, {
    context,
    headerOptions: FILE_HEADERS_ONLY,
  });
  return patch.endsWith('\n') ? patch.slice(0, -1) : patch;
}
