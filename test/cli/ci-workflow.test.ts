// The example GitHub Actions workflow (docs/examples/kubelab-ci.yml, docs/ci.md) run here, as
// GitHub would run it, on two provider:none labs: its own shell steps, with the built CLI as the
// `kubelab` on PATH, GITHUB_OUTPUT/GITHUB_PATH files, one workspace per matrix job and the
// artifacts copied between jobs. The plan builds the versions × shards matrix from `list --json`,
// every job runs its shard, the merge joins them into one report with every planned pair; a
// job's lost report fails the merge.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunSet } from '../../src/model/report.js';
import { buildCli, removeBuild, ROOT } from './built-cli.js';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix: unknown };
  steps: Step[];
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(join(ROOT, 'docs/examples/kubelab-ci.yml'), 'utf8')) as Workflow;
const LABS = ['test/fixtures/versions/since-136.md', 'test/fixtures/versions/any.md'];

let tmp: string;
let cli: string;
let bin: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'kubelab-ci-'));
  cli = await buildCli();
  bin = join(tmp, 'bin');
  mkdirSync(bin);
  // What `npm ci` puts in node_modules/.bin, which the workflow adds to GITHUB_PATH.
  writeFileSync(join(bin, 'kubelab'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(join(bin, 'kubelab'), 0o755);
}, 180_000);
afterAll(() => {
  if (cli) removeBuild(cli);
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh checkout of the course: the two labs under labs/. */
function workspace(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'labs'), { recursive: true });
  for (const lab of LABS) copyFileSync(join(ROOT, lab), join(dir, 'labs', lab.split('/').pop()!));
  return dir;
}

/** `${{ ... }}` of a step's `if:` that only GitHub evaluates: what it says for this plan. */
function runsStep(step: Step, needsKind: boolean): boolean {
  if (!step.run) return false;
  // npm ci and the node_modules/.bin line: the shim on PATH stands for them.
  if (/^npm ci\b/.test(step.run) || step.run.includes('GITHUB_PATH')) return false;
  if (step.if === undefined) return true;
  if (step.if === "needs.plan.outputs.needs-kind == 'true'") return needsKind;
  throw new Error(`a step condition this test does not know: ${step.if}`);
}

/** Runs a job's shell steps in `dir` as the runner does (bash -e, the job's env); stops at the first failure. */
function runJob(job: Job, dir: string, env: Record<string, string>, needsKind: boolean): { code: number; output: Record<string, string>; log: string } {
  const outputFile = join(dir, '.github_output');
  writeFileSync(outputFile, '');
  let log = '';
  for (const step of job.steps.filter((s) => runsStep(s, needsKind))) {
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...workflow.env, ...env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: outputFile, KUBELAB_STATE_DIR: join(tmp, 'state'), KUBELAB_CACHE: join(tmp, 'cache'), CI: 'true', NO_COLOR: '1' },
    });
    log += `$ ${step.name ?? step.run}\n${r.stdout}${r.stderr}`;
    if (r.status !== 0) return { code: r.status ?? 1, output: {}, log };
  }
  const output = Object.fromEntries(readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { code: 0, output, log };
}

describe('docs/examples/kubelab-ci.yml', () => {
  it('is plan → run (versions × shards) → report, the report job running after failed shards too', () => {
    const { plan, run, report } = workflow.jobs;
    expect(Object.keys(workflow.jobs)).toEqual(['plan', 'run', 'report']);
    expect(run!.needs).toBe('plan');
    expect(run!.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.plan.outputs.matrix) }}' });
    expect(plan!.outputs!.matrix).toBe('${{ steps.plan.outputs.matrix }}');
    expect(report!.needs).toEqual(['plan', 'run']);
    expect(report!.if).toBe("always() && needs.plan.result == 'success'");
    // Every job's report has an artifact of its own; the report job downloads them all.
    const upload = run!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with!.name).toBe('report-k${{ matrix.kubernetes }}-s${{ matrix.shard }}');
    expect(upload.if).toBe('always()');
    expect(report!.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!.with).toMatchObject({ pattern: 'report-*', 'merge-multiple': true });
  });

  it('run here: the plan gives every version in range × shards, the shards run every pair once, the merge has them all; a lost report fails it', () => {
    const { plan, run, report } = workflow.jobs;
    const planned = runJob(plan!, workspace('plan'), {}, false);
    expect(planned.code, planned.log).toBe(0);
    const matrix = JSON.parse(planned.output.matrix!) as { kubernetes: string[]; shard: number[] };
    // since-136 (>=1.36) on 1.36 and 1.37, any on every minor kubelab sets up.
    expect(matrix).toEqual({ kubernetes: ['1.35', '1.36', '1.37'], shard: [1, 2] });
    expect(planned.output['needs-kind']).toBe('false');
    expect(planned.output.pairs).toBe('5');

    const artifacts = join(tmp, 'artifacts');
    const codes: Record<string, number> = {};
    for (const kubernetes of matrix.kubernetes) {
      for (const shard of matrix.shard) {
        const dir = workspace(`run-${kubernetes}-${shard}`);
        const job = runJob(run!, dir, { KUBERNETES: kubernetes, SHARD: String(shard) }, false);
        codes[`${kubernetes}/${shard}`] = job.code;
        // actions/upload-artifact + download-artifact (merge-multiple): every job's reports/ in one folder.
        if (existsSync(join(dir, 'reports'))) cpSync(join(dir, 'reports'), join(artifacts, 'reports'), { recursive: true });
      }
    }
    // --in-range: since-136 never runs on 1.35, so every job passes.
    expect(Object.values(codes).every((c) => c === 0), JSON.stringify(codes)).toBe(true);
    const files = readdirSync(join(artifacts, 'reports')).sort();
    expect(files.filter((f) => f.endsWith('.json'))).toEqual(['k1.35-s1.json', 'k1.35-s2.json', 'k1.36-s1.json', 'k1.36-s2.json', 'k1.37-s1.json', 'k1.37-s2.json']);
    expect(files.filter((f) => f.endsWith('.xml'))).toHaveLength(6);
    // Each version's pairs are split between its two shards, none in both.
    const shardRuns = files.filter((f) => f.endsWith('.json')).map((f) => (JSON.parse(readFileSync(join(artifacts, 'reports', f), 'utf8')) as RunSet).runs.map((r) => `${r.lab.file}@${r.kubernetes!.label}`));
    expect(shardRuns.flat().sort()).toEqual(['labs/any.md@1.35', 'labs/any.md@1.36', 'labs/any.md@1.37', 'labs/since-136.md@1.36', 'labs/since-136.md@1.37']);

    const env = { PAIRS: planned.output.pairs! };
    const merge = workspace('report');
    cpSync(join(artifacts, 'reports'), join(merge, 'reports'), { recursive: true });
    const merged = runJob(report!, merge, env, false);
    expect(merged.code, merged.log).toBe(0);
    const set = JSON.parse(readFileSync(join(merge, 'merged', 'report.json'), 'utf8')) as RunSet;
    expect(set.runs).toHaveLength(5);
    expect(set.merge!.missing).toEqual([]);
    expect(set.merge!.inputs).toHaveLength(6);
    expect(existsSync(join(merge, 'merged', 'junit.xml'))).toBe(true);
    expect(readFileSync(join(merge, 'merged', 'index.html'), 'utf8')).toContain('class="matrix"');

    // A job that never uploaded its report: the merge fails, naming what is missing.
    for (const lost of ['k1.37-s1', 'k1.37-s2']) {
      const partial = workspace(`report-without-${lost}`);
      cpSync(join(artifacts, 'reports'), join(partial, 'reports'), { recursive: true });
      rmSync(join(partial, 'reports', `${lost}.json`));
      const r = runJob(report!, partial, env, false);
      expect(r.code, r.log).toBe(1);
      expect(r.log).toMatch(/kubelab: missing: labs\/\S+ on v1\.37\.2|::error::4 of 5 \(lab, version\) pairs have a report/);
    }
  });
});
