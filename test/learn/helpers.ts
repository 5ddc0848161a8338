// Hand-built labs for pure tests (the parser has its own tests; these pin the learner code to the model).
import type { Block, BlockAttrs, Lab, ShBlock, Step } from '../../src/lab/model.js';

export function attrs(over: Partial<BlockAttrs> = {}): BlockAttrs {
  return { cleanup: false, verify: false, hint: false, solution: false, skip: false, unordered: false, secret: false, stream: 'both', raw: {}, ...over };
}

export function sh(id: string, command: string, opts: { expected?: string; attrs?: Partial<BlockAttrs>; line?: number } = {}): ShBlock {
  return {
    kind: 'sh',
    id,
    pos: { file: 'lab.md', line: opts.line ?? 1 },
    attrs: attrs(opts.attrs),
    command,
    expected: opts.expected === undefined ? undefined : { text: opts.expected, pos: { file: 'lab.md', line: (opts.line ?? 1) + 3 }, unordered: !!opts.attrs?.unordered, stream: 'both', fromConsole: false },
  };
}

export function step(index: number, title: string, prose: string, blocks: Block[]): Step {
  return { index, title, slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'), pos: { file: 'lab.md', line: index * 10 + 1 }, prose, blocks };
}

export function lab(steps: Step[], over: Partial<Lab> = {}): Lab {
  return { file: 'lab.md', source: steps.map((s) => s.title).join('\n'), title: 'A test lab', id: 'test-lab', cluster: { provider: 'none' }, vars: {}, timeout: 10_000, steps, cleanup: [], ...over };
}
