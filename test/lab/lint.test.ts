import { describe, expect, it } from 'vitest';
import { lintLab } from '../../src/lab/parse.js';
import { fence, lines, lintSummary } from './helpers.js';

describe('lintLab', () => {
  it('a clean lab has no diagnostics', () => {
    expect(lintLab(lines('## S', `${fence}sh`, 'echo hi', fence, `${fence}output`, 'hi', fence), 'lab.md')).toEqual([]);
  });

  it('every diagnostic says what, where and what to do', () => {
    const [d] = lintLab(lines('## S', `${fence}sh { timeout=abc }`, 'true', fence), 'x.md');
    expect(d).toEqual({
      severity: 'error',
      code: 'bad-attribute',
      pos: { file: 'x.md', line: 2, col: 9 },
      message: 'bad value `timeout=abc`: not a duration',
      hint: 'e.g. `timeout=90s` (units: ms, s, m, h)',
    });
  });

  it('suggests the nearest known attribute', () => {
    const [d] = lintLab(lines('## S', `${fence}sh { unorderd }`, 'true', fence), 'lab.md');
    expect(d!.hint).toMatch(/^did you mean `unordered`\?/);
  });

  it('an output fence must follow its command with only blank lines between', () => {
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, 'prose', `${fence}output`, 'x', fence))).toEqual(['6:1 error orphan-output']);
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, '', '', `${fence}output`, '', fence))).toEqual([]);
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, `${fence}output`, '', fence, `${fence}output`, '', fence))).toEqual(['8:1 error orphan-output']);
    expect(lintSummary(lines('## S', `${fence}apply`, 'apiVersion: v1', 'kind: Namespace', 'metadata: {name: a}', fence, `${fence}output`, 'x', fence))).toEqual(['7:1 error orphan-output']);
  });

  it('a text fence away from a command is an illustration; with attributes it is suspicious', () => {
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, 'prose', `${fence}text`, 'x', fence))).toEqual([]);
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, 'prose', `${fence}text { unordered }`, 'x', fence))).toEqual(['6:1 warning text-with-attributes']);
  });

  it('stream may stand on the command or on the output, not contradict', () => {
    expect(lintSummary(lines('## S', `${fence}sh { stream=stdout }`, 'true', fence, `${fence}output { stream=stderr }`, '', fence))).toEqual(['5:1 error bad-attribute']);
    expect(lintSummary(lines('## S', `${fence}sh { unordered }`, 'true', fence))).toEqual(['2:1 warning attribute-no-effect']);
  });

  it('duplicate names are errors, duplicate step titles warnings', () => {
    expect(lintSummary(lines('## A', `${fence}sh { name=x }`, '1', fence, `${fence}sh { name=x }`, '2', fence, '## A', `${fence}sh { name=x }`, '3', fence))).toEqual([
      '5:1 error duplicate-block-name',
      '8:1 warning duplicate-step',
    ]);
  });

  it('names cannot look like positional ids', () => {
    expect(lintSummary(lines('## A', `${fence}sh { name=2 }`, '1', fence))).toEqual(['2:9 error bad-attribute']);
  });

  it('typed blocks need their subject attributes and read-only verify', () => {
    expect(lintSummary(lines('## A', `${fence}kubelet-config { verify }`, 'a: 1', fence))).toEqual(['2:1 error missing-attribute', '2:1 error bad-attribute']);
  });

  it('a lab with nothing to run is an error at line 1: no steps, or steps without blocks', () => {
    expect(lintSummary(lines('# Just prose'))).toEqual(['1: error no-steps']);
    expect(lintSummary('')).toEqual(['1: error no-steps']);
    expect(lintSummary('\0\u0001\u0002binary\0')).toEqual(['1: error no-steps']);
    expect(lintSummary(lines('## Read this', 'prose', '## And this', `${fence}yaml`, 'a: 1', fence))).toEqual(['1: error no-steps', '1:1 warning empty-step', '3:1 warning empty-step']);
    expect(lintSummary(lines('## Cleanup', `${fence}sh`, 'true', fence))).toEqual(['1: error no-steps']);
    const [d] = lintLab(lines('# Title', 'Only prose.'), 'notes.md');
    expect(d).toEqual({
      severity: 'error',
      code: 'no-steps',
      pos: { file: 'notes.md', line: 1 },
      message: 'notes.md has no steps to learn, run or grade',
      hint: expect.stringMatching(/a step is a level-2 heading \(`## Step title`\) with a `sh` block/),
    });
    expect(lintSummary(lines('## S', 'prose', '## T', `${fence}sh`, 'true', fence))).toEqual(['1:1 warning empty-step']);
  });

  it('fences in blockquotes are not run (warning); other languages are ignored', () => {
    expect(lintSummary(lines('## S', `> ${fence}sh`, '> echo hi', `> ${fence}`, '', `${fence}go`, 'package main', fence, `${fence}sh`, 'true', fence))).toEqual(['2:3 warning fence-in-blockquote']);
  });

  it('an unclosed fence inside a list item is reported at its opening line', () => {
    expect(lintSummary(lines('## S', '- item', '', `  ${fence}sh`, '  echo hi', '- next'))).toEqual(['4:3 error unclosed-fence']);
  });

  it('an unclosed illustration fence at top level is reported too (it hides the rest of the lab)', () => {
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, `${fence}yaml`, 'a: 1', '## Next'))).toEqual(['5:1 error unclosed-fence']);
  });

  it('capture and regex syntax in expected output is checked at its line', () => {
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, `${fence}output`, 'fine', '[ (re)', fence))).toEqual(['7:1 error bad-expected']);
    expect(lintSummary(lines('## S', `${fence}console`, '$ true', 'fine', '[ (re)', fence))).toEqual(['5:1 error bad-expected']);
  });
});
