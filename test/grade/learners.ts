// Fake learner "clusters" for grading tests: one kubeconfig with a context per learner whose
// namespace names the learner's work directory under GRADE_BASE (the fixtures' checks read it).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeCourse {
  base: string;
  kubeconfig: string;
  work(learner: string): string;
}

export function fakeCourse(learners: string[], server = 'https://127.0.0.1:1'): FakeCourse {
  const base = mkdtempSync(join(tmpdir(), 'kubelab-grade-'));
  const kubeconfig = join(base, 'kubeconfig');
  const contexts = learners.map((l) => `- name: ctx-${l}\n  context: { cluster: course, user: teacher, namespace: ${l} }`).join('\n');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\ncurrent-context: ctx-${learners[0]}\nclusters:\n- name: course\n  cluster: { server: '${server}', insecure-skip-tls-verify: true }\nusers:\n- name: teacher\n  user: { token: t0k3n }\ncontexts:\n${contexts}\n`);
  for (const l of learners) mkdirSync(join(base, l));
  return { base, kubeconfig, work: (l) => join(base, l) };
}
