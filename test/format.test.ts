import { describe, expect, it } from 'vitest';
import { formatDuration } from '../src/format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [999.7, '1s'],
    [5000, '5s'],
    [1500, '1.5s'],
    [59_960, '1m'],
    [120_000, '2m'],
    [90_000, '1m30s'],
    [65_000, '1m05s'],
    [-1, '0ms'],
    [Number.NaN, '0ms'],
  ])('words: %s ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [0, '0.0s'],
    [400, '0.4s'],
    [12_345, '12.3s'],
    [59_960, '1m00s'],
    [125_000, '2m05s'],
    [3_600_000, '60m00s'],
  ])('timing: %s ms is %s', (ms, text) => {
    expect(formatDuration(ms, { style: 'timing' })).toBe(text);
  });
});
