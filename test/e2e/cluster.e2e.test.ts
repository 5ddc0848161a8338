// The test cluster itself: a kind cluster of the article's shape, made from the
// node image that `npm run cluster:prepare` readied, on this very machine.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestCluster, deleteTestCluster, type TestCluster } from '../cluster/cluster.js';

const execFileAsync = promisify(execFile);
const kindConfig = fileURLToPath(new URL('../../kind-config.yaml', import.meta.url));
const name = `kl-e2e-${Date.now().toString(36)}`;

describe('test cluster from kind-config.yaml', () => {
  let cluster: TestCluster | undefined;

  beforeAll(async () => {
    cluster = await createTestCluster(name, kindConfig);
  }, 1_200_000);

  afterAll(async () => {
    // Also when creation failed half way: kind may have left containers.
    await deleteTestCluster(name);
  }, 300_000);

  function ready(): TestCluster {
    if (!cluster) throw new Error(`cluster ${name} was not created`);
    return cluster;
  }

  it('has a control plane and two workers, all Ready', async () => {
    const out = await ready().kubectl([
      'get', 'nodes', '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
    ]);
    const nodes = Object.fromEntries(out.trim().split('\n').map((line) => line.split('=') as [string, string]));
    expect(nodes).toEqual({
      [`${name}-control-plane`]: 'True',
      [`${name}-worker`]: 'True',
      [`${name}-worker2`]: 'True',
    });
  });

  it("serves a worker kubelet's configz through the API server proxy", async () => {
    const raw = await ready().kubectl(['get', '--raw', `/api/v1/nodes/${name}-worker/proxy/configz`]);
    const configz = JSON.parse(raw) as { kubeletconfig?: Record<string, unknown> };
    expect(configz.kubeletconfig).toBeTypeOf('object');
    expect(configz.kubeletconfig).toHaveProperty('cgroupDriver', 'systemd');
  });

  it("has kubelet lines in a worker's journal", async () => {
    const { stdout } = await execFileAsync('docker', [
      'exec', `${name}-worker`, 'journalctl', '-u', 'kubelet', '--no-pager', '-n', '5',
    ]);
    const lines = stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('-- '));
    expect(lines.length).toBeGreaterThan(0);
  });

  it('runs a pod on a worker with pod networking', async () => {
    const c = ready();
    const pod = 'e2e-pause';
    await c.kubectl([
      'run', pod, `--image=${c.env.pauseImage}`, '--image-pull-policy=Never', '--restart=Never',
      `--overrides={"apiVersion":"v1","spec":{"nodeName":"${name}-worker"}}`,
    ]);
    await c.kubectl(['wait', '--for=condition=Ready', `pod/${pod}`, '--timeout=180s'], { timeoutMs: 200_000 });
    const out = await c.kubectl(['get', 'pod', pod, '-o', 'jsonpath={.status.phase} {.spec.nodeName} {.status.podIP}']);
    const [phase, node, podIP] = out.trim().split(' ');
    expect(phase).toBe('Running');
    expect(node).toBe(`${name}-worker`);
    // An address from the pod subnet, not the node's: the CNI set the pod up.
    expect(podIP).toMatch(/^10\.244\./);
  });

  it('routes pod IPs across nodes: CoreDNS answers /health from every worker', async () => {
    const c = ready();
    await c.kubectl(['-n', 'kube-system', 'wait', '--for=condition=Ready', 'pod', '-l', 'k8s-app=kube-dns', '--timeout=180s'], {
      timeoutMs: 200_000,
    });
    // CoreDNS turns Ready only after it has listed Services through the
    // kubernetes Service IP: pod networking and kube-proxy both work.
    const ips = (await c.kubectl(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'jsonpath={.items[*].status.podIP}']))
      .trim()
      .split(/\s+/);
    expect(ips.length).toBeGreaterThan(0);
    for (const node of [`${name}-worker`, `${name}-worker2`]) {
      for (const ip of ips) {
        const { stdout } = await execFileAsync('docker', ['exec', node, 'curl', '-s', '-m', '10', `http://${ip}:8080/health`]);
        expect(stdout.trim(), `${node} -> ${ip}`).toBe('OK');
      }
    }
  });
});
