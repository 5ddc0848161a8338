// waitForNodesReady follows a real HTTP watch: a small API-server stand-in answers the node list,
// then streams watch events; the wait must end on the event that makes the last node Ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/client.js';
import { waitForNodesReady } from '../../src/kube/nodes.js';

const node = (name: string, ready: boolean) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, resourceVersion: '1' },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', message: ready ? '' : 'container runtime network not ready' }] },
});

let server: http.Server;
let client: KubeClient;
let requests: string[] = [];
// What the next watch streams, and after how long each event comes.
let script: { delayMs: number; event: unknown }[] = [];
let listed: unknown[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url?.startsWith('/api/v1/nodes') && req.url.includes('watch=true')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      let t = 0;
      for (const s of script) {
        t += s.delayMs;
        setTimeout(() => res.write(JSON.stringify(s.event) + '\n'), t);
      }
      return; // the stream stays open, as a real watch does
    }
    if (req.url?.startsWith('/api/v1/nodes')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'NodeList', metadata: { resourceVersion: '7' }, items: listed }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  client = new KubeClient(kc);
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('waitForNodesReady', () => {
  it('returns at once when the list shows every node Ready', async () => {
    requests = [];
    listed = [node('a', true), node('b', true)];
    const nodes = await waitForNodesReady(client, { minCount: 2, timeoutMs: 5_000 });
    expect(nodes.map((n) => n.metadata?.name)).toEqual(['a', 'b']);
    expect(requests.some((u) => u.includes('watch=true'))).toBe(false);
  });

  it('follows the watch from the list resourceVersion and ends on the event that makes the last node Ready', async () => {
    requests = [];
    listed = [node('a', true), node('b', false)];
    script = [
      { delayMs: 100, event: { type: 'MODIFIED', object: node('b', false) } },
      { delayMs: 300, event: { type: 'ADDED', object: node('c', false) } },
      { delayMs: 100, event: { type: 'MODIFIED', object: node('b', true) } },
      { delayMs: 100, event: { type: 'MODIFIED', object: node('c', true) } },
    ];
    const progress: string[] = [];
    const t0 = Date.now();
    const nodes = await waitForNodesReady(client, { minCount: 3, timeoutMs: 10_000, progress: (m) => progress.push(m) });
    const took = Date.now() - t0;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual(['a', 'b', 'c']);
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(3_000);
    expect(requests.find((u) => u.includes('watch=true'))).toContain('resourceVersion=7');
    expect(progress[0]).toBe('waiting for nodes: a: Ready; b: Ready=False (KubeletNotReady: container runtime network not ready)');
  });

  it('waits for named nodes only, and times out saying which node is not Ready', async () => {
    listed = [node('a', true), node('b', false)];
    script = [];
    expect((await waitForNodesReady(client, { names: ['a'], timeoutMs: 2_000 })).map((n) => n.metadata?.name)).toEqual(['a']);
    await expect(waitForNodesReady(client, { names: ['b'], timeoutMs: 800 })).rejects.toThrow(/nodes not Ready within 1 s: a: Ready; b: Ready=False \(KubeletNotReady/);
  });
});
