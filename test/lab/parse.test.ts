import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, type ShBlock } from '../../src/lab/model.js';
import { LabParseError, parseLab } from '../../src/lab/parse.js';
import { emptyAttrs } from '../../src/lab/attrs.js';
import { fence, lines } from './helpers.js';

const pos = (line: number, col = 1) => ({ file: 'lab.md', line, col });

describe('parseLab: a whole lab', () => {
  const src = lines(
    '---', //                                      1
    'title: Demo',
    'kubernetes: 1.30',
    'cluster: { provider: kind, name: demo }',
    'vars: { NS: demo, N: 3 }', //                  5
    'timeout: 2m',
    '---',
    '# Ignored title',
    '',
    'Intro **prose**.', //                         10
    '',
    '## First `step`',
    '',
    'Run it:',
    '', //                                         15
    `${fence}sh { name=hello timeout=30s }`,
    'echo hello',
    fence,
    `${fence}output { unordered }`,
    'hello', //                                    20
    fence,
    '',
    '### More',
    '',
    `${fence}yaml`, //                             25
    'shown: only',
    fence,
    '',
    '## Second',
    '', //                                         30
    '1. A list item:',
    '',
    `   ${fence}bash`,
    '   echo nested',
    `   ${fence}`, //                              35
    '',
    '## Cleanup',
    '',
    `${fence}sh`,
    'echo bye', //                                 40
    fence,
  );
  const lab = parseLab(src, 'lab.md');

  it('reads the front matter', () => {
    expect(lab).toMatchObject({
      file: 'lab.md',
      source: src,
      title: 'Demo',
      id: 'lab',
      kubernetes: '1.30',
      cluster: { provider: 'kind', name: 'demo' },
      vars: { NS: 'demo', N: '3' },
      timeout: 120_000,
      intro: 'Intro **prose**.',
      cleanupPos: pos(37),
    });
  });

  it('makes steps of level-2 headings, with prose minus lab fences', () => {
    expect(lab.steps.map((s) => [s.index, s.title, s.slug, s.pos])).toEqual([
      [0, 'First step', 'first-step', pos(12)],
      [1, 'Second', 'second', pos(29)],
    ]);
    expect(lab.steps[0]!.prose).toBe(['Run it:', '', '### More', '', '```yaml', 'shown: only', '```'].join('\n'));
    expect(lab.steps[1]!.prose).toBe('1. A list item:');
  });

  it('pairs a command with the output fence right after it', () => {
    const block = lab.steps[0]!.blocks[0] as ShBlock;
    expect(block).toEqual({
      kind: 'sh',
      id: 'first-step/hello',
      pos: pos(16),
      attrs: { ...emptyAttrs(), name: 'hello', timeout: 30_000, raw: { name: 'hello', timeout: '30s' } },
      command: 'echo hello',
      expected: { text: 'hello', pos: pos(19), unordered: true, stream: 'both', fromConsole: false },
    });
  });

  it('finds fences inside list items at their real line and column', () => {
    expect(lab.steps[1]!.blocks).toEqual([
      { kind: 'sh', id: 'second/1', pos: pos(33, 4), attrs: emptyAttrs(), command: 'echo nested' },
    ]);
  });

  it('puts Cleanup blocks in lab.cleanup, flagged cleanup', () => {
    expect(lab.cleanup).toEqual([{ kind: 'sh', id: 'cleanup/1', pos: pos(39), attrs: { ...emptyAttrs(), cleanup: true }, command: 'echo bye' }]);
  });

  it('defaults: id from the file name, title from the # heading, provider none, default timeout', () => {
    const lab = parseLab(lines('# My Lab', '', '## S', `${fence}sh`, 'true', fence), 'labs/Kubelet AuthZ.md');
    expect(lab).toMatchObject({ id: 'kubelet-authz', title: 'My Lab', cluster: { provider: 'none' }, vars: {}, timeout: DEFAULT_TIMEOUT_MS });
    expect(lab.kubernetes).toBeUndefined();
    expect(lab.intro).toBeUndefined();
  });
});

describe('parseLab: console blocks', () => {
  const src = lines(
    '## Step',
    `${fence}console { name=c unordered }`,
    '$ echo a',
    'a',
    '$ echo b \\', //  5
    '> c',
    'b c',
    '',
    '$ true',
    '', //            10
    fence,
  );
  const blocks = parseLab(src, 'lab.md').steps[0]!.blocks as ShBlock[];

  it('makes one block per `$ ` command, numbering names, output from the lines after it', () => {
    expect(blocks.map((b) => [b.id, b.pos.line, b.command, b.console, b.expected])).toEqual([
      ['step/c-1', 3, 'echo a', { index: 0 }, { text: 'a', pos: pos(4), unordered: true, stream: 'both', fromConsole: true }],
      ['step/c-2', 5, 'echo b \\\nc', { index: 1 }, { text: 'b c', pos: pos(7), unordered: true, stream: 'both', fromConsole: true }],
      // No lines after a command: it must print nothing (cram semantics).
      ['step/c-3', 9, 'true', { index: 2 }, { text: '', pos: pos(10), unordered: true, stream: 'both', fromConsole: true }],
    ]);
    expect(blocks.every((b) => b.attrs.name === 'c')).toBe(true);
  });
});

describe('parseLab: typed blocks', () => {
  const src = lines(
    '## Step',
    `${fence}apply`,
    'apiVersion: v1',
    'kind: Namespace',
    'metadata: { name: a }', // 5
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: b, namespace: a }',
    fence, //                   10
    `${fence}kubelet-config { node=worker }`,
    'authorization:',
    '  mode: Webhook',
    fence,
    `${fence}access-review { as=system:serviceaccount:ns:sa verb=list resource=nodes }`, // 15
    'SUBRESOURCE ALLOWED',
    'metrics yes',
    '| proxy | no |',
    '- yes',
    fence, //                   20
    `${fence}access-review { as=jane groups=devs,ops }`,
    'metrics no',
    fence,
  );
  const [apply, kubelet, review, user] = parseLab(src, 'lab.md').steps[0]!.blocks;

  it('apply: the YAML and its documents', () => {
    expect(apply).toMatchObject({
      kind: 'apply',
      id: 'step/1',
      pos: pos(2),
      documents: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'a' } },
      ],
    });
    expect(apply!.kind === 'apply' && apply.yaml.split('\n').length).toBe(7);
  });

  it('kubelet-config: node and patch', () => {
    expect(kubelet).toMatchObject({ kind: 'kubelet-config', id: 'step/2', pos: pos(11), node: 'worker', patch: { authorization: { mode: 'Webhook' } } });
  });

  it('access-review: subject, verb, resource and rows with their lines', () => {
    expect(review).toMatchObject({
      kind: 'access-review',
      id: 'step/3',
      subject: { kind: 'serviceaccount', namespace: 'ns', name: 'sa' },
      verb: 'list',
      resource: 'nodes',
      rows: [
        { subresource: 'metrics', allowed: true, line: 17 },
        { subresource: 'proxy', allowed: false, line: 18 },
        { subresource: '', allowed: true, line: 19 },
      ],
    });
    expect(user).toMatchObject({ subject: { kind: 'user', user: 'jane', groups: ['devs', 'ops'] }, verb: 'get', resource: 'nodes' });
  });
});

describe('parseLab: errors', () => {
  it('throws LabParseError with the first error, its position, hint and every diagnostic', () => {
    const src = lines('## S', `${fence}sh { tiemout=5s }`, 'true', fence, `${fence}output`, 'x', fence, '', `${fence}output`, 'y', fence);
    try {
      parseLab(src, 'lab.md');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LabParseError);
      const err = e as LabParseError;
      expect(err.code).toBe('unknown-attribute');
      expect(err.pos).toEqual(pos(2, 9));
      expect(err.message).toBe('lab.md:2:9: unknown attribute `tiemout` (and 1 more error; `kubelab lint lab.md` lists them)');
      expect(err.hint).toMatch(/^did you mean `timeout`\?/);
      expect(err.exitCode).toBe(2);
      expect(err.diagnostics.map((d) => d.pos.line)).toEqual([2, 9]);
    }
  });

  it('warnings alone do not throw', () => {
    expect(parseLab(lines('## Empty step', '', '## S', `${fence}sh`, 'true', fence), 'lab.md').steps).toHaveLength(2);
  });

  it('two parses of one source give independent labs', () => {
    const src = lines('## S', `${fence}sh`, 'true', fence);
    const a = parseLab(src, 'lab.md');
    a.steps[0]!.title = 'changed';
    expect(parseLab(src, 'lab.md').steps[0]!.title).toBe('S');
  });
});
