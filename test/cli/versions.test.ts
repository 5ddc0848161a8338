// `kubelab run --kubernetes/--shard`, `kubelab report --merge` and `kubelab list --json` on real
// runs of provider:none labs (real bash; no cluster): each version is its own run, the reports
// carry the version, shards split the pairs, and merging real shard reports gives the whole set.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport, RunSet } from '../../src/model/report.js';
import { validate } from '../report/json-schema.js';
import { expectUsageError, runCliCaptured } from './in-process.js';
import { ROOT } from './built-cli.js';

const SINCE = 'test/fixtures/versions/since-136.md';
const ANY = 'test/fixtures/versions/any.md';
const schema = JSON.parse(readFileSync(join(ROOT, 'docs/report-schema.json'), 'utf8')) as Record<string, unknown>;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kubelab-versions-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const kubelab = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCliCaptured(argv, { env: { ...process.env, KUBELAB_STATE_DIR: join(tmp, 'state'), KUBELAB_CACHE: join(tmp, 'cache'), ...env } });
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('kubelab run --kubernetes', () => {
  it('runs each lab once per version: separate runs, the version in the shell and the reports, a matrix', async () => {
    const json = join(tmp, 'three.json');
    const junit = join(tmp, 'three.xml');
    const r = await kubelab(['run', SINCE, ANY, '--kubernetes', '1.35,1.36', '--kubernetes', '1.37', '--json', json, '--junit', junit]);
    // 1.35 is outside since-136's range and fails there: a finding, and the exit code says so.
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Since `1.36` · Kubernetes 1.35 (outside the lab's range >=1.36)");
    expect(r.stdout).toContain("FAILED Since `1.36` on Kubernetes 1.35 (outside the lab's range >=1.36)");
    expect(r.stdout).toContain('PASSED Since `1.36` on Kubernetes 1.37');
    const matrix = r.stdout.slice(r.stdout.indexOf('Kubernetes version × step'));
    expect(matrix.split('\n').slice(0, 6)).toEqual([
      'Kubernetes version × step',
      'Since `1.36` (test/fixtures/versions/since-136.md, kubernetes >=1.36)',
      '                          1.35*  1.36  1.37',
      '  1. Check the version    ✓      ✓     ✓',
      '  2. Needs 1.36 or later  ✗      ✓     ✓',
      '     result               ✗      ✓     ✓',
    ]);
    expect(matrix).toContain("* outside the lab's `kubernetes:` range");

    const set = readJson<RunSet>(json);
    expect(validate(schema, set)).toEqual([]);
    expect(set.kind).toBe('run-set');
    expect(set.runs.map((run) => [run.lab.id, run.kubernetes?.label, run.kubernetes?.inRange, run.status])).toEqual([
      ['since-136', '1.35', false, 'failed'],
      ['since-136', '1.36', true, 'passed'],
      ['since-136', '1.37', true, 'passed'],
      ['any-version', '1.35', true, 'passed'],
      ['any-version', '1.36', true, 'passed'],
      ['any-version', '1.37', true, 'passed'],
    ]);
    // Each run had its own shell with its version.
    expect(set.runs.map((run) => run.steps[0]!.blocks[0]!.output.trim())).toEqual(['on v1.35.4', 'on v1.36.1', 'on v1.37.2', 'hello', 'hello', 'hello']);
    expect(new Set(set.runs.map((run) => run.runId)).size).toBe(6);
    expect(set.pairs).toHaveLength(6);
    const since = set.matrix.labs.find((l) => l.id === 'since-136')!;
    expect(since.versions.map((c) => [c.label, c.inRange, c.status, c.run])).toEqual([
      ['1.35', false, 'failed', 0],
      ['1.36', true, 'passed', 1],
      ['1.37', true, 'passed', 2],
    ]);
    expect(since.steps[1]!.status).toEqual({ 'v1.35.4': 'failed', 'v1.36.1': 'passed', 'v1.37.2': 'passed' });

    const xml = readFileSync(junit, 'utf8');
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" id="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(suites.slice(0, 3)).toEqual([
      ['Since `1.36` [Kubernetes 1.35, outside the range]', 'since-136@v1.35.4'],
      ['Since `1.36` [Kubernetes 1.36]', 'since-136@v1.36.1'],
      ['Since `1.36` [Kubernetes 1.37]', 'since-136@v1.37.2'],
    ]);
    expect(xml).toContain('classname="since-136@1.35"');
    expect(xml).toContain('<property name="kubernetesInRange" value="false"/>');
  });

  it('without --kubernetes: one run on the lab\'s default, the JSON shape of before plus `kubernetes`', async () => {
    const json = join(tmp, 'one.json');
    const r = await kubelab(['run', SINCE, '--json', json, '--reporter', 'silent']);
    expect(r.code).toBe(0);
    const report = readJson<RunReport>(json);
    expect(validate(schema, report)).toEqual([]);
    expect(report.kubernetes).toEqual({ version: 'v1.36.1', label: '1.36', range: '>=1.36', inRange: true });
    expect(report.steps[0]!.blocks[0]!.output).toBe('on v1.36.1\n');
    expect(r.stdout).toBe('');
  });

  it('--in-range leaves out the versions outside a lab\'s range; `range` runs every version in it', async () => {
    const json = join(tmp, 'in-range.json');
    expect((await kubelab(['run', SINCE, '--kubernetes', '1.35,1.37', '--in-range', '--json', json, '--reporter', 'silent'])).code).toBe(0);
    expect(readJson<RunSet>(json).runs.map((run) => run.kubernetes?.version)).toEqual(['v1.37.2']);
    expect((await kubelab(['run', SINCE, '--kubernetes', 'range', '--json', json, '--reporter', 'silent'])).code).toBe(0);
    expect(readJson<RunSet>(json).runs.map((run) => run.kubernetes?.version)).toEqual(['v1.36.1', 'v1.37.2']);
  });

  it('refuses, before anything runs: an unknown version, a bad shard, flags that cannot hold for several versions', async () => {
    expectUsageError(await kubelab(['run', ANY, '--kubernetes', '1.35,1.40']), /--kubernetes: Kubernetes v1.40 is not one of the versions kubelab sets up/);
    expectUsageError(await kubelab(['run', ANY, '--shard', '3/2']), /--shard 3\/2: expected INDEX\/TOTAL with 1 <= INDEX <= TOTAL/);
    expectUsageError(await kubelab(['run', ANY, '--kubernetes', '1.35,1.36', '--no-cleanup']), /--no-cleanup with several Kubernetes versions of test\/fixtures\/versions\/any.md/);
    expectUsageError(await kubelab(['run', ANY, '--kubernetes', '1.35,1.36', '--node-image', 'x:y']), /--node-image with several Kubernetes versions/);
  });

  it('--no-setup: a kind lab on versions not set up is refused with the set-up to run, every missing version at once (no cluster is made)', async () => {
    const cache = join(tmp, 'cache-135');
    const r = await kubelab(['run', 'labs/71-node-log-kubelet-authz.md', '--kubernetes', '1.35,1.36', '--no-setup'], { KUBELAB_CACHE: cache });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`labs/71-node-log-kubelet-authz.md needs Kubernetes v1.35.4, v1.36.1 set up (kind, their node images, kubectl), and they are not: v1.35.4: Kubernetes v1.35.4 was never set up in ${cache}; v1.36.1: Kubernetes v1.36.1 was never set up in ${cache}; --no-setup keeps kubelab from setting them up`);
    expect(r.stderr).toContain('hint: run `kubelab setup --kubernetes 1.35,1.36` first');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('shards and merge', () => {
  const shardFile = (i: number, n: number) => join(tmp, 'shards', `s${i}-of-${n}.json`);
  const runShard = (i: number, n: number, labs = [SINCE, ANY]) => kubelab(['run', ...labs, '--kubernetes', 'all', '--shard', `${i}/${n}`, '--json', shardFile(i, n), '--reporter', 'silent']);

  it('three shards of real runs merge into the whole set: JSON, JUnit and HTML', async () => {
    const codes = [];
    for (let i = 1; i <= 3; i++) codes.push((await runShard(i, 3)).code);
    // since-136 on 1.35 (outside its range) fails in whichever shard has it.
    expect(codes.filter((c) => c === 1)).toHaveLength(1);
    expect(codes.filter((c) => c === 0)).toHaveLength(2);
    const shards = [1, 2, 3].map((i) => readJson<RunSet>(shardFile(i, 3)));
    for (const s of shards) expect(validate(schema, s)).toEqual([]);
    expect(shards.map((s) => s.runs.length)).toEqual([3, 3, 2]);
    const ran = shards.flatMap((s) => s.runs.map((run) => `${run.lab.file}@${run.kubernetes?.version}`));
    expect(ran.sort()).toEqual(shards[0]!.pairs.map((p) => `${p.lab}@${p.version}`).sort());

    const out = join(tmp, 'merged');
    const r = await kubelab(['report', '--merge', shardFile(3, 3), shardFile(1, 3), shardFile(2, 3), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('merged 3 reports: 8 runs (7 passed) of 8 (lab, version) pairs');
    const merged = readJson<RunSet>(join(out, 'report.json'));
    expect(validate(schema, merged)).toEqual([]);
    expect(merged.merge).toMatchObject({ missing: [], duplicates: [] });
    expect(merged.merge!.inputs.map((i) => i.shard)).toEqual([{ index: 3, total: 3 }, { index: 1, total: 3 }, { index: 2, total: 3 }]);
    expect(merged.matrix.versions.map((v) => v.label)).toEqual(['1.35', '1.36', '1.36.3', '1.37']);
    expect(merged.matrix.labs.map((l) => [l.id, l.versions.map((c) => c.status).join(' ')])).toEqual([
      ['since-136', 'failed passed passed passed'],
      ['any-version', 'passed passed passed passed'],
    ]);
    expect([...readFileSync(join(out, 'junit.xml'), 'utf8').matchAll(/<testsuite /g)]).toHaveLength(8);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('<table class="matrix" data-lab="test/fixtures/versions/since-136.md">');
    expect(readdirSync(join(out, 'labs'))).toHaveLength(8);
  });

  it('says which pairs are missing or duplicated, writes the report anyway, exits 1', async () => {
    const out = join(tmp, 'partial');
    const r = await kubelab(['report', '--merge', shardFile(1, 3), shardFile(1, 3), shardFile(3, 3), '--out', out]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('kubelab: missing: '))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('kubelab: duplicated: '))).toHaveLength(3);
    expect(r.stderr).toContain(`kubelab: duplicated: test/fixtures/versions/any.md on v1.35.4 is in ${shardFile(1, 3)} and ${shardFile(1, 3)}; the first is kept`);
    const merged = readJson<RunSet>(join(out, 'report.json'));
    expect(merged.runs).toHaveLength(5);
    expect(merged.merge!.missing.map((p) => `${p.lab}@${p.version}`)).toEqual(['test/fixtures/versions/any.md@v1.37.2', 'test/fixtures/versions/since-136.md@v1.35.4', 'test/fixtures/versions/since-136.md@v1.36.1']);
    expect(merged.matrix.labs[0]!.versions.filter((c) => c.status === 'missing').map((c) => c.label)).toEqual(['1.35', '1.36']);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<div class="warning" id="missing"><b>3 missing:</b>');
  });

  it('refuses reports of another course, and shards of different splits', async () => {
    await runShard(1, 2, [ANY]);
    expectUsageError(await kubelab(['report', '--merge', shardFile(1, 3), shardFile(1, 2), '--out', join(tmp, 'x')]), /are not reports of the same course: only .*s1-of-3\.json has test\/fixtures\/versions\/since-136\.md/);
    await runShard(2, 2);
    expectUsageError(await kubelab(['report', '--merge', shardFile(1, 3), shardFile(2, 2), '--out', join(tmp, 'x')]), /is a shard of 3 and .*s2-of-2\.json a shard of 2 of the same runs/);
    expectUsageError(await kubelab(['report', '--merge', shardFile(1, 3)]), /--merge needs --out DIR/);
    expectUsageError(await kubelab(['report', shardFile(1, 3), shardFile(2, 3), '--html', join(tmp, 'x')]), /2 reports given: render one at a time, or join shard reports with --merge/);
  });

  it('a shard with nothing to run still writes its (empty) run set', async () => {
    const r = await kubelab(['run', ANY, '--shard', '2/2', '--json', join(tmp, 'empty.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('kubelab: shard 2/2: nothing to run (1 (lab, version) pairs in all, fewer than 2 shards)');
    const set = readJson<RunSet>(join(tmp, 'empty.json'));
    expect(validate(schema, set)).toEqual([]);
    expect(set).toMatchObject({ runs: [], shard: { index: 2, total: 2 }, pairs: [{ lab: ANY, version: 'v1.36.1' }] });
  });

  it('merges plain run reports too (each keeps its pair)', async () => {
    const a = join(tmp, 'plain-a.json');
    await kubelab(['run', ANY, '--json', a, '--reporter', 'silent']);
    writeFileSync(join(tmp, 'plain-b.json'), readFileSync(a));
    const r = await kubelab(['report', '--merge', a, join(tmp, 'plain-b.json'), '--out', join(tmp, 'plain')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('kubelab: duplicated: test/fixtures/versions/any.md on v1.36.1');
  });
});

describe('kubelab list --json', () => {
  it('gives CI the labs, their versions in range, step counts and clusters', async () => {
    const r = await kubelab(['list', '--json', SINCE, ANY, 'labs/71-node-log-kubelet-authz.md']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { versions: string[]; pairs: number; needsKind: boolean; kubernetes: { default: string; available: string[] }; labs: { file: string; versions: string[]; defaultVersion: string; steps: number; cluster: { provider: string } }[] };
    expect(list.kubernetes).toEqual({ default: '1.36', available: ['1.35', '1.36', '1.36.3', '1.37'] });
    expect(list.versions).toEqual(['1.35', '1.36', '1.37']);
    expect(list.labs.map((l) => [l.file, l.versions, l.defaultVersion, l.steps, l.cluster.provider])).toEqual([
      [SINCE, ['1.36', '1.37'], '1.36', 2, 'none'],
      [ANY, ['1.35', '1.36', '1.37'], '1.36', 1, 'none'],
      ['labs/71-node-log-kubelet-authz.md', ['1.36', '1.37'], '1.36', 8, 'kind'],
    ]);
    expect(list.pairs).toBe(7);
    expect(list.needsKind).toBe(true);
  });
});
