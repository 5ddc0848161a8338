import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/lab/duration.js';
import { idFromFile, slugify, SlugRegistry } from '../../src/lab/slug.js';
import { nearest } from '../../src/lab/suggest.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['0s', 0],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '90', 's', '1 m', 'abc', '1d', '-1s', '1s ', '1.s'])('%j is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('slugs', () => {
  it('slugify', () => {
    expect(slugify('Check the "kubelet" flag!')).toBe('check-the-kubelet-flag');
    expect(slugify('Überprüfung ñ')).toBe('uberprufung-n');
    expect(slugify('!!!')).toBe('step');
  });

  it('duplicates get -2, -3', () => {
    const r = new SlugRegistry(['cleanup']);
    expect(['a', 'a', 'a', 'cleanup'].map((s) => r.claim(s))).toEqual(['a', 'a-2', 'a-3', 'cleanup-2']);
  });

  it('ids from file names', () => {
    expect(idFromFile('labs/Kubelet AuthZ.md')).toBe('kubelet-authz');
    expect(idFromFile('C:\\labs\\x.markdown')).toBe('x');
    expect(idFromFile('')).toBe('lab');
  });
});

describe('nearest', () => {
  it('suggests plausible typos only', () => {
    expect(nearest('tiemout', ['timeout', 'name'])).toBe('timeout');
    expect(nearest('unorderd', ['unordered'])).toBe('unordered');
    expect(nearest('tags', ['title', 'id', 'timeout'])).toBeUndefined();
  });
});
