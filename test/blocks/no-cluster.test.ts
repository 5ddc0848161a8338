import { describe, expect, it } from 'vitest';
import type { ExecContext } from '../../src/engine/types.js';
import type { Block, Lab } from '../../src/lab/model.js';
import { BLOCKS } from '../../src/blocks/registry.js';

const pos = { file: 'lab.md', line: 12 };
const attrs = { cleanup: false, verify: false, hint: false, solution: false, skip: false, unordered: false, secret: false, stream: 'both' as const, raw: {} };
const lab: Lab = { file: 'lab.md', source: '', title: 't', id: 't', cluster: { provider: 'none' }, vars: {}, timeout: 1000, steps: [], cleanup: [] };
const registered: unknown[] = [];
const ctx: ExecContext = {
  lab,
  phase: 'step',
  shell: undefined as never,
  vars: {},
  registerUndo: async (u) => (registered.push(u), 'u1'),
  dropUndo: async () => {},
  isUndoPending: () => false,
  signal: new AbortController().signal,
  timeoutMs: 1000,
  progress: () => {},
};

describe('typed blocks in a lab without a cluster', () => {
  const blocks: Block[] = [
    { kind: 'apply', id: 's/1', pos, attrs, yaml: '', documents: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }] },
    { kind: 'kubelet-config', id: 's/2', pos, attrs, node: 'worker', patch: { a: 1 } },
    { kind: 'access-review', id: 's/3', pos, attrs, subject: { kind: 'user', user: 'u', groups: [] }, verb: 'get', resource: 'nodes', rows: [{ subresource: 'metrics', allowed: true, line: 13 }] },
  ];
  it.each(blocks.map((b) => [b.kind, b] as const))('%s fails with where and how to fix it, registering nothing', async (_kind, block) => {
    const err = (await (BLOCKS[block.kind].execute as (b: Block, c: ExecContext) => Promise<unknown>)(block, ctx).catch((e: unknown) => e)) as { code?: string; message: string; pos?: unknown; hint?: string };
    expect(err.code).toBe('no-cluster');
    expect(err.message).toContain(`a ${block.kind} block needs a cluster`);
    expect(err.pos).toEqual(pos);
    expect(err.hint).toMatch(/provider: kind/);
    expect(registered).toEqual([]);
  });
});
