// Which backup of the kubelet config a block may use: its own run's (reused), another unfinished
// run's (refused, nothing changed), or one nobody owns (moved aside, never restored; the config as
// it is now backed up). Node and journal are in-memory stand-ins; test/blocks/kubelet-config.e2e.test.ts
// runs the same on a real cluster.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { ExecContext } from '../../src/engine/types.js';
import type { Lab } from '../../src/lab/model.js';
import type { Undo } from '../../src/model/undo.js';
import type { NodeAccess } from '../../src/node/types.js';
import { KUBELET_CONFIG_PATH, ownBackup } from '../../src/blocks/kubelet-config.js';

const BAK = `${KUBELET_CONFIG_PATH}.kubelab.bak`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const lab: Lab = { file: 'lab.md', source: '', title: 't', id: 't', cluster: { provider: 'none' }, vars: {}, timeout: 1000, steps: [], cleanup: [] };

function fakeNode(files: Map<string, string>): NodeAccess {
  const node: Partial<NodeAccess> = {
    name: 'w1',
    ref: { transport: 'docker', container: 'w1' },
    async backup(path) {
      const b = `${path}.kubelab.bak`;
      const created = !files.has(b);
      if (created) files.set(b, files.get(path)!);
      return { backupPath: b, created, sha256: sha(files.get(b)!) };
    },
    async moveAside(path) {
      const aside = `${path}.stale-20261203T000000Z`;
      files.set(aside, files.get(path)!);
      files.delete(path);
      return aside;
    },
  };
  return node as NodeAccess;
}

function fakeCtx(own: Undo[], elsewhere: Undo[] = []): ExecContext & { said: string[] } {
  const said: string[] = [];
  return {
    lab,
    phase: 'step',
    shell: undefined as never,
    vars: {},
    registerUndo: async (u) => (own.push(u), `u${own.length}`),
    dropUndo: async () => {},
    isUndoPending: (m) => own.some(m),
    undoPendingElsewhere: (m) => (elsewhere.some(m) ? '/labs/other.md' : undefined),
    signal: new AbortController().signal,
    timeoutMs: 1000,
    progress: (l) => said.push(l),
    said,
  };
}
const cluster = { kubeconfigPath: '/k/config', context: 'kind-x' };
const restore = (sha256: string): Undo => ({ kind: 'restore-file', label: 'r', node: { transport: 'docker', container: 'w1' }, path: KUBELET_CONFIG_PATH, backupPath: BAK, sha256, restartService: 'kubelet' });

describe('ownBackup', () => {
  it('backs up and journals the undo with the sha256 and where to ask /healthz', async () => {
    const files = new Map([[KUBELET_CONFIG_PATH, 'original\n']]);
    const own: Undo[] = [];
    const r = await ownBackup(fakeNode(files), fakeCtx(own), () => {}, cluster);
    expect(r).toEqual({ backupPath: BAK, undoId: 'u1' });
    expect(own).toEqual([{ ...restore(sha('original\n')), label: `restore ${KUBELET_CONFIG_PATH} on w1`, healthz: { kubeconfig: '/k/config', context: 'kind-x', nodeName: 'w1' } }]);
  });

  it('reuses the backup its own run made, registering nothing more', async () => {
    const files = new Map([[KUBELET_CONFIG_PATH, 'changed\n'], [BAK, 'original\n']]);
    const own = [restore(sha('original\n'))];
    expect(await ownBackup(fakeNode(files), fakeCtx(own), () => {}, cluster)).toEqual({ backupPath: BAK });
    expect(own).toHaveLength(1);
    expect(files.get(BAK)).toBe('original\n');
  });

  it('moves a backup nobody owns aside and backs up the config as it is now', async () => {
    const files = new Map([[KUBELET_CONFIG_PATH, 'now\n'], [BAK, 'stale\n']]);
    const own: Undo[] = [];
    const ctx = fakeCtx(own);
    const said: string[] = [];
    const r = await ownBackup(fakeNode(files), ctx, (l) => said.push(l), cluster);
    expect(r).toEqual({ backupPath: BAK, undoId: 'u1' });
    expect(files.get(BAK)).toBe('now\n');
    expect(files.get(`${BAK}.stale-20261203T000000Z`)).toBe('stale\n');
    expect(own).toMatchObject([{ sha256: sha('now\n') }]);
    expect(said[0]).toMatch(/was already there and no run in this state dir made it: kept it aside as .*\.stale-20261203T000000Z, not restored/);
    expect(ctx.said).toEqual(said);
  });

  it('refuses a backup another unfinished run still restores, touching nothing', async () => {
    const files = new Map([[KUBELET_CONFIG_PATH, 'changed\n'], [BAK, 'original\n']]);
    const own: Undo[] = [];
    const r = await ownBackup(fakeNode(files), fakeCtx(own, [restore(sha('original\n'))]), () => {}, cluster);
    expect(r).toMatchObject({ refused: expect.stringMatching(/belongs to an unfinished run of \/labs\/other\.md/), hint: expect.stringMatching(/kubelab cleanup/) });
    expect(own).toEqual([]);
    expect([...files.keys()]).toEqual([KUBELET_CONFIG_PATH, BAK]);
  });
});
