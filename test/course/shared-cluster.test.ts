// CourseClusters with a fake kind provider and cluster list: which labs share a cluster, who
// creates it (the course, journaled in the course's own journal; never a lab's journal), when
// the course deletes it (every lab on it finished, or asked), and --keep. The real thing runs in
// test/e2e/course.e2e.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/model.js';
import type { ClusterHandle, ClusterProvider, ProviderOptions } from '../../src/cluster/types.js';
import type { CleanupResult } from '../../src/model/report.js';
import { Journal } from '../../src/engine/journal.js';
import { CourseClusters, sharedClusters } from '../../src/course/shared-cluster.js';

function lab(id: string, cluster: Lab['cluster']): Lab {
  return { file: `/course/${id}.md`, source: '', title: id, id, cluster, vars: {}, timeout: 1000, steps: [], cleanup: [] };
}

const kindLab = (id: string, name?: string) => lab(id, { provider: 'kind', ...(name ? { name } : {}) });

class FakeKind {
  running: string[] = [];
  setups: { name: string; opts: ProviderOptions }[] = [];
  registered = 0;
  provider: ClusterProvider = {
    name: 'kind',
    setup: async (l: Lab, opts: ProviderOptions, registerUndo) => {
      const name = l.cluster.name ?? 'kubelab';
      this.setups.push({ name, opts });
      if (!opts.keep) await registerUndo({ kind: 'delete-cluster', label: 'x', provider: 'kind', name });
      if (!this.running.includes(name)) this.running.push(name);
      return { name } as unknown as ClusterHandle;
    },
  };
}

let stateDir = '';
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

function setup(labs: Lab[], keep = false) {
  stateDir = mkdtempSync(join(tmpdir(), 'kubelab-course-clusters-'));
  const kind = new FakeKind();
  const deleted: string[] = [];
  const clusters = new CourseClusters(labs, {
    courseFile: '/course',
    title: 'Test course',
    stateDir,
    keep,
    provider: kind.provider,
    runningClusters: async () => kind.running,
    finish: async (path): Promise<CleanupResult[]> => {
      const j = Journal.load(path);
      const entry = j.stack.entries.find((e) => e.undo.kind === 'delete-cluster')!;
      const name = (entry.undo as { name: string }).name;
      kind.running = kind.running.filter((n) => n !== name);
      deleted.push(name);
      j.markUndo(entry, 'done');
      j.remove();
      return [{ label: entry.undo.label, source: 'undo', status: 'passed', durationMs: 1 }];
    },
  });
  return { kind, clusters, deleted };
}

const labUndo = async () => {
  throw new Error('a lab on a shared cluster must not journal the cluster');
};

describe('CourseClusters', () => {
  it('finds the clusters that two or more kind labs name (kubelab by default)', () => {
    const labs = [kindLab('a'), kindLab('b', 'kubelab'), kindLab('c', 'other'), lab('d', { provider: 'none' }), lab('e', { provider: 'existing' }), kindLab('f', 'other'), kindLab('g', 'alone')];
    expect(sharedClusters(labs)).toEqual([
      { name: 'kubelab', labs: [0, 1] },
      { name: 'other', labs: [2, 5] },
    ]);
  });

  it('a lab on no shared cluster keeps its own provider', () => {
    const { kind, clusters } = setup([kindLab('a'), kindLab('b'), kindLab('c', 'alone')]);
    expect(clusters.providerFor(2, kind.provider)).toBe(kind.provider);
    expect(clusters.providerFor(0, undefined)).toBeUndefined();
    expect(clusters.providerFor(0, kind.provider)).not.toBe(kind.provider);
  });

  it('the first lab creates the cluster for the course, the next reuses it; only the course journals its deletion', async () => {
    const labs = [kindLab('a'), kindLab('b')];
    const { kind, clusters } = setup(labs);
    expect(clusters.owns('kubelab')).toBe(false);
    await clusters.providerFor(0, kind.provider)!.setup(labs[0]!, { stateDir }, labUndo);
    expect(kind.setups.map((s) => [s.opts.keep, s.opts.reuse])).toEqual([[true, true]]);
    expect(clusters.owns('kubelab')).toBe(true);
    const journal = Journal.load(clusters.journalPath('kubelab'));
    expect(journal.stack.entries.map((e) => e.undo.kind)).toEqual(['delete-cluster']);
    await clusters.providerFor(1, kind.provider)!.setup(labs[1]!, { stateDir }, labUndo);
    expect(Journal.load(clusters.journalPath('kubelab')).stack.entries).toHaveLength(1);
    expect(await clusters.status()).toEqual([{ name: 'kubelab', labs: [0, 1], running: true, ownedByCourse: true, keep: false }]);
  });

  it('two labs opened at once set the cluster up one after the other', async () => {
    const labs = [kindLab('a'), kindLab('b')];
    const { kind, clusters } = setup(labs);
    await Promise.all(labs.map((l, i) => clusters.providerFor(i, kind.provider)!.setup(l, { stateDir }, labUndo)));
    expect(Journal.load(clusters.journalPath('kubelab')).stack.entries).toHaveLength(1);
  });

  it('deletes the cluster once every lab on it is finished, not before', async () => {
    const labs = [kindLab('a'), kindLab('b'), kindLab('c', 'alone')];
    const { kind, clusters, deleted } = setup(labs);
    await clusters.providerFor(0, kind.provider)!.setup(labs[0]!, { stateDir }, labUndo);
    const finished = new Set<number>([0, 2]);
    expect(await clusters.finishDone(async (i) => finished.has(i))).toEqual([]);
    expect(deleted).toEqual([]);
    finished.add(1);
    const done = await clusters.finishDone(async (i) => finished.has(i));
    expect(done.map((d) => [d.name, d.results.map((r) => r.status)])).toEqual([['kubelab', ['passed']]]);
    expect(deleted).toEqual(['kubelab']);
    expect(clusters.owns('kubelab')).toBe(false);
    // Gone: the next lab creates it again, for the course again.
    await clusters.providerFor(1, kind.provider)!.setup(labs[1]!, { stateDir }, labUndo);
    expect(clusters.owns('kubelab')).toBe(true);
  });

  it('never deletes a cluster that was there before the course', async () => {
    const labs = [kindLab('a'), kindLab('b')];
    const { kind, clusters, deleted } = setup(labs);
    kind.running.push('kubelab');
    await clusters.providerFor(0, kind.provider)!.setup(labs[0]!, { stateDir }, labUndo);
    expect(clusters.owns('kubelab')).toBe(false);
    expect(await clusters.finishDone(async () => true)).toEqual([]);
    expect(await clusters.delete('kubelab')).toEqual([]);
    expect(deleted).toEqual([]);
    expect((await clusters.status())[0]).toMatchObject({ running: true, ownedByCourse: false });
  });

  it('--keep: the course creates the cluster and never deletes it', async () => {
    const labs = [kindLab('a'), kindLab('b')];
    const { kind, clusters, deleted } = setup(labs, true);
    await clusters.providerFor(0, kind.provider)!.setup(labs[0]!, { stateDir }, labUndo);
    expect(kind.running).toEqual(['kubelab']);
    expect(clusters.owns('kubelab')).toBe(false);
    expect(await clusters.finishDone(async () => true)).toEqual([]);
    expect(deleted).toEqual([]);
  });

  it('the learner asks: the course deletes its cluster at once', async () => {
    const labs = [kindLab('a'), kindLab('b')];
    const { kind, clusters, deleted } = setup(labs);
    await clusters.providerFor(1, kind.provider)!.setup(labs[1]!, { stateDir }, labUndo);
    expect((await clusters.delete('kubelab')).map((r) => r.status)).toEqual(['passed']);
    expect(deleted).toEqual(['kubelab']);
    expect((await clusters.status())[0]).toMatchObject({ running: false, ownedByCourse: false });
  });
});
