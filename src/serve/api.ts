// The page's state API (JSON): the course and its progress, one lab's state, and the learner's
// actions (run a block, check, go to a step, clean up). The rooms (./room.ts) do the work.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Course } from './course.js';
import { BusyError, type LabRoom } from './room.js';
import type { CourseClusters } from '../course/shared-cluster.js';
import { courseProgress, isFinished, labProgressView } from '../course/progress.js';

export interface Rooms {
  course: Course;
  stateDir: string;
  /** The kind clusters labs of the course share. */
  clusters: CourseClusters;
  room(index: number): Promise<LabRoom>;
}

/** What the course index shows of the shared clusters. */
async function clusterViews(rooms: Rooms): Promise<unknown[]> {
  return (await rooms.clusters.status()).map((c) => ({ ...c, labs: c.labs.map((i) => rooms.course.labs[i]!.title) }));
}

/** Delete the course's clusters whose labs are all finished (after a lab's cleanup): lines to show. */
async function finishCourseClusters(rooms: Rooms): Promise<{ ok: boolean; lines: string[] }> {
  const deleted = await rooms.clusters.finishDone(async (i) => isFinished(await labProgressView(rooms.stateDir, rooms.course.labs[i]!)));
  const lines = deleted.flatMap((d) => d.results.map((r) => `${r.status === 'passed' ? '✓' : '✗'} ${r.label}${r.status === 'passed' ? ': every lab on it is finished' : r.message ? `: ${r.message}` : ''}`));
  return { ok: deleted.every((d) => d.results.every((r) => r.status === 'passed')), lines };
}

const BODY_MAX = 64 * 1024;

export function sendJson(res: ServerResponse, status: number, data: unknown): void {
  const body = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > BODY_MAX) throw new HttpError(413, 'request body too large');
    chunks.push(c as Buffer);
  }
  if (!size) return {};
  try {
    const data = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new HttpError(400, `${what} must be a number`);
  return v;
}

/** Handle /api/...; returns false for a path that is not the API's. */
export async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, rooms: Rooms): Promise<boolean> {
  if (!path.startsWith('/api/')) return false;
  try {
    if (path === '/api/course' && req.method === 'GET') {
      const labs = await courseProgress(rooms.stateDir, rooms.course.labs);
      sendJson(res, 200, { title: rooms.course.title, labs, clusters: await clusterViews(rooms) });
      return true;
    }
    if (path === '/api/course/delete-cluster') {
      if (req.method !== 'POST') throw new HttpError(405, 'use POST');
      const body = await readBody(req);
      const name = body.name;
      if (typeof name !== 'string' || !rooms.clusters.shared.some((c) => c.name === name)) throw new HttpError(400, 'name must be one of the course\'s shared clusters');
      const results = await rooms.clusters.delete(name);
      const lines = results.map((r) => `${r.status === 'passed' ? '✓' : '✗'} ${r.label}${r.message ? `: ${r.message}` : ''}`);
      sendJson(res, 200, { ok: results.every((r) => r.status === 'passed'), lines: lines.length ? lines : [`kind cluster ${name} was not created by this course: kubelab leaves it alone`], clusters: await clusterViews(rooms) });
      return true;
    }
    const m = /^\/api\/labs\/(\d+)(?:\/(run|check|goto|cleanup))?$/.exec(path);
    if (!m) throw new HttpError(404, `no such API: ${path}`);
    const index = Number(m[1]);
    if (index >= rooms.course.labs.length) throw new HttpError(404, `there is no lab ${index}`);
    const room = await rooms.room(index);
    const action = m[2];
    if (!action) {
      if (req.method !== 'GET') throw new HttpError(405, 'use GET');
      sendJson(res, 200, room.state());
      return true;
    }
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    const body = await readBody(req);
    switch (action) {
      case 'run': {
        const result = await room.run(int(body.step, 'step'), int(body.block, 'block'));
        sendJson(res, 200, { result, state: room.state() });
        break;
      }
      case 'check': {
        const check = await room.check();
        sendJson(res, 200, { check, state: room.state() });
        break;
      }
      case 'goto':
        await room.goTo(int(body.step, 'step'));
        sendJson(res, 200, { state: room.state() });
        break;
      case 'cleanup': {
        const cleanup = await room.cleanup();
        // The last lab on a course's cluster finished: the course deletes the cluster (unless --keep).
        if (cleanup.ok) {
          const course = await finishCourseClusters(rooms);
          cleanup.lines.push(...course.lines);
          cleanup.ok &&= course.ok;
        }
        sendJson(res, 200, { cleanup, state: room.state() });
        break;
      }
    }
  } catch (e) {
    const status = e instanceof HttpError ? e.status : e instanceof BusyError ? 409 : 500;
    const err = e as { message?: string; hint?: string };
    sendJson(res, status, { error: err.message ?? String(e), hint: err.hint });
  }
  return true;
}
