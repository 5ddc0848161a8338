import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/lab/parse.js';
import { lines, lintSummary } from './helpers.js';

const step = ['', '## S', '```sh', 'true', '```'];

describe('front matter', () => {
  it('cluster shorthand, quoted and numeric scalars', () => {
    const lab = parseLab(lines('---', 'cluster: existing', 'kubernetes: 1.30', 'id: my-lab', 'title: "A: B"', '---', ...step), 'x.md');
    expect(lab).toMatchObject({ cluster: { provider: 'existing' }, kubernetes: '1.30', id: 'my-lab', title: 'A: B' });
  });

  it('an empty front matter is fine', () => {
    expect(parseLab(lines('---', '---', ...step), 'x.md').cluster).toEqual({ provider: 'none' });
  });

  it('`...` closes it too', () => {
    expect(parseLab(lines('---', 'title: T', '...', ...step), 'x.md').title).toBe('T');
  });

  it('wrong types and values at the line of the value', () => {
    expect(lintSummary(lines('---', 'title: [a]', 'id: "has space"', 'timeout: soon', 'vars: [A]', 'cluster:', '  name: x', '---', ...step))).toEqual([
      '2:1 error front-matter-type',
      '3:5 error front-matter-type',
      '4:10 error front-matter-type',
      '5:7 error front-matter-type',
      '6:1 error front-matter-type',
    ]);
  });

  it('provider none with a name is a warning; a non-mapping front matter an error', () => {
    expect(lintSummary(lines('---', 'cluster: { provider: none, name: x }', '---', ...step))).toEqual(['2:1 warning front-matter-type']);
    expect(lintSummary(lines('---', '- a', '---', ...step))).toEqual(['2:1 error front-matter-type']);
  });

  it('duplicate keys are YAML errors', () => {
    expect(lintSummary(lines('---', 'title: a', 'title: b', '---', ...step))).toEqual(['3:1 error front-matter-yaml']);
  });

  it('the front matter is not markdown: a `## x` line in it is no step', () => {
    const lab = parseLab(lines('---', 'title: |', '  ## not a step', '---', ...step), 'x.md');
    expect(lab.steps.map((s) => s.title)).toEqual(['S']);
  });
});
