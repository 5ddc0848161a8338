// The kind provider and the Kubernetes executors on a REAL kind cluster, without the engine:
// create (or reuse) the cluster, edit the kubelet config and roll back a broken one, apply and
// delete objects, review access, then run the undos LIFO and check the cluster is as found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { ExecContext, Undo } from '../../src/engine/types.js';
import type { AccessReviewBlock, ApplyBlock, KubeletConfigBlock, Lab } from '../../src/lab/model.js';
import { getProvider } from '../../src/cluster/index.js';
import { kindClusters } from '../../src/cluster/kind.js';
import { toolEnv } from '../../src/cluster/env.js';
import type { KubeClusterHandle } from '../../src/cluster/handle.js';
import { UNDO_HANDLERS } from '../../src/blocks/registry.js';
import { applyBlock } from '../../src/blocks/apply.js';
import { kubeletConfigBlock } from '../../src/blocks/kubelet-config.js';
import { accessReviewBlock } from '../../src/blocks/access-review.js';
import { KubeClient } from '../../src/kube/client.js';
import { objectExists, ObjectApi } from '../../src/kube/objects.js';
import { parse } from 'yaml';

const env = toolEnv(process.env);
const ready = !!env.nodeImage;
const NAME = process.env.KUBELAB_E2E_CLUSTER ?? 'kubelab-e2e';
const stateDir = mkdtempSync(join(tmpdir(), 'kubelab-provider-'));
const pos = { file: 'fixture.md', line: 1 };
const attrs = { cleanup: false, verify: false, hint: false, solution: false, skip: false, unordered: false, secret: false, stream: 'both' as const, raw: {} };

const lab: Lab = {
  file: resolve('labs/71-node-log-kubelet-authz.md'),
  source: '',
  title: 'provider e2e',
  id: 'provider-e2e',
  cluster: { provider: 'kind', name: NAME, config: '../kind-config.yaml' },
  vars: {},
  timeout: 180_000,
  steps: [],
  cleanup: [],
};

const undos: { id: string; undo: Undo }[] = [];
let created = false;
let cluster: KubeClusterHandle;
const progress: string[] = [];

function ctx(timeoutMs = 180_000): ExecContext {
  return {
    lab,
    phase: 'step',
    shell: undefined as never,
    vars: {},
    isUndoPending: (match) => undos.some((u) => match(u.undo)),
    async registerUndo(undo) {
      const id = String(undos.length + 1);
      undos.push({ id, undo });
      return id;
    },
    async dropUndo(id) {
      const i = undos.findIndex((u) => u.id === id);
      if (i >= 0) undos.splice(i, 1);
    },
    cluster,
    signal: new AbortController().signal,
    timeoutMs,
    progress: (m) => progress.push(m),
  };
}

async function runUndos(): Promise<void> {
  while (undos.length) {
    const { undo } = undos.pop()!;
    switch (undo.kind) {
      case 'restore-file':
        await UNDO_HANDLERS['restore-file'](undo, {});
        break;
      case 'delete-objects':
        await UNDO_HANDLERS['delete-objects'](undo, {});
        break;
      case 'delete-cluster':
        await UNDO_HANDLERS['delete-cluster'](undo, {});
        break;
      case 'sh':
      case 'cleanup-block':
        throw new Error('no sh undos here');
    }
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.skipIf(!ready)('kind provider and Kubernetes actions on a real cluster', () => {
  beforeAll(async () => {
    const reuse = (await kindClusters(env.kind)).includes(NAME);
    const t0 = Date.now();
    cluster = (await getProvider('kind').setup(lab, { stateDir, reuse, progress: (m) => progress.push(m) }, ctx().registerUndo)) as KubeClusterHandle;
    created = !reuse;
    console.log(`cluster ${reuse ? 'reused' : 'created'} in ${Math.round((Date.now() - t0) / 1000)} s`);
  });
  afterAll(async () => {
    // Delete the cluster even when a test failed (the delete-cluster undo is the first one).
    try {
      await runUndos();
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('registered the delete-cluster undo before creating, with a private kubeconfig', () => {
    if (created) expect(undos[0]!.undo).toMatchObject({ kind: 'delete-cluster', name: NAME, kubeconfig: join(stateDir, 'kubeconfigs', `kind-${NAME}.yaml`) });
    expect(cluster.kubeconfigPath.startsWith(stateDir)).toBe(true);
  });

  it('refuses to take over a running cluster of the same name without reuse, and reuses it with reuse', async () => {
    const before = undos.length;
    const err = await getProvider('kind').setup(lab, { stateDir }, ctx().registerUndo).catch((e) => e);
    expect(err.code).toBe('cluster-exists');
    expect(err.hint).toContain('--reuse');
    const again = await getProvider('kind').setup(lab, { stateDir, reuse: true }, ctx().registerUndo);
    expect(again?.name).toBe(NAME);
    expect(undos.length).toBe(before);
  });

  it('a reuse keeps the kubeconfig of an earlier run while the same containers run, and asks kind again when they are not', async () => {
    const kubeconfig = join(stateDir, 'kubeconfigs', `kind-${NAME}.yaml`);
    const stamp = `${kubeconfig}.nodes`;
    const reuse = async () => {
      const lines: string[] = [];
      const h = await getProvider('kind').setup(lab, { stateDir, reuse: true, progress: (m) => lines.push(m) }, ctx().registerUndo);
      return { h: h as KubeClusterHandle, lines };
    };
    // The first reuse writes the node containers' ids beside the kubeconfig; the next one keeps it.
    await reuse();
    expect(readFileSync(stamp, 'utf8').trim().split(' ')).toHaveLength(3);
    const kept = await reuse();
    expect(kept.lines).toContain(`reusing kind cluster ${NAME} (its kubeconfig kept from an earlier run)`);
    expect((await kept.h.client().core.listNode()).items).toHaveLength(3);
    // Other containers (a cluster recreated under that name): the kept file is not trusted, even a broken one.
    writeFileSync(kubeconfig, readFileSync(kubeconfig, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'));
    writeFileSync(stamp, 'other containers\n');
    const asked = await reuse();
    expect(asked.lines).toContain(`reusing kind cluster ${NAME}`);
    expect((await asked.h.client().core.listNode()).items).toHaveLength(3);
  });

  it('the existing provider on the same cluster finds the kind node containers and uses docker exec', async () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = cluster.kubeconfigPath;
    try {
      const existing = (await getProvider('existing').setup({ ...lab, cluster: { provider: 'existing' } }, { stateDir }, ctx().registerUndo))!;
      expect(existing.context).toBe(`kind-${NAME}`);
      expect(existing.kubeconfigPath).not.toBe(cluster.kubeconfigPath);
      const worker = await existing.node('worker');
      expect(worker.ref).toEqual({ transport: 'docker', container: `${NAME}-worker` });
      expect((await worker.exec(['cat', '/etc/hostname'])).stdout.trim()).toBe(`${NAME}-worker`);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it('resolves node aliases to kind node names', async () => {
    expect(await cluster.nodeNames()).toEqual([`${NAME}-control-plane`, `${NAME}-worker`, `${NAME}-worker2`]);
    expect((await cluster.node('worker-0')).name).toBe(`${NAME}-worker`);
    expect((await cluster.node('worker-1')).name).toBe(`${NAME}-worker2`);
    expect((await cluster.node('control-plane')).ref).toEqual({ transport: 'docker', container: `${NAME}-control-plane` });
  });

  it('reads the kubelet journal and restarts a real systemd unit', async () => {
    const node = await cluster.node('worker-1');
    const t0 = Date.now();
    await node.restartService('kubelet', { timeoutMs: 60_000 });
    console.log(`kubelet restart, up 1 s: ${Date.now() - t0} ms`);
    expect((await node.exec(['systemctl', 'is-active', 'kubelet'])).stdout.trim()).toBe('active');
    expect((await node.journal('kubelet', 3)).trim().split('\n').length).toBeGreaterThanOrEqual(3);
  });

  it('kubelet-config turns enableSystemLogQuery on, and the undo gives back the exact bytes', async () => {
    const node = await cluster.node('worker');
    const before = await node.readFile('/var/lib/kubelet/config.yaml');
    const block: KubeletConfigBlock = { kind: 'kubelet-config', id: 's/1', pos, attrs, node: 'worker', patch: { enableSystemLogQuery: true } };
    const n = undos.length;
    const t0 = Date.now();
    const r = await kubeletConfigBlock.execute(block, ctx());
    console.log(`kubelet-config block: ${Date.now() - t0} ms`);
    expect(r.message).toBeUndefined();
    expect(r.status).toBe('passed');
    expect(r.output).toContain('+enableSystemLogQuery: true');
    expect(undos.length).toBe(n + 1);
    const client = KubeClient.load({ kubeconfigPath: cluster.kubeconfigPath });
    const configz = JSON.parse(await client.getRaw(`/api/v1/nodes/${NAME}-worker/proxy/configz`));
    expect(configz.kubeletconfig.enableSystemLogQuery).toBe(true);
    const logs = await client.getRaw(`/api/v1/nodes/${NAME}-worker/proxy/logs/?query=kubelet&tailLines=3`);
    expect(logs.trim().split('\n')).toHaveLength(3);

    // A second block on the same node does not register a second restore.
    const again = await kubeletConfigBlock.execute({ ...block, patch: { enableSystemLogQuery: true, enableProfilingHandler: false } }, ctx());
    expect(again.status).toBe('passed');
    expect(undos.length).toBe(n + 1);

    const restore = undos.pop()!.undo;
    expect(restore.kind).toBe('restore-file');
    await UNDO_HANDLERS['restore-file'](restore as Extract<Undo, { kind: 'restore-file' }>, {});
    expect(sha(await node.readFile('/var/lib/kubelet/config.yaml'))).toBe(sha(before));
  });

  it('kubelet-config with a config the kubelet refuses rolls back by itself and shows the journal', async () => {
    const node = await cluster.node('worker');
    const before = await node.readFile('/var/lib/kubelet/config.yaml');
    const n = undos.length;
    const block: KubeletConfigBlock = { kind: 'kubelet-config', id: 's/2', pos, attrs, node: 'worker', patch: { imageGCHighThresholdPercent: 200 } };
    const t0 = Date.now();
    const r = await kubeletConfigBlock.execute(block, ctx(40_000));
    console.log(`broken kubelet-config + rollback: ${Date.now() - t0} ms`);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/did not come back.*the previous config was restored and the kubelet restarted/);
    expect(r.output).toMatch(/last 20 lines of the kubelet's journal/);
    expect(r.output).toMatch(/imageGCHighThresholdPercent/);
    expect(undos.length).toBe(n);
    expect(sha(await node.readFile('/var/lib/kubelet/config.yaml'))).toBe(sha(before));
    expect((await node.exec(['systemctl', 'is-active', 'kubelet'])).stdout.trim()).toBe('active');
  });

  it('apply creates objects, keeps pre-existing ones, access-review checks RBAC, the undo deletes only what was created', async () => {
    const yaml = `apiVersion: v1
kind: Namespace
metadata: { name: kauthz-e2e }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: metrics-reader, namespace: kauthz-e2e }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: kubelab-e2e-metrics-only }
rules:
  - apiGroups: [""]
    resources: [nodes/metrics]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kubelab-e2e-metrics-only }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubelab-e2e-metrics-only }
subjects:
  - { kind: ServiceAccount, name: metrics-reader, namespace: kauthz-e2e }
---
apiVersion: v1
kind: Namespace
metadata: { name: default }
`;
    const block: ApplyBlock = { kind: 'apply', id: 's/3', pos, attrs, yaml, documents: yaml.split(/^---$/m).map((d) => parse(d)) };
    const r = await applyBlock.execute(block, ctx());
    expect(r.status).toBe('passed');
    expect(r.output).toBe(
      [
        'namespace/kauthz-e2e created',
        'serviceaccount/metrics-reader created',
        'clusterrole.rbac.authorization.k8s.io/kubelab-e2e-metrics-only created',
        'clusterrolebinding.rbac.authorization.k8s.io/kubelab-e2e-metrics-only created',
        'namespace/default configured (existed before: cleanup keeps it)',
        '',
      ].join('\n'),
    );
    const undo = undos[undos.length - 1]!.undo as Extract<Undo, { kind: 'delete-objects' }>;
    expect(undo.objects.map((o) => o.name)).toEqual(['kubelab-e2e-metrics-only', 'kubelab-e2e-metrics-only', 'metrics-reader', 'kauthz-e2e']);

    const review = (rows: [string, boolean][]): AccessReviewBlock => ({
      kind: 'access-review',
      id: 's/4',
      pos,
      attrs,
      subject: { kind: 'serviceaccount', namespace: 'kauthz-e2e', name: 'metrics-reader' },
      verb: 'get',
      resource: 'nodes',
      rows: rows.map(([subresource, allowed], i) => ({ subresource, allowed, line: 10 + i })),
    });
    const ok = await accessReviewBlock.execute(review([['metrics', true], ['proxy', false], ['log', false], ['healthz', false], ['configz', false], ['stats', false]]), ctx());
    expect(ok.status).toBe('passed');
    expect(ok.output).toBe('metrics yes\nproxy   no\nlog     no\nhealthz no\nconfigz no\nstats   no\n');
    const bad = await accessReviewBlock.execute(review([['metrics', true], ['configz', true]]), ctx());
    expect(bad.status).toBe('failed');
    expect(bad.message).toMatch(/^1 of 2 answers differ: configz: expected yes, got no \(fixture.md:11\)/);

    undos.pop();
    await UNDO_HANDLERS['delete-objects'](undo, {});
    const api = ObjectApi.forConfig(KubeClient.load({ kubeconfigPath: cluster.kubeconfigPath }).kc);
    expect(await objectExists(api, { apiVersion: 'v1', kind: 'Namespace', name: 'kauthz-e2e' })).toBe(false);
    expect(await objectExists(api, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'kubelab-e2e-metrics-only' })).toBe(false);
    expect(await objectExists(api, { apiVersion: 'v1', kind: 'Namespace', name: 'default' })).toBe(true);
  });
  it('apply keeps the case of names (advk-Upper and advk-upper are two objects) and shows the API server\'s validation error', async () => {
    const role = (name: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: ${name} }
rules:
  - { apiGroups: [""], resources: [nodes/metrics], verbs: [get] }
`;
    const block = (yaml: string, id: string): ApplyBlock => ({ kind: 'apply', id, pos, attrs, yaml, documents: yaml.split(/^---$/m).map((d) => parse(d)) });
    const upper = await applyBlock.execute(block(role('advk-Upper'), 's/5'), ctx());
    expect(upper.output).toBe('clusterrole.rbac.authorization.k8s.io/advk-Upper created\n');
    const api = ObjectApi.forConfig(KubeClient.load({ kubeconfigPath: cluster.kubeconfigPath }).kc);
    const ref = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name });
    expect(await objectExists(api, ref('advk-Upper'))).toBe(true);
    expect(await objectExists(api, ref('advk-upper'))).toBe(false);
    // Applying it again: it exists now (same case), so it is `configured`, not created twice.
    const again = await applyBlock.execute(block(role('advk-Upper'), 's/6'), ctx());
    expect(again.output).toBe('clusterrole.rbac.authorization.k8s.io/advk-Upper configured (existed before: cleanup keeps it)\n');
    const lower = await applyBlock.execute(block(role('advk-upper'), 's/7'), ctx());
    expect(lower.output).toBe('clusterrole.rbac.authorization.k8s.io/advk-upper created\n');

    // A name the API server refuses: its own validation message, not a URL mismatch.
    const invalid = `apiVersion: v1
kind: ConfigMap
metadata: { name: Bad_Name, namespace: default }
data: { a: b }
`;
    await expect(applyBlock.execute(block(invalid, 's/8'), ctx())).rejects.toThrow(/applying ConfigMap default\/Bad_Name failed: HTTP 422 Invalid: .*Invalid value: "Bad_Name"/);

    // Cleanup deletes exactly the two it created, by their own names.
    const mine = undos.filter((u) => u.undo.kind === 'delete-objects' && u.undo.objects.some((o) => o.name.toLowerCase() === 'advk-upper'));
    expect(mine.map((u) => (u.undo as Extract<Undo, { kind: 'delete-objects' }>).objects.map((o) => o.name))).toEqual([['advk-Upper'], ['advk-upper']]);
    for (const u of mine.reverse()) {
      undos.splice(undos.indexOf(u), 1);
      await UNDO_HANDLERS['delete-objects'](u.undo as Extract<Undo, { kind: 'delete-objects' }>, {});
    }
    expect(await objectExists(api, ref('advk-Upper'))).toBe(false);
    expect(await objectExists(api, ref('advk-upper'))).toBe(false);
  });

  it('access-review checks a namespace\'s Role, shows `-` rows, and warns about a verb or subresource nothing serves', async () => {
    const yaml = `apiVersion: v1
kind: Namespace
metadata: { name: advk-ns }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: reader, namespace: advk-ns }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: advk-ns }
rules:
  - { apiGroups: [""], resources: [pods, pods/log], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: pod-reader, namespace: advk-ns }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
subjects:
  - { kind: ServiceAccount, name: reader, namespace: advk-ns }
`;
    const applied = await applyBlock.execute({ kind: 'apply', id: 's/9', pos, attrs, yaml, documents: yaml.split(/^---$/m).map((d) => parse(d)) }, ctx());
    expect(applied.status).toBe('passed');
    const review = (verb: string, resource: string, rows: [string, boolean][], namespace?: string): AccessReviewBlock => ({
      kind: 'access-review',
      id: 's/10',
      pos,
      attrs: namespace ? { ...attrs, namespace } : attrs,
      subject: { kind: 'serviceaccount', namespace: 'advk-ns', name: 'reader' },
      verb,
      resource,
      rows: rows.map(([subresource, allowed], i) => ({ subresource, allowed, line: 20 + i })),
    });
    // The Role grants in its namespace only: yes there, no cluster-wide.
    const inNs = await accessReviewBlock.execute(review('get', 'pods', [['', true], ['log', true], ['exec', false]], 'advk-ns'), ctx());
    expect(inNs.status).toBe('passed');
    expect(inNs.stdout).toBe('-    yes\nlog  yes\nexec no\n');
    expect(inNs.stderr).toBe('');
    expect(inNs.command).toBe('access-review get pods in advk-ns as system:serviceaccount:advk-ns:reader: - log exec');
    const clusterWide = await accessReviewBlock.execute(review('get', 'pods', [['', true]]), ctx());
    expect(clusterWide.status).toBe('failed');
    expect(clusterWide.hint).toContain('kubectl auth can-i --list --as=system:serviceaccount:advk-ns:reader');

    // Misspelt names answer `no`, so the rows pass, with a warning naming what is unknown.
    progress.length = 0;
    const typo = await accessReviewBlock.execute(review('gett', 'nodes', [['metricz', false], ['metrics', false]]), ctx());
    expect(typo.status).toBe('passed');
    expect(typo.stderr).toMatch(/warning: verb `gett` is not one the API server knows for nodes/);
    expect(typo.stderr).toMatch(/warning: subresource `nodes\/metricz` is not served/);
    expect(typo.stderr).not.toMatch(/nodes\/metrics[^z]/);
    expect(progress.join('\n')).toMatch(/metricz/);
    const noSuch = await accessReviewBlock.execute(review('get', 'nodez', [['', false]]), ctx());
    expect(noSuch.stderr).toMatch(/resource `nodez` is not served by this cluster/);

    const undo = undos.pop()!.undo as Extract<Undo, { kind: 'delete-objects' }>;
    expect(undo.objects.map((o) => o.name)).toEqual(['pod-reader', 'pod-reader', 'reader', 'advk-ns']);
    await UNDO_HANDLERS['delete-objects'](undo, {});
  });
});
