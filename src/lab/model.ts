// The lab model: what a markdown lab means, as plain data. Produced by src/lab/parse.ts
// (pure: no I/O, nothing executed), consumed by the engine, the linter, `list` and `learn`.

/** Where something stands in the lab's markdown source. Lines and columns are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  col?: number;
}

export type ClusterProviderName = 'kind' | 'existing' | 'none';

export interface ClusterSpec {
  provider: ClusterProviderName;
  /** kind: cluster name; existing: kubeconfig context (optional). */
  name?: string;
  /** kind: path of a kind config file, relative to the lab file. */
  config?: string;
}

/** Which output stream an expected-output block is compared with. */
export type StreamSelector = 'both' | 'stdout' | 'stderr';

/** Attributes from a fence info string `{ key=value flag }`, validated and typed. */
export interface BlockAttrs {
  name?: string;
  /** Milliseconds. Falls back to the lab's default timeout. */
  timeout?: number;
  /** Expected exit code (default 0). */
  exit?: number;
  /** Milliseconds: re-run until the output matches or this much time has passed. */
  retry?: number;
  cleanup: boolean;
  verify: boolean;
  hint: boolean;
  solution: boolean;
  skip: boolean;
  unordered: boolean;
  /** Captured values of this block are secrets: redacted in every report. */
  secret: boolean;
  stream: StreamSelector;
  points?: number;
  /** Typed blocks: the node a kubelet-config block edits, e.g. `worker` or `kind-worker`. */
  node?: string;
  /** Typed blocks: the subject of an access-review block (`system:serviceaccount:ns:name` or a user name). */
  as?: string;
  /** access-review: verb (default get) and resource (default nodes). */
  verb?: string;
  resource?: string;
  /** access-review with a user subject: the user's groups (`groups=a,b`). */
  groups?: string[];
  /** access-review: the namespace the access is checked in (a Role there can grant it); none: cluster-wide. */
  namespace?: string;
  /** Source positions of each attribute as written, for lint messages. */
  raw: Record<string, string | true>;
}

/** An expected-output block (`text`/`output` fence after a command, or lines after a console `$ ` command). */
export interface ExpectedOutput {
  text: string;
  pos: SourcePos;
  unordered: boolean;
  stream: StreamSelector;
  /** True when it came from a `console` block (rewriting by `update` differs). */
  fromConsole: boolean;
}

interface BlockBase {
  /** Stable id: `<step-slug>/<n>` or `<step-slug>/<name>` when the block has a name. */
  id: string;
  pos: SourcePos;
  attrs: BlockAttrs;
}

/** A shell command run in the lab's persistent bash session. */
export interface ShBlock extends BlockBase {
  kind: 'sh';
  command: string;
  expected?: ExpectedOutput;
  /** Set for commands that came from a `console` fence. */
  console?: { index: number };
}

/** Multi-document YAML, server-side applied; deletes registered as undo in reverse order. */
export interface ApplyBlock extends BlockBase {
  kind: 'apply';
  yaml: string;
  documents: Record<string, unknown>[];
}

/** YAML merged into a node's kubelet config, then the kubelet is restarted and checked. */
export interface KubeletConfigBlock extends BlockBase {
  kind: 'kubelet-config';
  node: string;
  patch: Record<string, unknown>;
}

export interface AccessReviewRow {
  subresource: string;
  allowed: boolean;
  line: number;
}

/** A table `subresource yes|no` checked with SubjectAccessReview. */
export interface AccessReviewBlock extends BlockBase {
  kind: 'access-review';
  subject: AccessSubject;
  verb: string;
  resource: string;
  rows: AccessReviewRow[];
}

export type AccessSubject =
  | { kind: 'user'; user: string; groups: string[] }
  | { kind: 'serviceaccount'; namespace: string; name: string };

export type Block = ShBlock | ApplyBlock | KubeletConfigBlock | AccessReviewBlock;
export type BlockKind = Block['kind'];

export interface Step {
  /** 0-based index among the lab's steps (Cleanup excluded). */
  index: number;
  title: string;
  /** URL-style slug of the title, unique within the lab. */
  slug: string;
  pos: SourcePos;
  /** The markdown prose under the heading (code fences excluded), for learners. */
  prose: string;
  blocks: Block[];
}

export interface Lab {
  file: string;
  /** The whole markdown source (for `update` and `learn`). */
  source: string;
  title: string;
  id: string;
  kubernetes?: string;
  cluster: ClusterSpec;
  vars: Record<string, string>;
  /** Default block timeout in milliseconds. */
  timeout: number;
  steps: Step[];
  /** Markdown prose before the first step (the `#` title line and lab fences excluded). */
  intro?: string;
  /** Blocks of the `## Cleanup` section, run after the registered undos. */
  cleanup: Block[];
  cleanupPos?: SourcePos;
}

/** A lint finding. Severity `error` makes `lint` exit 2 and `run` refuse the lab. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  pos: SourcePos;
  message: string;
  /** What to do about it. */
  hint?: string;
  /** Stable kind of finding, e.g. `unknown-attribute` (see src/lab/diagnostics.ts). */
  code?: string;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
