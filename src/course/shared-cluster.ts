// A course's shared kind clusters. Labs of a course that name the same kind cluster share it:
// the course creates it once, on the first lab that needs it, and journals its deletion in the
// course's own journal (not a lab's), so each lab reuses it and its cleanup undoes only what the
// lab changed. The course deletes a cluster it created when the learner has finished every lab
// on it (all steps done, nothing left to clean up), or when the learner asks; `keep` keeps it.
// After a crash, `kubelab cleanup` finishes the course's journal like any other.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { Lab } from '../lab/model.js';
import type { CleanupResult } from '../model/report.js';
import type { ClusterHandle, ClusterProvider, ProviderOptions } from '../cluster/types.js';
import type { KubelabConfig } from '../config.js';
import { DEFAULT_KIND_CLUSTER, kindKubeconfigPath } from '../cluster/kind.js';
import { Journal, journalPath } from '../engine/journal.js';

export interface SharedCluster {
  /** The kind cluster's name. */
  name: string;
  /** Indexes (in the course) of the labs on it, in course order. */
  labs: number[];
}

export interface SharedClusterStatus extends SharedCluster {
  running: boolean;
  /** The course created it (and so deletes it); false for a cluster that was there before. */
  ownedByCourse: boolean;
  keep: boolean;
}

export interface CourseClustersOptions {
  /** The file that stands for the course in its journals (course.yaml, or the directory). */
  courseFile: string;
  title: string;
  stateDir: string;
  /** Keep the clusters the course creates (`--keep`). */
  keep: boolean;
  config?: KubelabConfig;
  /** The kind provider and cluster listing (tests give fakes). */
  provider?: ClusterProvider;
  runningClusters?: () => Promise<string[]>;
  /** Finishes a journal (the engine's finishJournal; tests give a fake). */
  finish?: (path: string) => Promise<CleanupResult[]>;
}

/** The clusters that two or more kind labs of a course name (by `cluster.name`, default `kubelab`). */
export function sharedClusters(labs: readonly Lab[]): SharedCluster[] {
  const byName = new Map<string, number[]>();
  labs.forEach((lab, i) => {
    if (lab.cluster.provider !== 'kind') return;
    const name = lab.cluster.name ?? DEFAULT_KIND_CLUSTER;
    byName.set(name, [...(byName.get(name) ?? []), i]);
  });
  return [...byName.entries()].filter(([, l]) => l.length > 1).map(([name, l]) => ({ name, labs: l }));
}

export class CourseClusters {
  readonly shared: SharedCluster[];
  /** One setup at a time per cluster: two labs opened together must not both create it. */
  private readonly setups = new Map<string, Promise<unknown>>();

  constructor(
    labs: readonly Lab[],
    private readonly opts: CourseClustersOptions,
  ) {
    this.shared = sharedClusters(labs);
  }

  private sharedOf(index: number): SharedCluster | undefined {
    return this.shared.find((c) => c.labs.includes(index));
  }

  /** The journal that deletes the course's cluster `name`. */
  journalPath(name: string): string {
    return journalPath(this.opts.stateDir, this.opts.courseFile, `course-cluster-${name}`);
  }

  /** Whether the course created `name` and has not deleted it yet. */
  owns(name: string): boolean {
    if (!existsSync(this.journalPath(name))) return false;
    try {
      return Journal.load(this.journalPath(name)).isUndoPending((u) => u.kind === 'delete-cluster' && u.name === name);
    } catch {
      return false;
    }
  }

  private async kind(): Promise<ClusterProvider> {
    return this.opts.provider ?? (await import('../cluster/kind.js')).kindProvider;
  }

  private async running(): Promise<string[]> {
    if (this.opts.runningClusters) return this.opts.runningClusters();
    const [{ kindClusters }, { toolsOf }, { defaultConfig }] = await Promise.all([import('../cluster/kind.js'), import('../cluster/env.js'), import('../config.js')]);
    return kindClusters(toolsOf(this.opts.config ?? defaultConfig()).kind);
  }

  /**
   * The provider lab `index` uses: for a lab on a shared cluster, one that creates the cluster
   * for the course (or reuses it) and registers nothing in the lab's journal; else `own`.
   */
  providerFor(index: number, own: ClusterProvider | undefined): ClusterProvider | undefined {
    const shared = this.sharedOf(index);
    if (!shared || !own || own.name !== 'kind') return own;
    return {
      name: 'kind',
      setup: (lab: Lab, opts: ProviderOptions): Promise<ClusterHandle | undefined> => this.serial(shared.name, () => this.setup(shared, lab, opts)),
    };
  }

  private async setup(shared: SharedCluster, lab: Lab, opts: ProviderOptions): Promise<ClusterHandle | undefined> {
    const { name } = shared;
    const kind = await this.kind();
    if (!this.opts.keep && !(await this.running()).includes(name) && !this.owns(name)) {
      // Journaled before it exists, like every undo: a crash while creating still deletes it.
      const journal = this.openJournal(name);
      journal.registerUndo({ kind: 'delete-cluster', label: `delete kind cluster ${name} (created for the course ${this.opts.title})`, provider: 'kind', name, kubeconfig: kindKubeconfigPath(opts.stateDir, name) }, true);
    }
    opts.progress?.(`kind cluster ${name} is shared by ${shared.labs.length} labs of this course${this.opts.keep ? ' (kept: --keep)' : ''}`);
    return kind.setup(lab, { ...opts, reuse: true, keep: true }, async () => '');
  }

  private openJournal(name: string): Journal {
    const path = this.journalPath(name);
    if (existsSync(path)) return Journal.load(path);
    const holder: Lab = { file: this.opts.courseFile, source: '', title: `${this.opts.title}: kind cluster ${name}`, id: `course-cluster-${name}`, cluster: { provider: 'none' }, vars: {}, timeout: 120_000, steps: [], cleanup: [] };
    return Journal.create(this.opts.stateDir, holder, { runId: `course-${randomBytes(4).toString('hex')}`, cwd: dirname(this.opts.courseFile), vars: {} });
  }

  private async serial<T>(name: string, f: () => Promise<T>): Promise<T> {
    const before = this.setups.get(name) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(f);
    this.setups.set(name, next);
    return next;
  }

  async status(): Promise<SharedClusterStatus[]> {
    if (!this.shared.length) return [];
    const running = await this.running().catch(() => [] as string[]);
    return this.shared.map((c) => ({ ...c, running: running.includes(c.name), ownedByCourse: this.owns(c.name), keep: this.opts.keep }));
  }

  /** Delete the course's cluster `name` (only one the course created). */
  async delete(name: string): Promise<CleanupResult[]> {
    if (!this.owns(name)) return [];
    return this.serial(name, async () => {
      const finish = this.opts.finish ?? (await this.engineFinish());
      return finish(this.journalPath(name));
    });
  }

  private async engineFinish(): Promise<(path: string) => Promise<CleanupResult[]>> {
    const [{ finishJournal }, { defaultConfig }] = await Promise.all([import('../engine/finish.js'), import('../config.js')]);
    const config = this.opts.config ?? defaultConfig();
    return (path) => finishJournal(path, { stateDir: this.opts.stateDir, env: config.env, tools: config.tools });
  }

  /**
   * Delete each cluster the course created whose labs are all finished (`finished(index)`: every
   * step done and nothing left to clean up), unless kept. Returns what was deleted.
   */
  async finishDone(finished: (index: number) => Promise<boolean>): Promise<{ name: string; results: CleanupResult[] }[]> {
    const out: { name: string; results: CleanupResult[] }[] = [];
    if (this.opts.keep) return out;
    for (const c of this.shared) {
      if (!this.owns(c.name)) continue;
      const all = await Promise.all(c.labs.map(finished));
      if (all.every(Boolean)) out.push({ name: c.name, results: await this.delete(c.name) });
    }
    return out;
  }
}

/** Whether lab `lab` (at `file`) left cleanup to do: its journal is there. */
export function labHasCleanupPending(stateDir: string, lab: Lab): boolean {
  return existsSync(journalPath(stateDir, lab.file, lab.id));
}
