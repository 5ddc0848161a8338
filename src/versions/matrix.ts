// The version × step matrix of a set of runs: per lab, one column per Kubernetes version, one row
// per step. Pure: data in, data out.
import type { MatrixCell, MatrixLab, RunMatrix, RunPair, RunReport, RunSet } from '../model/report.js';
import { VERSION } from '../version.js';
import { KUBERNETES_RELEASES } from '../setup/versions.js';
import { labKey, labRange, pairKey, sortPairs, versionLabel } from './plan.js';
import { compareVersions, parseVersion, satisfies } from './range.js';


/** The pair a run report is of; version `default` for reports without a `kubernetes` field. */
export function pairOf(report: RunReport): RunPair {
  return { lab: labKey(report.lab.file), version: report.kubernetes?.version ?? 'default' };
}

const byVersion = (a: string, b: string) => {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  return va && vb ? compareVersions(va, vb) : a < b ? -1 : a > b ? 1 : 0;
};

/** `1.35` for v1.35.4 (its minor's release in kubelab's table), else the version without `v`. */
export function labelOf(version: string): string {
  const release = KUBERNETES_RELEASES.find((r) => r.version === version);
  return release ? versionLabel(release) : version.replace(/^v/, '');
}

/**
 * The matrix of `runs` (each pair once: the caller drops duplicates) and of `planned` pairs that
 * have no run (cells `missing`). Labs in the order of `labs` (then any other lab seen in a run).
 */
export function buildMatrix(runs: readonly RunReport[], planned: readonly RunPair[] = [], labs: RunSet['labs'] = []): RunMatrix {
  const rows = new Map<string, MatrixLab>();
  const row = (file: string, info: { id: string; title: string; range?: string }) => {
    let r = rows.get(file);
    if (!r) {
      r = { file, id: info.id, title: info.title, ...(info.range !== undefined ? { range: info.range } : {}), versions: [], steps: [] };
      rows.set(file, r);
    }
    return r;
  };
  for (const l of labs) row(labKey(l.file), l);
  runs.forEach((report, index) => {
    const { lab, version } = pairOf(report);
    const r = row(lab, { ...report.lab, range: report.kubernetes?.range });
    if (r.range === undefined && report.kubernetes?.range !== undefined) r.range = report.kubernetes.range;
    const cell: MatrixCell = {
      version,
      label: report.kubernetes?.label ?? labelOf(version),
      inRange: report.kubernetes?.inRange ?? true,
      status: report.status,
      run: index,
      passed: report.summary.passed,
      steps: report.summary.steps,
    };
    r.versions.push(cell);
    for (const s of report.steps) {
      let step = r.steps.find((x) => x.slug === s.slug);
      if (!step) {
        step = { index: s.index, title: s.title, slug: s.slug, status: {} };
        r.steps.push(step);
      }
      step.status[version] = s.status;
    }
  });
  const ran = new Set(runs.map((r) => pairKey(pairOf(r))));
  for (const p of sortPairs(planned)) {
    if (ran.has(pairKey(p))) continue;
    const known = labs.find((l) => labKey(l.file) === p.lab);
    const r = row(p.lab, known ?? { id: p.lab, title: p.lab });
    const range = labRange(r.range);
    r.versions.push({ version: p.version, label: labelOf(p.version), inRange: !range || satisfies(p.version, range), status: 'missing' });
  }
  for (const r of rows.values()) {
    r.versions.sort((a, b) => byVersion(a.version, b.version));
    r.steps.sort((a, b) => a.index - b.index);
  }
  const versions = new Map<string, string>();
  for (const r of rows.values()) for (const c of r.versions) if (!versions.has(c.version) || c.status !== 'missing') versions.set(c.version, c.label);
  return {
    versions: [...versions].sort((a, b) => byVersion(a[0], b[0])).map(([version, label]) => ({ version, label })),
    labs: [...rows.values()].filter((r) => r.versions.length > 0),
  };
}

/** A run set document (docs/report-schema.md). */
export function runSet(init: { labs: RunSet['labs']; pairs: readonly RunPair[]; shard?: RunSet['shard']; runs: readonly RunReport[]; merge?: RunSet['merge'] }): RunSet {
  return {
    schemaVersion: 1,
    kind: 'run-set',
    kubelab: VERSION,
    createdAt: new Date().toISOString(),
    labs: init.labs,
    pairs: sortPairs(init.pairs),
    ...(init.shard ? { shard: init.shard } : {}),
    runs: [...init.runs],
    matrix: buildMatrix(init.runs, init.pairs, init.labs),
    ...(init.merge ? { merge: init.merge } : {}),
  };
}
