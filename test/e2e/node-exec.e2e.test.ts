// labs/71, a kind lab, run on the learner's own cluster: `kubelab run --cluster existing` on a
// kind cluster made here, its node commands (node_exec in the sh blocks, the kubelet-config
// block) reaching the worker with docker exec, then over real ssh to an sshd running in the
// worker's container (--ssh worker-0=root@IP --ssh-config FILE). One cluster, deleted at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVersionCluster, LAB71, runCli, startSshdInNode, versionTools, type NodeSshd, type VersionCluster } from './kind-version.js';

const NAME = 'cluster-nodeexec';
const tools = await versionTools('1.36');
const stateDir = mkdtempSync(join(tmpdir(), 'kubelab-nodeexec-state-'));
let cluster: VersionCluster;

beforeAll(async () => {
  if (typeof tools === 'string') throw new Error(tools);
  cluster = await createVersionCluster(NAME, tools);
});
afterAll(async () => {
  await cluster?.delete();
  rmSync(stateDir, { recursive: true, force: true });
});

// Each run its own state dir and lab state file: a run that fails does not stop the next one,
// and other runs of labs/71 on this machine do not share the default /tmp file.
let runs = 0;
const run71 = (...flags: string[]) => {
  const dir = join(stateDir, String(++runs));
  return runCli(['run', LAB71, '--cluster', 'existing', '--context', cluster.context, '--var', `LAB71_STATE=${dir}.lab71.state`, ...flags], { KUBECONFIG: cluster.kubeconfig, KUBELAB_STATE_DIR: dir });
};

describe('labs/71 on an existing cluster', () => {
  it('runs with docker exec for a node that is a kind container, and sets up nothing', async () => {
    const r = await run71();
    expect(r.stdout + r.stderr, r.stdout + r.stderr).toMatch(/using context kind-cluster-nodeexec \(3 nodes\)/);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^setup:/m);
    // Not a kind cluster of kubelab's: nothing was created, nothing deleted.
    expect(await cluster.kubectl('get', 'nodes', '-o', 'name')).toMatch(/cluster-nodeexec-worker/);
  });

  describe('over real ssh to the worker', () => {
    let sshd: NodeSshd;
    beforeAll(async () => {
      sshd = await startSshdInNode(`${NAME}-worker`);
    });

    it('runs every node command of the lab through sshd (node_exec and the kubelet-config block)', async () => {
      const before = await sshd.accepted();
      const r = await run71('--ssh', `worker-0=${sshd.target}`, '--ssh-config', sshd.sshConfig);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      // node_exec: 2 in step 1, 1 + 1 in step 3, 2 in cleanup; the kubelet-config block and its
      // undo read, back up, write, restart and restore over ssh as well.
      expect(await sshd.accepted() - before).toBeGreaterThanOrEqual(10);
    });

    it('fails at the first node command when that ssh target does not answer (ssh is really used)', async () => {
      const before = await sshd.accepted();
      const r = await run71('--ssh', `worker-0=${sshd.target.replace(/@.*/, '@127.0.0.1')}`, '--ssh-config', sshd.sshConfig, '--only', '1');
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/Connection refused|connect to host 127\.0\.0\.1/);
      expect(await sshd.accepted()).toBe(before);
    });
  });

  it('an --ssh for a node the cluster does not have is a usage error before any step', async () => {
    const r = await run71('--ssh', 'worker-5=root@10.0.0.9');
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/--ssh worker-5=root@10\.0\.0\.9: node "worker-5" is not in the cluster/);
  });
});
