import { describe, expect, it } from 'vitest';
import { boundBlockResult, boundReport, cutMarker, DEFAULT_MAX_OUTPUT_BYTES, formatBytes, headOutput, tailOutput } from '../../src/report/bound.js';
import { sampleRun } from './events.js';

describe('tailOutput', () => {
  it('keeps short text as it is', () => {
    expect(tailOutput('hello\n')).toEqual({ text: 'hello\n', cut: 0 });
    const exact = 'a'.repeat(DEFAULT_MAX_OUTPUT_BYTES);
    expect(tailOutput(exact)).toEqual({ text: exact, cut: 0 });
  });

  it('keeps the last bytes, from a line start, behind a marker that says how much was cut', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${String(i).padStart(4, '0')}`).join('\n') + '\n';
    const { text, cut } = tailOutput(lines, 1000);
    expect(text.startsWith(`${cutMarker(cut)}\n`)).toBe(true);
    const kept = text.slice(text.indexOf('\n') + 1);
    expect(kept.startsWith('line ')).toBe(true);
    expect(kept.endsWith('line 0999\n')).toBe(true);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(1000);
    expect(cut + Buffer.byteLength(kept)).toBe(Buffer.byteLength(lines));
  });

  it('never splits a multi-byte character', () => {
    const text = 'é'.repeat(5000); // 2 bytes each, no newline
    const { text: out, cut } = tailOutput(text, 1001);
    const kept = out.slice(out.indexOf('\n') + 1);
    expect(kept).toBe('é'.repeat(500));
    expect(cut).toBe(10000 - 1000);
  });

  it('says 49.9 MB for the tail of 50 MiB', () => {
    const big = 'z'.repeat(50 * 1024 * 1024);
    const { text, cut } = tailOutput(big);
    expect(cut).toBe(50 * 1024 * 1024 - DEFAULT_MAX_OUTPUT_BYTES);
    expect(text.startsWith('[… 49.9 MB cut …]\n')).toBe(true);
    expect(text.length).toBe('[… 49.9 MB cut …]\n'.length + DEFAULT_MAX_OUTPUT_BYTES);
  });

  it('formats sizes', () => {
    expect(formatBytes(10)).toBe('10 B');
    expect(formatBytes(64 * 1024)).toBe('64.0 KB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
  });
});

describe('headOutput (diffs)', () => {
  it('keeps the start and marks the end as cut', () => {
    const diff = '--- expected\n+++ actual\n' + Array.from({ length: 500 }, (_, i) => `+row ${i}`).join('\n') + '\n';
    const { text, cut } = headOutput(diff, 400);
    expect(text.startsWith('--- expected\n+++ actual\n+row 0\n')).toBe(true);
    expect(text.endsWith(`\n${cutMarker(cut)}\n`)).toBe(true);
    expect(cut).toBeGreaterThan(0);
  });
});

describe('boundReport', () => {
  it('bounds output, stdout, stderr of every block and cleanup item, records `truncated`, and leaves the input alone', () => {
    const { report } = sampleRun();
    const block = report.steps[1]!.blocks[0]!;
    block.stdout = 'o'.repeat(5000);
    block.output = 'b'.repeat(6000);
    block.stderr = 'short';
    report.cleanup[1]!.output = 'c'.repeat(3000);
    const bounded = boundReport(report, { maxOutputBytes: 1024 });
    const b = bounded.steps[1]!.blocks[0]!;
    expect(b.truncated).toEqual({ stdout: 5000 - 1024, output: 6000 - 1024 });
    expect(b.stdout).toBe(`${cutMarker(5000 - 1024)}\n${'o'.repeat(1024)}`);
    expect(b.stderr).toBe('short');
    expect(bounded.cleanup[1]!.truncated).toEqual({ output: 3000 - 1024 });
    expect(bounded.steps[0]!.blocks[0]!.truncated).toBeUndefined();
    // the report itself is unchanged
    expect(block.stdout.length).toBe(5000);
    expect(boundBlockResult(report.steps[0]!.blocks[0]!)).toBe(report.steps[0]!.blocks[0]!);
  });
});
