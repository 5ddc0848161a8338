// `npm run test:versions`: labs/71 on the Kubernetes versions CI does not run it on
// (KUBELAB_TEST_VERSIONS, default every minor of kubelab's table but the default one that CI
// runs: 1.35 and 1.37; together with CI that is every version in the lab's `kubernetes:` range
// and the ones outside it), each on its own kind cluster made from that
// version's node image, driven through `kubelab run --cluster existing`. Set-up runs first
// through the CLI and its times are printed (a cold node-image build is 20-40 minutes). Then,
// per version, what docs/versions.md records: the step matrix, the configz default of
// enableSystemLogQuery, node log query with and without the NodeLogQuery feature gate, the
// `can-i` table and the kubelet's 403s. A step failing on a version outside the lab's
// `kubernetes:` is a finding, printed, not a test failure; inside it the lab must pass.
// Findings go to $KUBELAB_VERSIONS_OUT (default /tmp/kubelab-versions.json) as well.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_KUBERNETES, KUBERNETES_RELEASES, resolveKubernetes } from '../../src/setup/versions.js';
import { inRange as inLabRange, labRange } from '../../src/versions/plan.js';
import { loadLab } from '../../src/cli/load.js';
import { createVersionCluster, LAB71, runCli, versionTools, type VersionCluster } from './kind-version.js';

const exec = promisify(execFile);
const otherMinors = KUBERNETES_RELEASES.filter((r) => r.forMinor && r.version !== DEFAULT_KUBERNETES).map((r) => r.minor);
const versions = (process.env.KUBELAB_TEST_VERSIONS ?? otherMinors.join(',')).split(',').map((v) => v.trim()).filter(Boolean);
const outFile = process.env.KUBELAB_VERSIONS_OUT ?? join(tmpdir(), 'kubelab-versions.json');
// The lab's `kubernetes:` range (">=1.36"), as kubelab reads it.
const range = labRange((await loadLab(LAB71, process.cwd())).kubernetes);
const work = mkdtempSync(join(tmpdir(), 'kubelab-versions-'));
const findings: Record<string, unknown> = {};
afterAll(() => {
  writeFileSync(outFile, JSON.stringify(findings, null, 2) + '\n');
  console.log(`findings written to ${outFile}`);
  rmSync(work, { recursive: true, force: true });
});

interface Block {
  id: string;
  status: string;
  output: string;
}
interface Report {
  status: string;
  exitCode: number;
  summary: { cleanupFailures: number };
  steps: { index: number; slug: string; status: string; blocks: Block[] }[];
}

/** `kubectl get --raw PATH` on the cluster: exit code and what it printed. */
async function raw(cluster: VersionCluster, path: string): Promise<{ code: number; out: string }> {
  return exec(cluster.tools.kubectl, ['--kubeconfig', cluster.kubeconfig, 'get', '--raw', path], { maxBuffer: 16 << 20 }).then(
    (r) => ({ code: 0, out: r.stdout.trim() }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() }),
  );
}

const node = (c: VersionCluster) => `${c.name}-worker`;
const onNode = (c: VersionCluster, script: string) => exec('docker', ['exec', node(c), 'bash', '-c', script]).then((r) => r.stdout.trim(), (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`.trim());

/** Restarts the worker's kubelet with `lines` added to its config, and says whether it came back. */
async function withKubeletConfig(c: VersionCluster, lines: string, probe: () => Promise<unknown>): Promise<unknown> {
  const cfg = '/var/lib/kubelet/config.yaml';
  const quoted = lines.split('\n').map((l) => `'${l}'`).join(' ');
  await onNode(c, `cp ${cfg} ${cfg}.versions-bak && printf '%s\\n' ${quoted} >> ${cfg} && systemctl restart kubelet`);
  try {
    for (let i = 0; i < 60; i++) {
      if ((await raw(c, `/api/v1/nodes/${node(c)}/proxy/healthz`)).out === 'ok') return await probe();
      await new Promise((r) => setTimeout(r, 1000));
    }
    return { kubeletDidNotStart: await onNode(c, `journalctl -u kubelet -n 200 --no-pager | grep -iE 'feature gate|NodeLogQuery|error' | tail -n 3`) };
  } finally {
    await onNode(c, `mv ${cfg}.versions-bak ${cfg} && systemctl restart kubelet`);
    for (let i = 0; i < 60 && (await raw(c, `/api/v1/nodes/${node(c)}/proxy/healthz`)).out !== 'ok'; i++) await new Promise((r) => setTimeout(r, 1000));
  }
}

describe.each(versions)('labs/71 on Kubernetes %s', (version) => {
  const release = resolveKubernetes(version);
  const inRange = inLabRange(release, range);
  const name = `cluster-v${release.minor.replace('.', '')}`;
  let cluster: VersionCluster | undefined;
  afterAll(async () => {
    await cluster?.delete();
  });

  it('is set up (cold build times printed)', async () => {
    const ready = await versionTools(version);
    if (typeof ready !== 'string') {
      // Set up before: `kubelab setup` would only wait for the cache's lock when another
      // version is building, and say "cached".
      console.log(`[${release.version}] set up before: ${ready.nodeImage} (${ready.nodeImageSource})`);
      return;
    }
    const r = await runCli(['setup', '--kubernetes', version], {});
    console.log(`[${release.version}] kubelab setup, ${Math.round(r.ms / 1000)} s:\n${r.stdout.split('\n').filter((l) => /^setup: /.test(l)).join('\n')}`);
    expect(r.code, r.stderr).toBe(0);
  });

  it(`runs on a cluster of that version${inRange ? ' and passes (in the lab\'s range)' : ' (outside the lab\'s range: failures are findings)'}`, async () => {
    const tools = await versionTools(version);
    if (typeof tools === 'string') throw new Error(tools);
    cluster = await createVersionCluster(name, tools);
    const found: Record<string, unknown> = { version: release.version, nodeImage: tools.nodeImage, inLabRange: inRange };
    findings[release.version] = found;

    // Before the lab changes anything: the kubelet's defaults.
    const configz = JSON.parse((await raw(cluster, `/api/v1/nodes/${node(cluster)}/proxy/configz`)).out) as { kubeletconfig: Record<string, unknown> };
    found.configzEnableSystemLogQuery = configz.kubeletconfig.enableSystemLogQuery ?? '(absent)';
    found.configzFeatureGates = configz.kubeletconfig.featureGates ?? {};
    found.logQueryByDefault = await raw(cluster, `/api/v1/nodes/${node(cluster)}/proxy/logs/?query=kubelet&tailLines=1`);
    for (const gate of [false, true]) {
      found[`logQueryEnabledWithNodeLogQuery=${gate}`] = await withKubeletConfig(cluster, `enableSystemLogQuery: true\nfeatureGates:\n  NodeLogQuery: ${gate}`, async () => ({
        configzGates: (JSON.parse((await raw(cluster!, `/api/v1/nodes/${node(cluster!)}/proxy/configz`)).out) as { kubeletconfig: Record<string, unknown> }).kubeletconfig.featureGates,
        query: await raw(cluster!, `/api/v1/nodes/${node(cluster!)}/proxy/logs/?query=kubelet&tailLines=1`),
      }));
    }

    const report = join(work, `${release.version}.json`);
    const r = await runCli(['run', LAB71, '--cluster', 'existing', '--context', cluster.context, '--json', report, '--keep-going', '--var', `LAB71_STATE=${join(work, `${release.version}.state`)}`], {
      KUBECONFIG: cluster.kubeconfig,
      KUBELAB_STATE_DIR: join(work, `state-${release.version}`),
    });
    const rep = JSON.parse(readFileSync(report, 'utf8')) as Report;
    const block = (id: string) => rep.steps.flatMap((s) => s.blocks).find((b) => b.id === id);
    found.exitCode = r.code;
    found.steps = Object.fromEntries(rep.steps.map((s) => [`${s.index + 1} ${s.slug}`, s.status]));
    found.failedBlocks = rep.steps.flatMap((s) => s.blocks).filter((b) => b.status !== 'passed' && b.status !== 'skipped').map((b) => ({ id: b.id, output: b.output.slice(-800) }));
    found.canI = block('what-the-service-account-may-do/1')?.output;
    found.kubeletCodes = block('call-the-kubelet-as-the-service-account/3')?.output;
    found.kubeletForbidden = block('call-the-kubelet-as-the-service-account/4')?.output;
    found.apiserverProxy = block('the-api-server-s-node-proxy-is-another-door/1')?.output;
    console.log(`[${release.version}] ${JSON.stringify(found, null, 2)}`);

    expect(r.code, r.stdout + r.stderr).not.toBe(2);
    expect(rep.summary.cleanupFailures, r.stdout).toBe(0);
    if (inRange) expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
