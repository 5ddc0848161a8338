// Sample gradebook and run report for the HTML tests: one full score, one partial with a failing
// diff, one learner whose cluster was unreachable, and hostile text that must come out escaped.
import type { Gradebook } from '../../src/grade/model.js';
import type { RunReport } from '../../src/engine/types.js';

const pos = (line: number) => ({ file: 'labs/rbac.md', line });

export function sampleGradebook(): Gradebook {
  const check = (id: string, stepSlug: string, ok: boolean, extra: Partial<Gradebook['learners'][0]['steps'][0]['checks'][0]> = {}) => ({
    id,
    stepSlug,
    pos: pos(10),
    command: `kubectl get pods -n team`,
    status: ok ? ('passed' as const) : ('failed' as const),
    points: 2,
    earned: ok ? 2 : 0,
    exitCode: ok ? 0 : 1,
    durationMs: 120,
    output: ok ? 'web Running' : 'web Pending <script>alert(1)</script>',
    explanation: [],
    ...extra,
  });
  return {
    schemaVersion: 1,
    kubelab: '0.1.0',
    lab: { file: 'labs/rbac.md', title: 'RBAC <basics>', id: 'rbac' },
    gradedAt: '2026-01-01T10:00:00.000Z',
    durationMs: 3400,
    steps: [
      { index: 0, slug: 'create-namespace', title: 'Create the namespace', possible: 2, checks: 1 },
      { index: 1, slug: 'run-web', title: 'Run web', possible: 2, checks: 1 },
    ],
    possible: 4,
    learners: [
      {
        learner: 'alice',
        context: 'kind-alice',
        status: 'graded',
        earned: 4,
        possible: 4,
        durationMs: 900,
        steps: [
          { index: 0, slug: 'create-namespace', title: 'Create the namespace', earned: 2, possible: 2, checks: [check('create-namespace/1', 'create-namespace', true)] },
          { index: 1, slug: 'run-web', title: 'Run web', earned: 2, possible: 2, checks: [check('run-web/1', 'run-web', true)] },
        ],
      },
      {
        learner: 'bob <b>',
        context: 'kind-bob',
        status: 'graded',
        earned: 2,
        possible: 4,
        durationMs: 800,
        steps: [
          { index: 0, slug: 'create-namespace', title: 'Create the namespace', earned: 2, possible: 2, checks: [check('create-namespace/1', 'create-namespace', true)] },
          {
            index: 1,
            slug: 'run-web',
            title: 'Run web',
            earned: 0,
            possible: 2,
            checks: [
              check('run-web/1', 'run-web', false, {
                expected: 'web Running',
                diff: '--- expected (labs/rbac.md:12)\n+++ actual\n@@ -1 +1 @@\n-web Running\n+web Pending <script>alert(1)</script>\n',
                explanation: ['line 1: expected `web Running`, you got `web Pending <script>alert(1)</script>`'],
                message: 'the output does not match',
              }),
            ],
          },
        ],
      },
      {
        learner: 'carol',
        context: 'kind-carol',
        status: 'error',
        error: { code: 'unreachable', message: 'the API server of context "kind-carol" (https://127.0.0.1:1) did not answer within 5000 ms', hint: 'is the learner\'s cluster running?' },
        earned: 0,
        possible: 4,
        durationMs: 5000,
        steps: [
          { index: 0, slug: 'create-namespace', title: 'Create the namespace', earned: 0, possible: 2, checks: [] },
          { index: 1, slug: 'run-web', title: 'Run web', earned: 0, possible: 2, checks: [] },
        ],
      },
    ],
  };
}

export function sampleRunReport(): RunReport {
  const block = (id: string, status: 'passed' | 'failed', durationMs: number, extra: Partial<RunReport['steps'][0]['blocks'][0]> = {}) => ({
    id,
    kind: 'sh' as const,
    pos: pos(20),
    status,
    command: 'kubectl get ns',
    exitCode: status === 'passed' ? 0 : 1,
    timedOut: false,
    attempts: 1,
    durationMs,
    output: status === 'passed' ? 'ok' : 'Error from server (NotFound): <x>',
    stdout: '',
    stderr: '',
    ...extra,
  });
  return {
    schemaVersion: 1,
    kubelab: '0.1.0',
    runId: 'r-123',
    lab: { file: 'labs/rbac.md', title: 'RBAC basics', id: 'rbac' },
    startedAt: '2026-01-01T10:00:00.000Z',
    finishedAt: '2026-01-01T10:00:10.000Z',
    durationMs: 10_000,
    status: 'failed',
    exitCode: 1,
    steps: [
      { index: 0, title: 'Create the namespace', slug: 'create-namespace', pos: pos(5), status: 'passed', durationMs: 2000, blocks: [block('create-namespace/1', 'passed', 2000)] },
      { index: 1, title: 'Run web', slug: 'run-web', pos: pos(15), status: 'failed', durationMs: 7000, blocks: [block('run-web/1', 'failed', 7000, { expected: 'web', diff: '--- expected\n+++ actual\n@@ -1 +1 @@\n-web\n+Error from server (NotFound): <x>\n', message: 'output does not match' })] },
    ],
    cleanup: [{ label: 'delete Namespace team', source: 'undo', status: 'passed', durationMs: 800 }],
    summary: { steps: 2, passed: 1, failed: 1, skipped: 0, errors: 0, cleanupFailures: 0 },
  };
}

/** A failing run whose failing block has long output (real kubectl output is): the diff must not hide below it. */
export function sampleLongFailure(): RunReport {
  const r = sampleRunReport();
  const long = Array.from({ length: 120 }, (_, i) => `I0101 10:00:${String(i % 60).padStart(2, '0')}.000000  1 log.go:42] line ${i} of a long kubectl -v=6 output`).join('\n');
  const failing = r.steps[1]!.blocks[0]!;
  r.steps[1]!.blocks[0] = { ...failing, output: `${long}\nError from server (NotFound): <x>`, message: 'the output of `kubectl get ns` does not match' };
  return r;
}

/** A passing run with hint and solution blocks, inline code in titles, and a step not selected. */
export function samplePassingRun(kubernetes?: RunReport['kubernetes']): RunReport {
  const base = sampleRunReport();
  const block = (id: string, status: 'passed' | 'skipped', message?: string) => ({
    id,
    kind: 'sh' as const,
    pos: pos(30),
    status,
    command: 'kubectl auth can-i get nodes/proxy',
    exitCode: status === 'passed' ? 0 : undefined,
    timedOut: false,
    attempts: status === 'passed' ? 1 : 0,
    durationMs: status === 'passed' ? 1500 : 0,
    output: status === 'passed' ? 'yes' : '',
    stdout: '',
    stderr: '',
    ...(message ? { message } : {}),
  });
  return {
    ...base,
    ...(kubernetes ? { kubernetes } : {}),
    lab: { file: 'labs/authz.md', title: 'Kubelet authz with `nodes/proxy`', id: 'authz' },
    status: 'passed',
    exitCode: 0,
    durationMs: 95_000,
    steps: [
      { index: 0, title: 'Check `configz`', slug: 'check-configz', pos: pos(10), status: 'passed', durationMs: 40_000, blocks: [block('check-configz/1', 'passed'), block('check-configz/2', 'skipped', 'hint')] },
      { index: 1, title: 'Query the node log', slug: 'query-the-node-log', pos: pos(20), status: 'passed', durationMs: 52_000, blocks: [block('query-the-node-log/1', 'passed'), block('query-the-node-log/2', 'skipped', 'solution')] },
      { index: 2, title: 'Clean up by hand', slug: 'clean-up-by-hand', pos: pos(40), status: 'skipped', durationMs: 0, blocks: [block('clean-up-by-hand/1', 'skipped', 'an earlier step failed')] },
    ],
    summary: { steps: 3, passed: 2, failed: 0, skipped: 1, errors: 0, cleanupFailures: 0 },
  };
}
