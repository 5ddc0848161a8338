// The gradebook model: what `kubelab grade` found for each learner. grades.json serializes it;
// grades.csv and the HTML gradebook are renderings of it.
import type { BlockStatus } from '../engine/types.js';
import type { SourcePos } from '../lab/model.js';

/** One learner as the instructor names them: a kubeconfig file and/or a context in it. */
export interface Learner {
  name: string;
  /** kubeconfig file (default: $KUBECONFIG's first file, else ~/.kube/config). */
  kubeconfig?: string;
  /** Context in that kubeconfig (default: its current-context). */
  context?: string;
}

export interface GradedCheck {
  id: string;
  name?: string;
  stepSlug: string;
  pos: SourcePos;
  command: string;
  status: BlockStatus;
  /** Points this check is worth (`points=N`, default 1). */
  points: number;
  earned: number;
  exitCode?: number | null;
  durationMs: number;
  output: string;
  expected?: string;
  diff?: string;
  message?: string;
  /** The mismatch in plain words ("line 2: expected `yes`, you got `no`"). */
  explanation: string[];
}

export interface GradedStep {
  index: number;
  slug: string;
  title: string;
  earned: number;
  possible: number;
  checks: GradedCheck[];
}

export interface LearnerGrade {
  learner: string;
  kubeconfig?: string;
  context?: string;
  /** `error`: the learner's cluster could not be graded at all (see `error`); score 0. */
  status: 'graded' | 'error';
  error?: { code: string; message: string; hint?: string };
  earned: number;
  possible: number;
  durationMs: number;
  steps: GradedStep[];
}

export interface GradebookStep {
  index: number;
  slug: string;
  title: string;
  possible: number;
  checks: number;
}

export interface Gradebook {
  schemaVersion: 1;
  kubelab: string;
  lab: { file: string; title: string; id: string };
  gradedAt: string;
  durationMs: number;
  /** Identity the checks ran as (`--as`), if any. */
  as?: string;
  steps: GradebookStep[];
  possible: number;
  learners: LearnerGrade[];
}
