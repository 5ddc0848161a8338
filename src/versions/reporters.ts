// A run on one Kubernetes version: the reporters see the version in the lab's header line and in
// the report (`RunReport.kubernetes`), though the engine knows nothing of versions.
import type { KubernetesRun, RunEvent, RunReport } from '../model/report.js';
import { dispatch, HOOKS, type Reporter } from '../report/types.js';


/** The report with its version, the field placed after `lab`. */
export function withKubernetes(report: RunReport, kubernetes: KubernetesRun): RunReport {
  const { schemaVersion, kubelab, runId, lab, ...rest } = report;
  return { schemaVersion, kubelab, runId, lab, kubernetes, ...rest };
}

/** `Kubernetes 1.35 (outside the lab's range >=1.36)`: how a run's header names its version. */
export function describeKubernetes(k: KubernetesRun): string {
  return `Kubernetes ${k.label}${k.inRange ? '' : ` (outside the lab's range ${k.range})`}`;
}

/**
 * One reporter that forwards every event to `reporters`: the run-end's report gets `kubernetes`;
 * with `header`, the run-start's lab title gets the version (`Title · Kubernetes 1.35`); with
 * `cluster`, a progress line says which kind cluster the version runs on.
 */
export function versionReporter(reporters: readonly Reporter[], kubernetes: KubernetesRun, opts: { header?: boolean; cluster?: string } = {}): Reporter {
  const { header = true, cluster } = opts;
  const forward = async (event: RunEvent): Promise<void> => {
    if (event.kind === 'run-start') {
      await dispatch(reporters, header ? { ...event, lab: { ...event.lab, title: `${event.lab.title} · ${describeKubernetes(kubernetes)}` } } : event);
      if (cluster) await dispatch(reporters, { kind: 'progress', message: `Kubernetes ${kubernetes.version} on kind cluster ${cluster}` });
      return;
    }
    await dispatch(reporters, event.kind === 'run-end' ? { ...event, report: withKubernetes(event.report, kubernetes) } : event);
  };
  const reporter: Record<string, unknown> = { name: 'kubernetes' };
  for (const hook of Object.values(HOOKS)) reporter[hook] = forward;
  return reporter as Reporter;
}
