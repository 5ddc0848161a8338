// The course API of `kubelab serve`: each lab's progress (with whether its cleanup is pending) and
// the kind clusters the labs share, from labs/ as it is (nothing runs: a cluster is only
// created when a lab runs a block); deleting a cluster the course does not have is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/serve/course.js';
import { startServer, type RunningServer } from '../../src/serve/server.js';

const ROOT = resolve(__dirname, '../..');
const stateDir = mkdtempSync(join(tmpdir(), 'kubelab-course-api-'));

describe('the course API', () => {
  let server: RunningServer;
  const get = (path: string) => fetch(`http://127.0.0.1:${server.port}${path}`, { headers: { 'x-kubelab-token': server.token } });
  const post = (path: string, body: unknown) => fetch(`http://127.0.0.1:${server.port}${path}`, { method: 'POST', headers: { 'x-kubelab-token': server.token, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    const course = await loadCourse([join(ROOT, 'labs')], ROOT);
    // The kind provider is never called here: no block runs.
    server = await startServer({ course, host: '127.0.0.1', port: 0, stateDir, env: {}, providerOptions: { config: { tools: { kind: '/nonexistent/kind', docker: 'docker', ssh: 'ssh', kubectl: 'kubectl' } } as never }, keep: false });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('lists labs/ as one course on one shared cluster, nothing started', async () => {
    const c = (await (await get('/api/course')).json()) as { labs: { title: string; done: number; total: number; complete: boolean; cleanupPending: boolean }[]; clusters: { name: string; labs: string[]; ownedByCourse: boolean }[] };
    expect(c.labs.map((l) => [l.title, l.done, l.complete, l.cleanupPending])).toEqual([
      ["Read a node's logs with journalctl", 0, false, false],
      ["The kubelet's API and what nodes/proxy grants", 0, false, false],
      ['Node log query and fine-grained kubelet authorization', 0, false, false],
    ]);
    expect(c.clusters).toHaveLength(1);
    expect(c.clusters[0]).toMatchObject({ name: 'kubelab', ownedByCourse: false });
    expect(c.clusters[0]!.labs).toHaveLength(3);
  });

  it('refuses to delete a cluster that is not the course\'s, and does nothing to one it did not create', async () => {
    const bad = await post('/api/course/delete-cluster', { name: 'someone-else' });
    expect(bad.status).toBe(400);
    const notOwned = (await (await post('/api/course/delete-cluster', { name: 'kubelab' })).json()) as { ok: boolean; lines: string[] };
    expect(notOwned.lines).toEqual(['kind cluster kubelab was not created by this course: kubelab leaves it alone']);
    expect((await get('/api/course/delete-cluster')).status).toBe(405);
  });
});
