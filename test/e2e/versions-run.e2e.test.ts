// `kubelab run LAB --kubernetes 1.36` on a real one-node kind cluster: the version goes through
// the product's set-up (the version is ready, so it is used as it is, whatever
// KUBELAB_NODE_IMAGE says), its own config (cluster-v1.36.1.env) and a cluster of its own name
// (NAME-v1-36), and the lab's shell and report carry that version: the node's kubelet is the
// version asked for. The cluster is deleted after the run. Cluster names start with
// $KUBELAB_TEST_PREFIX (default kubelab).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSet } from '../../src/model/report.js';
import { clusterToolsReadiness } from '../../src/setup/ready.js';
import { resolveKubernetes } from '../../src/setup/versions.js';
import { cliEnv, ROOT, runCliProcess } from '../cli/built-cli.js';

const cli = join(ROOT, 'dist', 'src', 'cli.js');
const release = resolveKubernetes('1.36');
const ready = await clusterToolsReadiness(release, process.env);
const name = `${process.env.KUBELAB_TEST_PREFIX ?? 'kubelab'}-versioned`;
const cluster = `${name}-v1-36`;
const work = mkdtempSync(join(tmpdir(), 'kubelab-versions-run-'));
const lab = join(work, 'versioned.md');
writeFileSync(
  lab,
  `---
title: On its version
id: on-its-version
kubernetes: ">=1.36"
cluster:
  provider: kind
  name: ${name}
---

# On its version

## The kubelet is the version asked for

\`\`\`sh
v=$(kubectl get nodes -o jsonpath='{.items[0].status.nodeInfo.kubeletVersion}')
echo "$v for $KUBELAB_K8S_VERSION"
[ "$v" = "$KUBELAB_K8S_VERSION" ]
\`\`\`
`,
);
const kind = ready.ready ? ready.tools.kind : 'kind';
const clusters = () => execFileSync(kind, ['get', 'clusters'], { encoding: 'utf8' }).split('\n');

describe.skipIf(!ready.ready || !existsSync(cli))(`kubelab run --kubernetes ${release.minor} on kind`, () => {
  afterAll(() => {
    if (ready.ready && clusters().includes(cluster)) execFileSync(kind, ['delete', 'cluster', '--name', cluster], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  });

  it('runs on a cluster of its own name from that version\'s set-up, the kubelet of that version, then deletes it', async () => {
    expect(clusters()).not.toContain(cluster);
    const json = join(work, 'run.json');
    // Another node image in KUBELAB_NODE_IMAGE names the default version's tools, not this run's.
    const r = await runCliProcess(cli, ['run', lab, '--kubernetes', release.minor, '--json', json], { env: cliEnv({ KUBELAB_STATE_DIR: join(work, 'state'), KUBELAB_NODE_IMAGE: 'kubelab/no-such-node-image:x', CI: 'true' }) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain(`setup: Kubernetes ${release.version} ready (${ready.ready ? ready.tools.nodeImage : ''}`);
    expect(r.stdout).toContain(`On its version · Kubernetes ${release.minor}`);
    expect(r.stdout).toContain(`Kubernetes ${release.version} on kind cluster ${cluster}`);
    const set = JSON.parse(readFileSync(json, 'utf8')) as RunSet;
    expect(set.runs).toHaveLength(1);
    expect(set.runs[0]!.kubernetes).toEqual({ version: release.version, label: release.minor, range: '>=1.36', inRange: true });
    expect(set.runs[0]!.steps[0]!.blocks[0]!.output).toBe(`${release.version} for ${release.version}\n`);
    expect(clusters()).not.toContain(cluster);
  }, 600_000);
});
