// `kubelab list LAB.md...`: the steps of a lab and their blocks (id, kind, flags, line).
// `--json`: what CI needs to build a job matrix: each lab's versions in range, step count, cluster.
import type { Command } from 'commander';
import type { Block, Lab } from '../../lab/model.js';
import { painter } from '../../report/color.js';
import { describeBlock } from '../../report/describe.js';
import { oneLine } from '../../report/format.js';
import { DEFAULT_KUBERNETES, KUBERNETES_RELEASES } from '../../setup/versions.js';
import { defaultRelease, labKey, labRange, releasesInRange, versionLabel } from '../../versions/plan.js';
import { VERSION } from '../../version.js';
import { type CliCommand, type CliContext, QUIT_INTERRUPT } from '../context.js';
import { loadLabs } from './run.js';

export const listCommand: CliCommand = {
  name: 'list',
  interrupt: QUIT_INTERRUPT,
  register(program: Command, ctx: CliContext) {
    program
      .command('list')
      .summary('show the steps and blocks of labs')
      .argument('<labs...>', 'lab markdown files')
      .option('--json', 'print JSON for CI: each lab\'s versions in range, step count and cluster (docs/ci.md)')
      .action(async (files: string[], flags: { json?: boolean }) => {
        const labs = await loadLabs(files, ctx);
        if (!labs) {
          ctx.exitCode = 2;
          return;
        }
        if (flags.json) ctx.stdout.write(JSON.stringify(labListJson(labs), null, 2) + '\n');
        else for (const lab of labs) ctx.stdout.write(formatLabList(lab, ctx.color));
        ctx.exitCode = 0;
      });
  },
};

/** Flags worth showing: the boolean attributes that are set, and the valued ones. */
export function blockFlags(block: Block): string[] {
  const a = block.attrs;
  const flags: string[] = [];
  for (const key of ['verify', 'hint', 'solution', 'skip', 'cleanup', 'secret', 'unordered'] as const) if (a[key]) flags.push(key);
  if (a.name !== undefined) flags.push(`name=${a.name}`);
  if (a.timeout !== undefined) flags.push(`timeout=${a.timeout / 1000}s`);
  if (a.exit !== undefined) flags.push(`exit=${a.exit}`);
  if (a.retry !== undefined) flags.push(`retry=${a.retry / 1000}s`);
  if (a.stream !== 'both') flags.push(`stream=${a.stream}`);
  if (a.points !== undefined) flags.push(`points=${a.points}`);
  if (block.kind === 'sh' && block.expected) flags.push(`expects output (line ${block.expected.pos.line})`);
  return flags;
}

export function formatLabList(lab: Lab, color: boolean): string {
  const paint = painter(color);
  const out: string[] = [];
  const cluster = lab.cluster.provider + (lab.cluster.name ? ` ${lab.cluster.name}` : '');
  out.push(`${paint('bold', lab.title)} ${paint('dim', `(${lab.file}, id ${lab.id}, cluster ${cluster}, ${lab.steps.length} steps)`)}`);
  const blockLine = (b: Block) => {
    const flags = blockFlags(b);
    return `     ${b.id}  ${paint('cyan', b.kind)}${flags.length ? ` [${flags.join(', ')}]` : ''}  ${paint('dim', `line ${b.pos.line}`)}\n       ${paint('dim', oneLine(describeBlock(b), 90))}`;
  };
  for (const step of lab.steps) {
    out.push(`${String(step.index + 1).padStart(3)}. ${step.title} ${paint('dim', `(${step.slug}, line ${step.pos.line})`)}`);
    for (const b of step.blocks) out.push(blockLine(b));
  }
  if (lab.cleanup.length > 0 || lab.cleanupPos) {
    out.push(`     ${paint('bold', 'Cleanup')}${lab.cleanupPos ? ` ${paint('dim', `(line ${lab.cleanupPos.line})`)}` : ''}`);
    for (const b of lab.cleanup) out.push(blockLine(b));
  }
  return out.join('\n') + '\n';
}

/** `kubelab list --json` (docs/ci.md): the labs, their versions in range, and every version in range of any lab. */
export function labListJson(labs: readonly Lab[]) {
  const entries = labs.map((lab) => {
    const range = labRange(lab.kubernetes);
    return {
      file: labKey(lab.file),
      id: lab.id,
      title: lab.title,
      kubernetes: lab.kubernetes ?? null,
      /** What `--kubernetes range` runs it on: the minors of kubelab's table in its range. */
      versions: releasesInRange(range).map(versionLabel),
      defaultVersion: versionLabel(defaultRelease(range)),
      steps: lab.steps.length,
      blocks: lab.steps.reduce((n, s) => n + s.blocks.length, 0),
      cluster: { provider: lab.cluster.provider, ...(lab.cluster.name !== undefined ? { name: lab.cluster.name } : {}) },
    };
  });
  const inAny = new Set(entries.flatMap((e) => e.versions));
  return {
    kubelab: VERSION,
    /** Every Kubernetes version kubelab sets up (src/setup/versions.ts); `default` is what runs without --kubernetes. */
    kubernetes: { default: versionLabel(KUBERNETES_RELEASES.find((r) => r.version === DEFAULT_KUBERNETES)!), available: KUBERNETES_RELEASES.map(versionLabel) },
    /** The versions any lab has in its range, oldest first: a CI job matrix's `kubernetes` axis. */
    versions: KUBERNETES_RELEASES.map(versionLabel).filter((v) => inAny.has(v)),
    /** (lab, version) pairs of `kubelab run --kubernetes range`: what `--shard i/n` splits. */
    pairs: entries.reduce((n, e) => n + e.versions.length, 0),
    /** Whether any lab needs docker and kind (a CI job then needs `kubelab setup`). */
    needsKind: entries.some((e) => e.cluster.provider === 'kind'),
    labs: entries,
  };
}
