// Building Lab objects directly (the engine tests do not depend on the parser).
import type { BlockAttrs, ExpectedOutput, Lab, ShBlock, Step } from '../../src/lab/model.js';
import type { Reporter } from '../../src/report/types.js';
import type { RunEvent } from '../../src/engine/types.js';

export function attrs(a: Partial<BlockAttrs> = {}): BlockAttrs {
  return { cleanup: false, verify: false, hint: false, solution: false, skip: false, unordered: false, secret: false, stream: 'both', raw: {}, ...a };
}

let line = 10;

export function sh(command: string, opts: { expected?: string; stream?: ExpectedOutput['stream']; attrs?: Partial<BlockAttrs> } = {}): Omit<ShBlock, 'id'> {
  const pos = { file: 'lab.md', line: (line += 5) };
  return {
    kind: 'sh',
    pos,
    command,
    attrs: attrs(opts.attrs),
    ...(opts.expected !== undefined ? { expected: { text: opts.expected, pos: { file: 'lab.md', line: pos.line + 3 }, unordered: false, stream: opts.stream ?? 'both', fromConsole: false } } : {}),
  };
}

export function lab(file: string, steps: Array<[string, Array<Omit<ShBlock, 'id'>>]>, extra: Partial<Lab> & { cleanupBlocks?: Array<Omit<ShBlock, 'id'>> } = {}): Lab {
  const slug = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const built: Step[] = steps.map(([title, blocks], index) => ({
    index,
    title,
    slug: slug(title),
    pos: { file, line: index * 20 + 1 },
    prose: '',
    blocks: blocks.map((b, n) => ({ ...b, id: `${slug(title)}/${n + 1}` }) as ShBlock),
  }));
  const { cleanupBlocks, ...rest } = extra;
  return {
    file,
    source: '',
    title: 'Test lab',
    id: 'test-lab',
    cluster: { provider: 'none' },
    vars: {},
    timeout: 20_000,
    steps: built,
    cleanup: (cleanupBlocks ?? []).map((b, n) => ({ ...b, id: `cleanup/${n + 1}`, attrs: { ...b.attrs, cleanup: true } }) as ShBlock),
    ...rest,
  };
}

/** A reporter that records every event. */
export function recorder(): Reporter & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  const push = (e: RunEvent) => void events.push(e);
  return {
    events,
    onRunStart: push,
    onProgress: push,
    onStepStart: push,
    onBlockStart: push,
    onBlockOutput: push,
    onBlockEnd: push,
    onStepEnd: push,
    onCleanupStart: push,
    onCleanupEnd: push,
    onRunEnd: push,
  };
}
