// The page's state API (JSON): the course and its progress, one lab's state, and the learner's
// actions (run a block, check, go to a step, clean up). The rooms (./room.ts) do the work.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Course } from './course.js';
import { BusyError, type LabRoom, labProgress } from './room.js';

export interface Rooms {
  course: Course;
  stateDir: string;
  room(index: number): Promise<LabRoom>;
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
      const labs = await Promise.all(rooms.course.labs.map(async (l) => ({ index: l.index, title: l.title, file: l.display, steps: l.lab.steps.length, ...(await labProgress(rooms.stateDir, l)) })));
      sendJson(res, 200, { title: rooms.course.title, labs });
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
