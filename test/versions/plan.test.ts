import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseLab } from '../../src/lab/parse.js';
import { resolveKubernetes } from '../../src/setup/versions.js';
import { defaultRelease, labRange, parseShard, planRuns, releasesFor, selectShard, shardPairs, sortPairs, versionedClusterName, versionRequest, type RunPair } from '../../src/versions/plan.js';

const versionsOf = (words: string[], range?: string, inRangeOnly = false) => releasesFor(versionRequest(words, inRangeOnly), labRange(range)).map((r) => r.version);

describe('which versions a lab runs on', () => {
  it('without --kubernetes: the default when in range, else the newest minor in range', () => {
    expect(defaultRelease(labRange(undefined)).version).toBe('v1.36.1');
    expect(defaultRelease(labRange('>=1.36')).version).toBe('v1.36.1');
    expect(defaultRelease(labRange('>=1.37')).version).toBe('v1.37.2');
    expect(defaultRelease(labRange('<1.36')).version).toBe('v1.35.4');
    expect(defaultRelease(labRange('1.36.3')).version).toBe('v1.36.3');
    // No version of the table in range: the default, then marked outside the range.
    expect(defaultRelease(labRange('1.31')).version).toBe('v1.36.1');
  });

  it('--kubernetes: versions in table order, `range`, `all`, --in-range', () => {
    expect(versionsOf(['1.37,1.35', '1.35'])).toEqual(['v1.35.4', 'v1.37.2']);
    expect(versionsOf(['range'], '>=1.36')).toEqual(['v1.36.1', 'v1.37.2']);
    expect(versionsOf(['all'])).toEqual(['v1.35.4', 'v1.36.1', 'v1.36.3', 'v1.37.2']);
    expect(versionsOf(['1.35,1.36,1.37'], '>=1.36')).toEqual(['v1.35.4', 'v1.36.1', 'v1.37.2']);
    expect(versionsOf(['1.35,1.36,1.37'], '>=1.36', true)).toEqual(['v1.36.1', 'v1.37.2']);
    expect(versionsOf(['v1.36.3'])).toEqual(['v1.36.3']);
  });

  it('a version kubelab does not set up is a usage error naming the ones it does', () => {
    expect(() => versionRequest(['1.35,1.40'])).toThrow(/--kubernetes: Kubernetes v1.40 is not one of the versions kubelab sets up/);
    expect(() => versionRequest(['latest'])).toThrow(/"latest" is not a Kubernetes version/);
  });

  it('plans pairs per lab, in range or not, and says which run on their own configuration', () => {
    const lab = (file: string, range?: string) => parseLab(`---\nid: ${file.replace(/\W/g, '')}\n${range ? `kubernetes: "${range}"\n` : ''}---\n\n## S\n\n\`\`\`sh\ntrue\n\`\`\`\n`, file);
    const runs = planRuns([lab('./b.md', '>=1.36'), lab('a.md')], versionRequest(['1.35,1.36']));
    expect(runs.map((r) => [r.pair.lab, r.pair.version, r.kubernetes.inRange, r.versioned])).toEqual([
      ['b.md', 'v1.35.4', false, true],
      ['b.md', 'v1.36.1', true, true],
      ['a.md', 'v1.35.4', true, true],
      ['a.md', 'v1.36.1', true, true],
    ]);
    expect(runs[0]!.kubernetes).toEqual({ version: 'v1.35.4', label: '1.35', range: '>=1.36', inRange: false });
    // Without --kubernetes a lab on the default version runs as before versions.
    const plain = planRuns([lab('a.md'), lab('c.md', '>=1.37')], versionRequest([]));
    expect(plain.map((r) => [r.pair.version, r.versioned])).toEqual([
      ['v1.36.1', false],
      ['v1.37.2', true],
    ]);
  });

  it('a versioned kind cluster is named after its version', () => {
    expect(versionedClusterName('kauthz', resolveKubernetes('1.35'))).toBe('kauthz-v1-35');
    expect(versionedClusterName('kubelab', resolveKubernetes('v1.36.3'))).toBe('kubelab-v1-36-3');
  });
});

describe('configuration of one version', () => {
  it('node image, kind and kubectl come from cluster-VERSION.env, over the environment', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kubelab-cache-'));
    writeFileSync(join(cache, 'cluster.env'), 'KUBELAB_NODE_IMAGE=img:default\nKUBELAB_KUBECTL=/k/default\n');
    writeFileSync(join(cache, 'cluster-v1.35.4.env'), 'KUBELAB_NODE_IMAGE=img:v1.35.4\nKUBELAB_KIND=/kind/v0.32.0\nKUBELAB_KUBECTL=/k/v1.35.4\n');
    const env = { HOME: '/nonexistent', KUBELAB_CACHE: cache, KUBELAB_NODE_IMAGE: 'img:from-env' };
    expect(loadConfig(env).nodeImage).toBe('img:from-env');
    const v135 = loadConfig(env, {}, '.', { kubernetes: 'v1.35.4' });
    expect(v135).toMatchObject({ nodeImage: 'img:v1.35.4', tools: { kind: '/kind/v0.32.0', kubectl: '/k/v1.35.4' }, kubernetes: { version: 'v1.35.4', envFile: join(cache, 'cluster-v1.35.4.env') } });
    // Not set up: no node image at all, never the default version's or the environment's.
    const v137 = loadConfig(env, {}, '.', { kubernetes: 'v1.37.2' });
    expect(v137.nodeImage).toBeUndefined();
    expect(v137.tools.kubectl).toBe('kubectl');
  });
});

describe('shards', () => {
  const pairs = (labs: number, versions: string[]): RunPair[] => Array.from({ length: labs }, (_, i) => versions.map((version) => ({ lab: `labs/${String.fromCharCode(97 + ((i * 7) % 26))}${i}.md`, version }))).flat();

  it.each([0, 1, 2, 5, 6, 7, 12, 13, 40])('every one of %i pairs is in exactly one shard, for n = 1..7', (count) => {
    const all = pairs(count, ['v1.35.4']).concat(pairs(Math.floor(count / 3), ['v1.37.2', 'v1.36.1'])).slice(0, count);
    const key = (p: RunPair) => `${p.lab}@${p.version}`;
    for (let n = 1; n <= 7; n++) {
      const shards = Array.from({ length: n }, (_, i) => shardPairs(all, { index: i + 1, total: n }));
      const seen = shards.flat().map(key);
      expect(seen.sort(), `n=${n}`).toEqual(all.map(key).sort());
      expect(new Set(seen).size).toBe(all.length);
      // Sizes differ by at most one.
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      // The same share whatever order the pairs come in.
      const reversed = Array.from({ length: n }, (_, i) => shardPairs([...all].reverse(), { index: i + 1, total: n }).map(key));
      expect(reversed).toEqual(shards.map((s) => s.map(key)));
    }
  });

  it('contiguous ranges of the sorted pairs, versions numerically', () => {
    const all: RunPair[] = [
      { lab: 'b.md', version: 'v1.9.0' },
      { lab: 'a.md', version: 'v1.37.2' },
      { lab: 'a.md', version: 'v1.35.4' },
      { lab: 'b.md', version: 'v1.10.0' },
      { lab: 'c.md', version: 'v1.36.1' },
    ];
    expect(sortPairs(all).map((p) => `${p.lab}@${p.version}`)).toEqual(['a.md@v1.35.4', 'a.md@v1.37.2', 'b.md@v1.9.0', 'b.md@v1.10.0', 'c.md@v1.36.1']);
    expect(shardPairs(all, { index: 1, total: 2 }).map((p) => `${p.lab}@${p.version}`)).toEqual(['a.md@v1.35.4', 'a.md@v1.37.2', 'b.md@v1.9.0']);
    expect(shardPairs(all, { index: 2, total: 2 }).map((p) => `${p.lab}@${p.version}`)).toEqual(['b.md@v1.10.0', 'c.md@v1.36.1']);
  });

  it('selectShard keeps the planned runs of the share, in pair order', () => {
    const lab = (file: string) => parseLab('## S\n\n```sh\ntrue\n```\n', file);
    const runs = planRuns([lab('z.md'), lab('a.md')], versionRequest(['1.35,1.37']));
    expect(selectShard(runs, { index: 1, total: 3 }).map((r) => `${r.pair.lab}@${r.pair.version}`)).toEqual(['a.md@v1.35.4', 'a.md@v1.37.2']);
    expect(selectShard(runs, undefined)).toEqual(runs);
  });

  it('--shard is INDEX/TOTAL with 1 <= INDEX <= TOTAL', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    for (const bad of ['0/3', '4/3', '1/0', '1-3', 'x', '1/3/4']) expect(() => parseShard(bad), bad).toThrow(/expected INDEX\/TOTAL/);
  });
});
