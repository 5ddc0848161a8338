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
