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

describe('attributes that do nothing together (warnings, at the attribute)', () => {
  it('points without verify', () => {
    expect(lintSummary(lines('## S', `${fence}sh { points=2 }`, 'true', fence))).toEqual(['2:9 warning attribute-no-effect']);
    expect(lintSummary(lines('## S', `${fence}sh { verify points=2 }`, 'true', fence))).toEqual([]);
    expect(lintSummary(lines('## S', `${fence}access-review { as=u points=1 }`, 'metrics yes', fence))).toEqual(['2:25 warning attribute-no-effect']);
    const [d] = lintLab(lines('## S', `${fence}sh { points=2 }`, 'true', fence), 'lab.md');
    expect(d!.message).toBe('`points` has no effect: only `verify` blocks are graded');
  });

  it('running attributes on hint and solution blocks, which are only shown', () => {
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, `${fence}sh { hint retry=30s timeout=5s }`, 'kubectl get pods', fence))).toEqual(['5:14 warning attribute-no-effect', '5:24 warning attribute-no-effect']);
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, `${fence}sh { solution exit=1 secret skip }`, 'false', fence))).toEqual(['5:18 warning attribute-no-effect', '5:25 warning attribute-no-effect']);
    expect(lintSummary(lines('## S', `${fence}console { hint retry=5s }`, '$ true', fence))).toEqual(['2:19 warning attribute-no-effect']);
    // A bad value is an error already, not also a warning.
    expect(lintSummary(lines('## S', `${fence}sh { hint exit=256 }`, 'true', fence))).toEqual(['2:14 error bad-attribute']);
  });

  it('cleanup with skip, in a step or in the Cleanup section', () => {
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, `${fence}sh { cleanup skip }`, 'rm -f x', fence))).toEqual(['5:9 warning attribute-no-effect']);
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, '## Cleanup', `${fence}sh { skip }`, 'rm -f x', fence))).toEqual(['6:9 warning attribute-no-effect']);
  });

  it('captures in a cleanup block or in the Cleanup section, at the capture', () => {
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, `${fence}sh { cleanup }`, 'kubectl delete ns x', fence, `${fence}text`, 'namespace "{{ns}}" deleted', fence))).toEqual(['9:12 warning attribute-no-effect']);
    expect(lintSummary(lines('## S', `${fence}sh`, 'true', fence, '## Cleanup', `${fence}console`, '$ echo gone', '(?<what>\\w+) (re)', fence))).toEqual(['8:4 warning attribute-no-effect']);
    const d = lintLab(lines('## S', `${fence}sh`, 'true', fence, '## Cleanup', `${fence}sh`, 'echo gone', fence, `${fence}text`, '{{what}}', fence), 'lab.md').find((x) => x.code === 'attribute-no-effect');
    expect(d!.message).toMatch(/capture what in a cleanup block: .*no later block can use it/);
    // In a step, captures are what later blocks use.
    expect(lintSummary(lines('## S', `${fence}sh`, 'echo a', fence, `${fence}text`, '{{what}}', fence))).toEqual([]);
  });

  it('a kubelet-config timeout under the restart check floor (about 30 s)', () => {
    const kc = (attrs: string) => lines('## S', `${fence}kubelet-config { node=worker${attrs} }`, 'a: 1', fence);
    expect(lintSummary(kc(' timeout=10s'))).toEqual(['2:33 warning short-timeout']);
    expect(lintSummary(kc(' timeout=30s'))).toEqual([]);
    expect(lintSummary(kc(''))).toEqual([]);
    expect(lintSummary(`---\ntimeout: 20s\n---\n${kc('')}`)).toEqual(['5:1 warning short-timeout']);
    expect(lintSummary(`---\ntimeout: 20s\n---\n${kc(' timeout=2m')}`)).toEqual([]);
    const [d] = lintLab(kc(' timeout=10s'), 'lab.md');
    expect(d!.message).toMatch(/`timeout=10s` is shorter than a kubelet restart check needs .*about 30 s/);
  });
});

describe('access-review names nothing serves (warnings: such a review always answers no)', () => {
  it('warns at a verb RBAC does not know, with the nearest one', () => {
    expect(lintSummary(lines('## S', `${fence}access-review { as=u verb=gett }`, 'metrics no', fence))).toEqual(['2:25 warning unknown-rbac-name']);
    const [d] = lintLab(lines('## S', `${fence}access-review { as=u verb=gett }`, 'metrics no', fence), 'l.md').filter((x) => x.code === 'unknown-rbac-name');
    expect(d!.hint).toMatch(/^did you mean `get`\?/);
  });
  it('warns at a node subresource neither the API server nor the kubelet serves, row by row', () => {
    expect(lintSummary(lines('## S', `${fence}access-review { as=u }`, 'metrics yes', 'metricz no', '- no', 'configz no', 'status no', fence))).toEqual(['4:1 warning unknown-rbac-name']);
  });
  it('knows the special verbs and leaves other resources to the cluster\'s discovery', () => {
    expect(lintSummary(lines('## S', `${fence}access-review { as=u verb=impersonate resource=serviceaccounts }`, '- yes', fence))).toEqual([]);
    expect(lintSummary(lines('## S', `${fence}access-review { as=u verb=get resource=widgets.example.com }`, 'anything no', fence))).toEqual([]);
  });
  it('takes a namespace (a DNS label)', () => {
    expect(lintSummary(lines('## S', `${fence}access-review { as=u namespace=kauthz }`, 'metrics yes', fence))).toEqual([]);
    expect(lintSummary(lines('## S', `${fence}access-review { as=u namespace=Bad_NS }`, 'metrics yes', fence))).toEqual(['2:25 error bad-attribute']);
  });
});
