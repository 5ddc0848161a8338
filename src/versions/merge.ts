// `kubelab report --merge`: shard reports (run sets, or plain run reports) joined into one run set.
// Pure: the CLI reads the files. Inputs of different courses, or shards of different splits of one
// plan, are refused; pairs that no input ran (a shard not given, an interrupted one) and pairs run
// twice are kept in `merge.missing` / `merge.duplicates` for the CLI to say.
import { UsageError } from '../errors.js';
import type { RunPair, RunReport, RunSet } from '../model/report.js';
import { pairOf, runSet } from './matrix.js';
import { labKey, pairKey, sortPairs } from './plan.js';

export interface MergeInput {
  /** The file as the user named it, for messages. */
  file: string;
  report: RunSet | RunReport[];
}

const isRunSet = (r: RunSet | RunReport[]): r is RunSet => !Array.isArray(r);

export function mergeReports(inputs: readonly MergeInput[]): RunSet {
  checkSameCourse(inputs);
  checkSameSplit(inputs);
  const labs = new Map<string, RunSet['labs'][number]>();
  const planned = new Map<string, RunPair>();
  const ranIn = new Map<string, { pair: RunPair; inputs: string[] }>();
  const runs: RunReport[] = [];
  for (const { file, report } of inputs) {
    const reports = isRunSet(report) ? report.runs : report;
    if (isRunSet(report)) {
      for (const l of report.labs) if (!labs.has(labKey(l.file))) labs.set(labKey(l.file), l);
      for (const p of report.pairs) planned.set(pairKey(p), p);
    }
    for (const r of reports) {
      const pair = pairOf(r);
      const key = pairKey(pair);
      if (!labs.has(pair.lab)) labs.set(pair.lab, { file: r.lab.file, id: r.lab.id, title: r.lab.title, ...(r.kubernetes?.range !== undefined ? { range: r.kubernetes.range } : {}) });
      planned.set(key, pair);
      const seen = ranIn.get(key);
      if (seen) {
        seen.inputs.push(file);
        continue;
      }
      ranIn.set(key, { pair, inputs: [file] });
      runs.push(r);
    }
  }
  const missing = sortPairs([...planned].filter(([key]) => !ranIn.has(key)).map(([, p]) => p));
  const duplicates = sortPairs([...ranIn.values()].filter((d) => d.inputs.length > 1).map((d) => ({ ...d.pair, inputs: d.inputs })));
  return runSet({
    labs: [...labs.values()],
    pairs: [...planned.values()],
    runs,
    merge: {
      inputs: inputs.map(({ file, report }) => ({ file, ...(isRunSet(report) && report.shard ? { shard: report.shard } : {}), runs: isRunSet(report) ? report.runs.length : report.length })),
      missing,
      duplicates,
    },
  });
}

/** Run sets list the labs their command was given: those lists must agree. */
function checkSameCourse(inputs: readonly MergeInput[]): void {
  const sets = inputs.filter((i): i is MergeInput & { report: RunSet } => isRunSet(i.report));
  const first = sets[0];
  if (!first) return;
  const labsOf = (s: RunSet) => new Set(s.labs.map((l) => labKey(l.file)));
  const a = labsOf(first.report);
  for (const other of sets.slice(1)) {
    const b = labsOf(other.report);
    const onlyA = [...a].filter((l) => !b.has(l));
    const onlyB = [...b].filter((l) => !a.has(l));
    if (onlyA.length === 0 && onlyB.length === 0) continue;
    const says = [onlyA.length ? `only ${first.file} has ${onlyA.join(', ')}` : '', onlyB.length ? `only ${other.file} has ${onlyB.join(', ')}` : ''].filter(Boolean).join('; ');
    throw new UsageError('merge-different-courses', `${first.file} and ${other.file} are not reports of the same course: ${says}`, {
      hint: 'merge the shard reports of one `kubelab run` command line (the same lab files on every shard)',
    });
  }
}

/** Shards of one plan (the same pairs) must come from one split (the same TOTAL). */
function checkSameSplit(inputs: readonly MergeInput[]): void {
  const byPlan = new Map<string, { file: string; total: number }>();
  for (const { file, report } of inputs) {
    if (!isRunSet(report) || !report.shard) continue;
    const plan = report.pairs.map(pairKey).join('\n');
    const seen = byPlan.get(plan);
    if (!seen) byPlan.set(plan, { file, total: report.shard.total });
    else if (seen.total !== report.shard.total) {
      throw new UsageError('merge-different-splits', `${seen.file} is a shard of ${seen.total} and ${file} a shard of ${report.shard.total} of the same runs: their shares overlap and leave gaps`, {
        hint: 'merge the shards of one split: every job of a workflow gets the same --shard TOTAL',
      });
    }
  }
}
