// `npm run bench`: issue 10's measures, each a ratio of two things measured in this same run
// (the machine may be shared and noisy: both sides run interleaved, several rounds, medians),
// each printed with its goal:
//   1. labs/71 on a reused kind cluster (`run --reuse --keep`) against bench/lab71-by-hand.sh;
//   2. `kubelab run` of a one-step `provider: none` lab against `kubelab --version` (and, as a
//      reference, loading the bundled Kubernetes client against the package);
//   3. `kubelab grade` of 20 learners (--parallel 8) against 1 learner (a provider:none lab with
//      real bash; on the cluster too when one is available);
//   4. 500 `true` steps through runLab against bash spawning `bash -c true` 500 times;
// then lint + parse of a generated 5,000-step lab.
// The cluster cases need a prepared kind cluster: KUBELAB_BENCH_CLUSTER names it (default: a
// running cluster named `kubelab`, the lab's own); without one they say so and are skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { BlockAttrs, Lab, Step } from '../src/lab/model.js';
import { runLab } from '../src/engine/runner.js';
import { toolEnv } from '../src/cluster/env.js';
import { loadsPackage } from '../build/bundle-kube-client.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist/src/cli.js');
const STEPS = 500;
const PARSE_STEPS = 5_000;
const ROUNDS = Number(process.env.KUBELAB_BENCH_ROUNDS ?? 5);
const CLUSTER_ROUNDS = Number(process.env.KUBELAB_BENCH_CLUSTER_ROUNDS ?? 2);
/** Idle time before each labs/71 run (ms): the same API server state for kubelab and the script. */
const SETTLE_MS = Number(process.env.KUBELAB_BENCH_SETTLE_MS ?? 15_000);
const LEARNERS = 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const attrs: BlockAttrs = { cleanup: false, verify: false, hint: false, solution: false, skip: false, unordered: false, secret: false, stream: 'both', raw: {} };

function trueLab(file: string, n: number): Lab {
  const steps: Step[] = Array.from({ length: n }, (_, i) => ({
    index: i,
    title: `Step ${i + 1}`,
    slug: `step-${i + 1}`,
    pos: { file, line: i * 6 + 1 },
    prose: '',
    blocks: [{ kind: 'sh', id: `step-${i + 1}/1`, pos: { file, line: i * 6 + 3 }, attrs, command: 'true' }],
  }));
  return { file, source: '', title: 'bench', id: 'bench', cluster: { provider: 'none' }, vars: {}, timeout: 60_000, steps, cleanup: [] };
}

function generatedLabSource(n: number): string {
  const parts = ['---', 'title: Generated lab', 'id: generated', 'timeout: 30s', '---', '', '# Generated lab', '', 'An introduction.', ''];
  for (let i = 1; i <= n; i++) {
    parts.push(`## Step ${i}: do thing ${i}`, '', `Some prose for step ${i}, with \`code\` and a [link](https://example.org/${i}).`, '');
    if (i % 3 === 0) parts.push('```sh { retry=10s timeout=5s }', `kubectl get pods -n ns-${i}`, '```', '', '```output', 'NAME READY STATUS', `web-${i} 1/1 Running`, '```', '');
    else if (i % 3 === 1) parts.push('```console', `$ echo step ${i}`, `step ${i}`, '```', '');
    else parts.push('```sh', `export V${i}=$(( ${i} * 2 ))`, `echo "$V${i}"`, '```', '', '```text', `${i * 2}`, '```', '');
  }
  parts.push('## Cleanup', '', '```sh', 'true', '```', '');
  return parts.join('\n');
}

/** Wall time of a command, in ms; throws with its output when it fails. */
function timed(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): number {
  const t = performance.now();
  const r = spawnSync(file, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}:\n${(r.stdout + r.stderr).slice(-3000)}`);
  return ms;
}

/** Runs `a` and `b` interleaved `rounds` times (after `warm` unmeasured rounds); their medians and each round's times. */
function compare(rounds: number, a: () => number, b: () => number, warm = 1): { a: number; b: number; as: number[]; bs: number[] } {
  for (let i = 0; i < warm; i++) {
    a();
    b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    as.push(a());
    bs.push(b());
  }
  return { a: median(as), b: median(bs), as, bs };
}

interface Row {
  measure: string;
  kubelab: string;
  reference: string;
  ratio: string;
  goal: string;
}
const rows: Row[] = [];
const notes: string[] = [];
const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);
function ratioRow(measure: string, k: number, ref: number, refName: string, goal: number): void {
  const r = k / ref;
  rows.push({ measure, kubelab: ms(k), reference: `${ms(ref)} (${refName})`, ratio: `${r.toFixed(2)}x`, goal: `<= ${goal}x ${r <= goal ? 'OK' : 'MISSED'}` });
}

function writeOneStepLab(dir: string): string {
  const file = join(dir, 'one-step.md');
  writeFileSync(file, '---\ntitle: One step\nid: bench-one-step\ncluster: { provider: none }\n---\n\n# One step\n\n## Say hello\n\n```sh\necho hello\n```\n\n```text\nhello\n```\n');
  return file;
}

/** A roster of `n` learners; with `kubeconfig`, all on that cluster (its current context). */
function writeRoster(dir: string, n: number, kubeconfig: string, context?: string): string {
  const file = join(dir, `roster-${n}-${context ?? 'none'}.csv`);
  writeFileSync(file, ['learner,kubeconfig,context', ...Array.from({ length: n }, (_, i) => `l${i + 1},${kubeconfig},${context ?? `ctx-l${i + 1}`}`)].join('\n') + '\n');
  return file;
}

function gradeNone(dir: string): void {
  // Each learner's "cluster" is a directory named by their context's namespace (as in the tests).
  const base = join(dir, 'course');
  mkdirSync(base, { recursive: true });
  const contexts = Array.from({ length: LEARNERS }, (_, i) => `- name: ctx-l${i + 1}\n  context: { cluster: course, user: teacher, namespace: l${i + 1} }`).join('\n');
  const kubeconfig = join(base, 'kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\ncurrent-context: ctx-l1\nclusters:\n- name: course\n  cluster: { server: 'https://127.0.0.1:1' }\nusers:\n- name: teacher\n  user: { token: t }\ncontexts:\n${contexts}\n`);
  for (let i = 1; i <= LEARNERS; i++) {
    mkdirSync(join(base, `l${i}`, 'logs'), { recursive: true });
    writeFileSync(join(base, `l${i}`, 'greeting.txt'), 'hello\n');
  }
  const lab = join(ROOT, 'test/fixtures/grade/homework.md');
  const one = writeRoster(dir, 1, kubeconfig);
  const many = writeRoster(dir, LEARNERS, kubeconfig);
  const env = { GRADE_BASE: base };
  const r = compare(ROUNDS, () => timed(process.execPath, [CLI, 'grade', lab, '--roster', many, '--parallel', '8'], { env }), () => timed(process.execPath, [CLI, 'grade', lab, '--roster', one], { env }));
  ratioRow(`grade ${LEARNERS} learners vs 1 (--parallel 8; provider:none, real bash)`, r.a, r.b, '1 learner', 1.5);
  // The same checks by hand, 8 learners at a time, one bash each: what the checks themselves cost.
  const check = 'w="$GRADE_BASE/l$1"; [ "$(cat "$w/greeting.txt")" = hello ] && test -d "$w/logs" && test ! -e "$w/tmp"';
  const byHand = (n: number) => () => timed('bash', ['-c', `seq ${n} | xargs -P 8 -I{} bash -c '${check}' _ {}`], { env });
  const h = compare(ROUNDS, byHand(LEARNERS), byHand(1));
  rows.push({ measure: `  the same checks by hand (bash, xargs -P 8), ${LEARNERS} vs 1`, kubelab: '', reference: `${ms(h.a)} vs ${ms(h.b)}`, ratio: `${(h.a / h.b).toFixed(2)}x`, goal: "reference: the checks' own cost" });
}

function gradeCluster(dir: string, kubeconfig: string): void {
  const lab = join(dir, 'grade-cluster.md');
  writeFileSync(
    lab,
    '---\ntitle: Cluster checks\nid: bench-grade-cluster\ncluster: { provider: existing }\n---\n\n# Cluster checks\n\n## Nodes\n\n```sh {verify}\nkubectl get nodes -o name | wc -l\n```\n\n```text\n3\n```\n\n## Access\n\n```access-review { as=system:anonymous verb=get resource=nodes verify }\nmetrics no\nproxy   no\n```\n',
  );
  const context = execFileSync(toolEnv(process.env).kubectl, ['--kubeconfig', kubeconfig, 'config', 'current-context'], { encoding: 'utf8' }).trim();
  const one = writeRoster(dir, 1, kubeconfig, context);
  const many = writeRoster(dir, LEARNERS, kubeconfig, context);
  const tools = toolEnv(process.env);
  const env = { PATH: `${resolve(tools.kubectl, '..')}:${process.env.PATH ?? ''}` };
  const r = compare(ROUNDS, () => timed(process.execPath, [CLI, 'grade', lab, '--roster', many, '--parallel', '8'], { env }), () => timed(process.execPath, [CLI, 'grade', lab, '--roster', one], { env }));
  ratioRow(`grade ${LEARNERS} learners vs 1 (--parallel 8; the kind cluster)`, r.a, r.b, '1 learner', 1.5);
  // The same checks by hand, 8 learners at a time (kubectl; SubjectAccessReviews for the access
  // review, as bench/lab71-by-hand.sh makes them): how
  // much of that ratio the checks themselves cost on this machine, whoever runs them.
  const sar = '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"system:anonymous","groups":["system:unauthenticated"],"resourceAttributes":{"verb":"get","resource":"nodes","subresource":"%s"}}}';
  const check = `[ "$(kubectl get nodes -o name | wc -l)" = 3 ] && for sr in metrics proxy; do [ "$(printf '${sar}' $sr | kubectl create -f - -o jsonpath='{.status.allowed}')" = false ] || exit 1; done`;
  const byHand = (n: number) => () => timed('bash', ['-c', `seq ${n} | xargs -P 8 -I{} bash -c '${check.replace(/'/g, `'\\''`)}'`], { env: { ...env, KUBECONFIG: kubeconfig } });
  const h = compare(ROUNDS, byHand(LEARNERS), byHand(1));
  const ratio = h.a / h.b;
  rows.push({ measure: `  the same checks by hand (kubectl, xargs -P 8), ${LEARNERS} vs 1`, kubelab: '', reference: `${ms(h.a)} vs ${ms(h.b)}`, ratio: `${ratio.toFixed(2)}x`, goal: 'reference: the checks\' own cost' });
  notes.push(`grading ${LEARNERS} learners on the cluster: kubelab ${ms(r.a)}, the same checks by hand ${ms(h.a)} (${(r.a / h.a).toFixed(2)}x); one learner: ${ms(r.b)} against ${ms(h.b)} (kubelab's start and the Kubernetes client's load)`);
  // The floor the checks themselves set: each learner's `sh` check runs its own kubectl, whose CPU
  // every added learner pays on this machine's cores, whatever runs the checks.
  const cpu = childCpuMs('kubectl get nodes -o name | wc -l', 10, { ...env, KUBECONFIG: kubeconfig });
  const cores = availableParallelism();
  const floor = r.b + ((LEARNERS - 1) * cpu) / cores;
  notes.push(
    `grading floor on the cluster: the lab's sh check (kubectl get nodes) uses ${cpu.toFixed(0)} ms of CPU per learner, so on ${cores} cores ${LEARNERS} learners take at least 1 learner + ${LEARNERS - 1} x ${cpu.toFixed(0)} ms / ${cores} = ${ms(floor)}: ${(floor / r.b).toFixed(2)}x before anything kubelab does per learner (the API server's CPU not counted)`,
  );
}

/** CPU (user + system, ms) that `command`'s processes use per run, from bash's `times` over `reps` runs. */
function childCpuMs(command: string, reps: number, env: NodeJS.ProcessEnv): number {
  const r = spawnSync('bash', ['-c', `for i in $(seq ${reps}); do ${command}; done >/dev/null; times`], { env: { ...process.env, ...env }, encoding: 'utf8' });
  // `times` prints the shell's own user and system time, then its children's: 0m0.123s 0m0.045s.
  const children = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (r.status !== 0 || secs.length !== 2) throw new Error(`bench: could not measure the CPU of ${command}: ${(r.stdout ?? '') + (r.stderr ?? '')}`);
  return ((secs[0]! + secs[1]!) * 1000) / reps;
}

/** The prepared cluster, if any: KUBELAB_BENCH_CLUSTER, else a running `kubelab` kind cluster. */
function benchCluster(): { name: string; why?: string } | { name?: undefined; why: string } {
  const tools = toolEnv(process.env);
  let clusters: string[];
  try {
    clusters = execFileSync(tools.kind, ['get', 'clusters'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
  } catch {
    return { why: `no kind (${tools.kind}); run \`npm run cluster:prepare\`` };
  }
  const wanted = process.env.KUBELAB_BENCH_CLUSTER ?? 'kubelab';
  if (!clusters.includes(wanted)) return { why: `no running kind cluster "${wanted}" (set KUBELAB_BENCH_CLUSTER to a prepared 3-node cluster of kind-config.yaml)` };
  return { name: wanted };
}

function lab71(dir: string, cluster: string): string {
  const tools = toolEnv(process.env);
  const kubeconfig = join(dir, `${cluster}.kubeconfig`);
  writeFileSync(kubeconfig, execFileSync(tools.kind, ['get', 'kubeconfig', '--name', cluster], { encoding: 'utf8' }));
  // The lab as written, on the bench's cluster.
  const src = readFileSync(join(ROOT, 'labs/71-node-log-kubelet-authz.md'), 'utf8').replace(/^ {2}name: kubelab$/m, `  name: ${cluster}`).replace('config: ../kind-config.yaml', `config: ${join(ROOT, 'kind-config.yaml')}`);
  const lab = join(dir, 'lab71.md');
  writeFileSync(lab, src);
  const stateDir = join(dir, 'lab71-state');
  const json = join(dir, 'lab71.json');
  const kubectlDir = resolve(tools.kubectl, '..');
  const env = { KUBECONFIG: kubeconfig, KUBECTL: tools.kubectl, PATH: `${kubectlDir}:${process.env.PATH ?? ''}`, KUBELAB_STATE_DIR: stateDir };
  // Both end by deleting the namespace kauthz, and how long the API server takes depends on when it
  // last deleted one: about 1.2 s within a few seconds of another deletion, about 5.4 s after 12 s
  // or more (measured on this cluster). Each run starts SETTLE_MS after the previous one ended, so
  // neither gets the fast deletion because the other just ran.
  let lastEnd = 0;
  const settled = (f: () => number) => () => {
    const wait = lastEnd + SETTLE_MS - performance.now();
    if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
    const t = f();
    lastEnd = performance.now();
    return t;
  };
  const byHand = settled(() => timed('bash', [join(ROOT, 'bench/lab71-by-hand.sh')], { env }));
  const kubelab = settled(() => timed(process.execPath, [CLI, 'run', lab, '--reuse', '--keep', '--reporter', 'silent', '--json', json], { env }));
  // Cold: the first of each after the cluster came up (or after whatever ran on it before).
  const coldHand = byHand();
  const coldKubelab = kubelab();
  const r = compare(CLUSTER_ROUNDS, kubelab, byHand, 0);
  ratioRow('labs/71, reused cluster, cold (first run)', coldKubelab, coldHand, 'bench/lab71-by-hand.sh', 1.1);
  ratioRow(`labs/71, reused cluster, warm (median of ${CLUSTER_ROUNDS})`, r.a, r.b, 'bench/lab71-by-hand.sh', 1.1);
  // Where kubelab's time went, from its own report.
  const report = JSON.parse(readFileSync(json, 'utf8')) as { steps: { blocks: { id: string; kind?: string; durationMs: number; command?: string }[] }[]; cleanup: { label: string; durationMs: number }[]; durationMs: number };
  const blocks = report.steps.flatMap((s) => s.blocks).filter((b) => b.durationMs > 500);
  notes.push(`labs/71 (last run, ${ms(report.durationMs)}): ${blocks.map((b) => `${b.id} ${ms(b.durationMs)}`).join(', ')}; cleanup ${report.cleanup.map((c) => `${c.label.slice(0, 40)} ${ms(c.durationMs)}`).join(', ')}`);
  return kubeconfig;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-bench-'));
  try {
    // 1. labs/71 on a reused cluster (and grading on that cluster).
    const cluster = benchCluster();
    if (cluster.name) {
      const kubeconfig = lab71(dir, cluster.name);
      gradeCluster(dir, kubeconfig);
    } else {
      notes.push(`cluster cases skipped: ${cluster.why}`);
    }

    // 2. Start-up: a one-step provider:none lab against --version.
    const one = writeOneStepLab(dir);
    const env = { KUBELAB_STATE_DIR: join(dir, 'state') };
    const r2 = compare(ROUNDS, () => timed(process.execPath, [CLI, 'run', one], { env }), () => timed(process.execPath, [CLI, '--version'], { env }));
    ratioRow('`kubelab run` of a one-step provider:none lab vs `kubelab --version`', r2.a, r2.b, '--version', 2);

    // What a lab with a cluster pays before its first request: loading the Kubernetes client,
    // as `npm run build` bundles it, against the package's ~970 modules.
    const load = (spec: string) => () => timed(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(spec)})`]);
    const bundled = join(ROOT, 'dist/src/kube/client-node.js');
    if (loadsPackage(readFileSync(bundled, 'utf8'))) notes.push('Kubernetes client load skipped: dist/src/kube/client-node.js is not bundled (run `npm run build`)');
    else {
      const r3 = compare(ROUNDS, load(pathToFileURL(bundled).href), load('@kubernetes/client-node'));
      rows.push({ measure: 'loading the Kubernetes client: the bundle vs @kubernetes/client-node', kubelab: ms(r3.a), reference: `${ms(r3.b)} (the package)`, ratio: `${(r3.a / r3.b).toFixed(2)}x`, goal: 'reference: start of every cluster lab' });
    }

    // 3. Grading, provider:none.
    gradeNone(dir);

    // 4. Per-step overhead: 500 `true` steps through runLab against 500 `bash -c true`.
    const file = join(dir, 'bench.md');
    writeFileSync(file, '# bench\n');
    const lab = trueLab(file, STEPS);
    await runLab(trueLab(file, 20), { stateDir: join(dir, 'state'), cwd: dir });
    const spawnLoop = `for i in $(seq ${STEPS}); do bash -c true; done`;
    const runTimes: number[] = [];
    const bashTimes: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bashTimes.push(timed('bash', ['--noprofile', '--norc', '-c', spawnLoop]));
      const t = performance.now();
      const report = await runLab(lab, { stateDir: join(dir, 'state'), cwd: dir });
      runTimes.push(performance.now() - t);
      if (report.exitCode !== 0) throw new Error(`bench lab failed: ${report.status} ${report.error?.message ?? ''}`);
    }
    ratioRow(`${STEPS} \`true\` steps through runLab vs ${STEPS} \`bash -c true\``, median(runTimes), median(bashTimes), `${STEPS} bash -c true`, 0.5);
    notes.push(`per step: runLab ${(median(runTimes) / STEPS).toFixed(2)} ms, bash -c true ${(median(bashTimes) / STEPS).toFixed(2)} ms`);

    // 5. lint + parse a generated 5,000-step lab.
    const source = generatedLabSource(PARSE_STEPS);
    const { analyzeLab, parseLab } = await import('../src/lab/parse.js');
    parseLab(generatedLabSource(50), 'warm.md');
    const both: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const src = `${source}\n<!-- round ${r} -->\n`;
      const t = performance.now();
      // The lab and its lint findings from one analysis (what a caller needing both uses).
      analyzeLab(src, 'generated.md');
      both.push(performance.now() - t);
    }
    const parse = median(both);
    rows.push({ measure: `lint + parse ${PARSE_STEPS} steps (${(source.length / 1024).toFixed(0)} KiB)`, kubelab: ms(parse), reference: '', ratio: '', goal: `< 300 ms ${parse < 300 ? 'OK' : 'MISSED'}` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const cols: (keyof Row)[] = ['measure', 'kubelab', 'reference', 'ratio', 'goal'];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => r[c].length))])) as Record<keyof Row, number>;
  const line = (r: Row) => cols.map((c) => r[c].padEnd(width[c])).join('  ').trimEnd();
  console.log(`kubelab benchmarks (${ROUNDS} rounds, medians; node ${process.version}; load ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`);
  console.log(line({ measure: 'measure', kubelab: 'kubelab', reference: 'reference', ratio: 'ratio', goal: 'goal' }));
  console.log(cols.map((c) => '-'.repeat(width[c])).join('  '));
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log(`- ${n}`);
}

await main();
