// `npm run bench`: (a) the engine's per-step overhead, (b) parse + lint of a big lab.
// The machine may be shared and noisy: both sides of a comparison run in the same process,
// interleaved, several rounds; medians are reported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BlockAttrs, Lab, Step } from '../src/lab/model.js';
import { runLab } from '../src/engine/runner.js';
import { openShell } from '../src/engine/shell.js';

const STEPS = 500;
const PARSE_STEPS = 5_000;
const ROUNDS = 5;

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

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-bench-'));
  const rows: Array<[string, string, string]> = [];
  try {
    const file = join(dir, 'bench.md');
    writeFileSync(file, '# bench\n');
    const lab = trueLab(file, STEPS);
    const script = Array.from({ length: STEPS }, () => 'true').join('\n');

    // Warm up (module loading, JIT, page cache).
    await runLab(trueLab(file, 20), { stateDir: join(dir, 'state'), cwd: dir });

    const runTimes: number[] = [];
    const bashTimes: number[] = [];
    const shellTimes: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now();
      spawnSync('bash', ['--noprofile', '--norc', '-c', script]);
      bashTimes.push(performance.now() - t);

      t = performance.now();
      const report = await runLab(lab, { stateDir: join(dir, 'state'), cwd: dir });
      runTimes.push(performance.now() - t);
      if (report.exitCode !== 0) throw new Error(`bench lab failed: ${report.status} ${report.error?.message ?? ''}`);

      const sh = await openShell({ cwd: dir, env: process.env as Record<string, string> });
      t = performance.now();
      for (let i = 0; i < STEPS; i++) await sh.run('true');
      shellTimes.push(performance.now() - t);
      await sh.close();
    }
    const bash = median(bashTimes);
    const run = median(runTimes);
    const shell = median(shellTimes);
    const perStep = (run - bash) / STEPS;
    rows.push([`${STEPS} \`true\` steps in one \`bash -c\``, `${bash.toFixed(1)} ms`, 'baseline']);
    rows.push([`${STEPS} \`true\` blocks, Shell.run only`, `${shell.toFixed(1)} ms`, `${((shell - bash) / STEPS).toFixed(3)} ms/block over bash`]);
    rows.push([`${STEPS} \`true\` steps through runLab`, `${run.toFixed(1)} ms`, `${(run / bash).toFixed(1)}x bash`]);
    rows.push(['runLab overhead per step (median of rounds)', `${perStep.toFixed(3)} ms`, perStep < 2 ? 'target < 2 ms: OK' : 'target < 2 ms: MISSED']);
    const perRound = runTimes.map((t, i) => ((t - bashTimes[i]!) / STEPS).toFixed(2)).join(', ');
    rows.push(['  per round (ms/step)', perRound, '']);

    // (b) parse + lint a generated 5,000-step lab.
    const source = generatedLabSource(PARSE_STEPS);
    try {
      const { analyzeLab, parseLab } = await import('../src/lab/parse.js');
      parseLab(generatedLabSource(50), 'warm.md');
      const both: number[] = [];
      const parseOnly: number[] = [];
      let steps = 0;
      let diagnostics = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const src = `${source}\n<!-- round ${r} -->\n`;
        let t = performance.now();
        // The lab and its lint findings from one analysis (what a caller needing both uses).
        const analysis = analyzeLab(src, 'generated.md');
        diagnostics = analysis.diagnostics.length;
        steps = analysis.lab.steps.length;
        both.push(performance.now() - t);
        t = performance.now();
        parseLab(src, 'generated.md');
        parseOnly.push(performance.now() - t);
      }
      const ms = median(both);
      rows.push([`lint + parse ${steps} steps (${(source.length / 1024).toFixed(0)} KiB, ${diagnostics} diagnostics)`, `${ms.toFixed(1)} ms`, ms < 300 ? 'target < 300 ms: OK' : 'target < 300 ms: MISSED']);
      rows.push([`  parseLab alone`, `${median(parseOnly).toFixed(1)} ms`, '']);
    } catch (e) {
      rows.push([`parse + lint ${PARSE_STEPS} steps`, 'parser not available', (e as Error).message.split('\n')[0]!.slice(0, 60)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const w0 = Math.max(...rows.map((r) => r[0].length), 9);
  const w1 = Math.max(...rows.map((r) => r[1].length), 5);
  const line = `${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ${'-'.repeat(28)}`;
  console.log(`kubelab benchmarks (${ROUNDS} rounds, medians; node ${process.version})`);
  console.log(line);
  console.log(`${pad('benchmark', w0)}  ${pad('time', w1)}  note`);
  console.log(line);
  for (const [a, b, c] of rows) console.log(`${pad(a, w0)}  ${pad(b, w1)}  ${c}`);
  console.log(line);
}

await main();
