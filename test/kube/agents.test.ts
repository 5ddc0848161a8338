// Kept-open connections to the API server: requests with the same server and TLS credentials share
// one connection, requests with other client certificates never do, and headers (tokens) stay per
// request. A real TLS server (certificates made with openssl) counts the connections it accepts.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeSharedAgents, IDLE_MS, sharedAgent, sharedAgentCount } from '../../src/kube/agents.js';
import { waitForNodesReady } from '../../src/kube/nodes.js';
import { KubeClient } from '../../src/kube/client.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-agents-'));
const pem = (name: string) => readFileSync(join(dir, name), 'utf8');
const b64 = (name: string) => Buffer.from(pem(name)).toString('base64');

/** A CA, a server certificate for 127.0.0.1 and two client certificates (CN alice, bob). */
function makeCertificates(): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, subj, ext] of [['server', '/CN=127.0.0.1', ['-extfile', 'san.ext']], ['alice', '/CN=alice', []], ['bob', '/CN=bob', []]] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', ...ext);
  }
}

let server: https.Server;
let port = 0;
let connections = 0;
/** Per request: the connection's number, its client certificate's CN, the Authorization header. */
let seen: { conn: number; cn: string; auth: string; url: string }[] = [];

beforeAll(async () => {
  makeCertificates();
  server = https.createServer({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket & { conn?: number };
    seen.push({ conn: socket.conn!, cn: String(socket.getPeerCertificate()?.subject?.CN ?? ''), auth: req.headers.authorization ?? '', url: req.url ?? '' });
    res.writeHead(200, { 'content-type': 'application/json' });
    const node = (ready: boolean) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'slow', resourceVersion: '2' }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
    // A watch that stays quiet longer than a kept connection may stay idle, then sends the event.
    if (req.url?.startsWith('/api/v1/nodes?') && req.url.includes('watch=true')) {
      setTimeout(() => res.write(JSON.stringify({ type: 'MODIFIED', object: node(true) }) + '\n'), IDLE_MS + 1_000);
      return;
    }
    if (req.url?.startsWith('/api/v1/nodes')) return void res.end(JSON.stringify({ apiVersion: 'v1', kind: 'NodeList', metadata: { resourceVersion: '2' }, items: [node(false)] }));
    res.end(req.url?.startsWith('/api/v1/nodes/') ? JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: req.url.split('/')[4] } }) : '{"major":"1","minor":"36"}');
  });
  server.on('secureConnection', (s: TLSSocket & { conn?: number }) => (s.conn = ++connections));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
}, 60_000);
afterAll(() => {
  closeSharedAgents();
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  closeSharedAgents();
  server.closeAllConnections();
  connections = 0;
  seen = [];
});

/** A kubeconfig file with users alice and bob (client certificates) and carol and dave (tokens). */
function kubeconfig(): string {
  const file = join(dir, 'kubeconfig');
  const certUser = (n: string) => `- name: ${n}\n  user: { client-certificate-data: ${b64(`${n}.crt`)}, client-key-data: ${b64(`${n}.key`)} }`;
  const ctx = (n: string) => `- name: ${n}\n  context: { cluster: c, user: ${n} }`;
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: alice',
      'clusters:',
      `- name: c\n  cluster: { server: 'https://127.0.0.1:${port}', certificate-authority-data: ${b64('ca.crt')} }`,
      'users:',
      certUser('alice'),
      certUser('bob'),
      '- name: carol\n  user: { token: carol-token }',
      '- name: dave\n  user: { token: dave-token }',
      'contexts:',
      ...['alice', 'bob', 'carol', 'dave'].map(ctx),
    ].join('\n') + '\n',
  );
  return file;
}

describe('kept-open connections', () => {
  it('sends every request of one identity over one connection, across clients loaded separately', async () => {
    const file = kubeconfig();
    for (let i = 0; i < 3; i++) {
      const client = KubeClient.load({ kubeconfigPath: file });
      await client.core.readNode({ name: `n${i}` });
      await client.getRaw('/version');
    }
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/nodes/n0', '/version', '/api/v1/nodes/n1', '/version', '/api/v1/nodes/n2', '/version']);
    expect(seen.every((s) => s.cn === 'alice')).toBe(true);
    expect(connections).toBe(1);
  });

  it('never lets another client certificate use the connection', async () => {
    const file = kubeconfig();
    const alice = KubeClient.load({ kubeconfigPath: file, context: 'alice' });
    const bob = KubeClient.load({ kubeconfigPath: file, context: 'bob' });
    for (let i = 0; i < 2; i++) {
      await alice.core.readNode({ name: 'a' });
      await bob.core.readNode({ name: 'b' });
      await bob.getRaw('/version');
    }
    expect(connections).toBe(2);
    const byConn = new Map<number, Set<string>>();
    for (const s of seen) byConn.set(s.conn, new Set([...(byConn.get(s.conn) ?? []), s.cn]));
    expect([...byConn.values()].map((cns) => [...cns].sort())).toEqual(expect.arrayContaining([['alice'], ['bob']]));
    expect(seen.filter((s) => s.url.endsWith('/a')).every((s) => s.cn === 'alice')).toBe(true);
    expect(seen.filter((s) => s.url.endsWith('/b') || s.url === '/version').every((s) => s.cn === 'bob')).toBe(true);
  });

  it('keeps tokens per request on a shared connection', async () => {
    const file = kubeconfig();
    const carol = KubeClient.load({ kubeconfigPath: file, context: 'carol' });
    const dave = KubeClient.load({ kubeconfigPath: file, context: 'dave' });
    await carol.core.readNode({ name: 'c' });
    await dave.core.readNode({ name: 'd' });
    await carol.getRaw('/version');
    expect(seen.map((s) => `${s.url} ${s.auth}`)).toEqual(['/api/v1/nodes/c Bearer carol-token', '/api/v1/nodes/d Bearer dave-token', '/version Bearer carol-token']);
    expect(connections).toBe(1);
  });

  it('opens a new connection after the server closed the kept one', async () => {
    const client = KubeClient.load({ kubeconfigPath: kubeconfig() });
    await client.getRaw('/version');
    server.closeAllConnections();
    await new Promise((r) => setTimeout(r, 50));
    await client.getRaw('/version');
    expect(connections).toBe(2);
  });
});

describe('a watch on a kept connection', () => {
  it('outlives the idle timeout of kept connections while it waits for events', async () => {
    const client = KubeClient.load({ kubeconfigPath: kubeconfig() });
    await client.getRaw('/version');
    const nodes = await waitForNodesReady(client, { minCount: 1, timeoutMs: IDLE_MS + 10_000 });
    expect(nodes.map((n) => n.metadata?.name)).toEqual(['slow']);
    // The list and the version call shared one connection; the watch holds its own.
    expect(connections).toBeLessThanOrEqual(2);
  }, 30_000);
});

describe('sharedAgent', () => {
  it('shares by server and TLS options, and leaves other agents (a proxy\'s) alone', () => {
    const a = sharedAgent(new https.Agent({ ca: 'A' }), 'https://x');
    expect(sharedAgent(new https.Agent({ ca: 'A' }), 'https://x')).toBe(a);
    expect(sharedAgent(new https.Agent({ ca: 'B' }), 'https://x')).not.toBe(a);
    expect(sharedAgent(new https.Agent({ ca: 'A' }), 'https://y')).not.toBe(a);
    expect(sharedAgent(new https.Agent({ ca: Buffer.from('A') }), 'https://x')).not.toBe(a);
    expect((a as http.Agent & { keepAlive?: boolean }).keepAlive).toBe(true);
    class ProxyAgent extends https.Agent {}
    const proxy = new ProxyAgent({ ca: 'A' });
    expect(sharedAgent(proxy, 'https://x')).toBe(proxy);
    expect(sharedAgent(undefined, 'https://x')).toBeUndefined();
    expect(sharedAgentCount()).toBe(4);
  });
});
