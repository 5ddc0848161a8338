import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError } from '../../src/errors.js';
import { lintLab, parseLab } from '../../src/lab/parse.js';
import { lintSummary } from './helpers.js';

const root = join(import.meta.dirname, '../fixtures/labs');
const mdFiles = (dir: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.md')).sort();
const read = (dir: string, f: string) => readFileSync(join(root, dir, f), 'utf8');

describe('valid fixtures', () => {
  for (const dir of ['passing', 'failing', 'typed']) {
    for (const f of mdFiles(dir)) {
      it(`${dir}/${f} lints clean and parses`, () => {
        const src = read(dir, f);
        expect(lintLab(src, f)).toEqual([]);
        const lab = parseLab(src, f);
        expect(lab.steps.length).toBeGreaterThan(0);
        for (const step of lab.steps) for (const b of step.blocks) expect(b.id.startsWith(`${step.slug}/`)).toBe(true);
      });
    }
  }
});

describe('malformed fixtures', () => {
  const expected = JSON.parse(readFileSync(join(root, 'malformed/expected.json'), 'utf8')) as Record<string, string[]>;

  it('every malformed fixture has its expectations', () => {
    expect(Object.keys(expected).sort()).toEqual(mdFiles('malformed'));
  });

  for (const f of mdFiles('malformed')) {
    it(`${f}: exact diagnostics, and parseLab throws the first error`, () => {
      const src = read('malformed', f);
      expect(lintSummary(src, f)).toEqual(expected[f]);
      const firstError = lintLab(src, f).find((d) => d.severity === 'error')!;
      let thrown: unknown;
      try {
        parseLab(src, f);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(LabError);
      const err = thrown as LabError;
      expect(err.pos).toEqual(firstError.pos);
      expect(err.code).toBe(firstError.code);
      expect(err.message.startsWith(`${f}:${firstError.pos.line}:`)).toBe(true);
    });
  }
});
