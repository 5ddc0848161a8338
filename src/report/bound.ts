// Bounded output in reports. A block that prints 50 MB must not make a 300 MB JSON report, a
// 100 MB JUnit file or gigabytes of memory: reports keep the TAIL of each block's output (where
// the error usually is), say in the text how much was cut (`[… 49.9 MB cut …]`) and record it in
// a `truncated` field (docs/report-schema.md). The engine can call tailOutput on its own buffers.
import type { BlockResult, CleanupResult, RunReport } from '../engine/types.js';

/** Default per-field limit: the last 64 KiB of `output`, `stdout`, `stderr` (and of a cleanup item's output). */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

/** Bytes cut from the front of each bounded field (from the end, for `diff`). Only fields that were cut appear. */
export interface Truncated {
  output?: number;
  stdout?: number;
  stderr?: number;
  diff?: number;
}

export type BoundedBlockResult = BlockResult & { truncated?: Truncated };
export type BoundedCleanupResult = CleanupResult & { truncated?: Pick<Truncated, 'output'> };
export type BoundedRunReport = Omit<RunReport, 'steps' | 'cleanup'> & {
  steps: (Omit<RunReport['steps'][number], 'blocks'> & { blocks: BoundedBlockResult[] })[];
  cleanup: BoundedCleanupResult[];
};

export interface BoundOptions {
  /** Bytes (UTF-8) kept per field; default DEFAULT_MAX_OUTPUT_BYTES. */
  maxOutputBytes?: number;
}

/** `512 B`, `64.0 KB`, `49.9 MB` (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let n = bytes / 1024;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n.toFixed(1)} ${units[u]}`;
}

/** The line that stands for what was cut. */
export function cutMarker(bytes: number): string {
  return `[… ${formatBytes(bytes)} cut …]`;
}

const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The last `maxBytes` (UTF-8) of `text`, starting at a line when one starts near the front (first KiB) of
 * the kept part, preceded by a `[… N MB cut …]` line; `cut` is how many bytes were left out (0:
 * `text` is returned as is). Never splits a character.
 */
export function tailOutput(text: string, maxBytes = DEFAULT_MAX_OUTPUT_BYTES): { text: string; cut: number } {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: short strings need no measuring.
  if (text.length * 3 <= maxBytes) return { text, cut: 0 };
  const total = utf8Length(text);
  if (total <= maxBytes) return { text, cut: 0 };
  const bytes = Buffer.from(text, 'utf8');
  let start = bytes.length - Math.max(0, maxBytes);
  // Do not start inside a multi-byte character (continuation bytes are 10xxxxxx).
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  const newline = bytes.indexOf(0x0a, start);
  if (newline >= 0 && newline - start < Math.min(1024, maxBytes / 4) && newline + 1 < bytes.length) start = newline + 1;
  const kept = bytes.subarray(start).toString('utf8');
  return { text: `${cutMarker(start)}\n${kept}`, cut: start };
}

/** The first `maxBytes` of `text` (for diffs: the first difference matters most), then the marker. */
export function headOutput(text: string, maxBytes = DEFAULT_MAX_OUTPUT_BYTES): { text: string; cut: number } {
  if (text.length * 3 <= maxBytes) return { text, cut: 0 };
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, cut: 0 };
  let end = Math.max(0, maxBytes);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  const lastNewline = bytes.lastIndexOf(0x0a, end - 1);
  if (lastNewline >= 0 && end - lastNewline < Math.min(1024, maxBytes / 4)) end = lastNewline + 1;
  const kept = bytes.subarray(0, end).toString('utf8');
  const cut = bytes.length - end;
  return { text: `${kept}${kept.endsWith('\n') || kept === '' ? '' : '\n'}${cutMarker(cut)}\n`, cut };
}

/** A block result with its output fields bounded; the same object when nothing had to be cut. */
export function boundBlockResult(result: BlockResult, opts: BoundOptions = {}): BoundedBlockResult {
  const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const truncated: Truncated = { ...(result as BoundedBlockResult).truncated };
  const out: BoundedBlockResult = { ...result };
  let changed = false;
  for (const field of ['output', 'stdout', 'stderr'] as const) {
    const { text, cut } = tailOutput(result[field], max);
    if (cut > 0) {
      out[field] = text;
      truncated[field] = (truncated[field] ?? 0) + cut;
      changed = true;
    }
  }
  if (result.diff !== undefined) {
    const { text, cut } = headOutput(result.diff, max);
    if (cut > 0) {
      out.diff = text;
      truncated.diff = (truncated.diff ?? 0) + cut;
      changed = true;
    }
  }
  if (!changed) return result;
  out.truncated = truncated;
  return out;
}

export function boundCleanupResult(result: CleanupResult, opts: BoundOptions = {}): BoundedCleanupResult {
  if (result.output === undefined) return result;
  const { text, cut } = tailOutput(result.output, opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  if (cut === 0) return result;
  const previous = (result as BoundedCleanupResult).truncated?.output ?? 0;
  return { ...result, output: text, truncated: { output: previous + cut } };
}

/** The report with every block's and cleanup item's output bounded (a copy; the input is not changed). */
export function boundReport(report: RunReport, opts: BoundOptions = {}): BoundedRunReport {
  return {
    ...report,
    steps: report.steps.map((s) => ({ ...s, blocks: s.blocks.map((b) => boundBlockResult(b, opts)) })),
    cleanup: report.cleanup.map((c) => boundCleanupResult(c, opts)),
  };
}
