// `kubelab serve`: the HTTP server of the learning page. Every request passes the token check
// (./auth.ts); then pages (the course index, a lab), static files (assets/serve and xterm from
// node_modules: no CDN), the state API (./api.ts) and the terminal WebSocket (./terminal.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { assetsDir } from '../html/layout.js';
import { escapeHtml } from '../html/escape.js';
import { handleApi, type Rooms } from './api.js';
import { authorize, newToken, tokenCookie } from './auth.js';
import type { Course } from './course.js';
import { LabRoom, type RoomOptions } from './room.js';
import { CourseClusters } from '../course/shared-cluster.js';
import { TerminalSockets } from './terminal.js';

export interface ServeOptions extends RoomOptions {
  course: Course;
  host: string;
  port: number;
  /** Default: a new random token. */
  token?: string;
  /** Keep the kind clusters the course creates (`--keep`). */
  keep?: boolean;
}

export interface RunningServer {
  /** The URL to open, with the token. */
  url: string;
  token: string;
  port: number;
  server: Server;
  /** The kind clusters the course's labs share. */
  clusters: CourseClusters;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Files the page loads, by URL path: [file, content type]. */
function staticFiles(): Record<string, [string, string]> {
  const assets = join(assetsDir(), 'serve');
  return {
    '/static/page.js': [join(assets, 'page.js'), 'text/javascript'],
    '/static/page.css': [join(assets, 'page.css'), 'text/css'],
    '/static/xterm.js': [require.resolve('@xterm/xterm/lib/xterm.js'), 'text/javascript'],
    '/static/xterm.css': [require.resolve('@xterm/xterm/css/xterm.css'), 'text/css'],
    '/static/addon-fit.js': [require.resolve('@xterm/addon-fit/lib/addon-fit.js'), 'text/javascript'],
  };
}

function page(title: string, body: string, data: Record<string, unknown>): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · kubelab</title>
<link rel="stylesheet" href="/static/xterm.css">
<link rel="stylesheet" href="/static/page.css">
</head>
<body data-page="${escapeHtml(JSON.stringify(data))}">
${body}
<script src="/static/xterm.js"></script>
<script src="/static/addon-fit.js"></script>
<script src="/static/page.js"></script>
</body>
</html>
`;
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const files = staticFiles();
  const opened = new Map<number, Promise<LabRoom>>();
  const clusters = new CourseClusters(
    opts.course.labs.map((l) => l.lab),
    { courseFile: opts.course.home, title: opts.course.title, stateDir: opts.stateDir, keep: !!opts.keep, config: opts.providerOptions.config },
  );
  const roomOptions: RoomOptions = { ...opts, providerFor: (index, own) => clusters.providerFor(index, own) };
  const rooms: Rooms = {
    course: opts.course,
    stateDir: opts.stateDir,
    clusters,
    room(index) {
      let r = opened.get(index);
      if (!r) {
        r = LabRoom.open(opts.course.labs[index]!, roomOptions);
        r.catch(() => opened.delete(index));
        opened.set(index, r);
      }
      return r;
    },
  };
  const sockets = new TerminalSockets(rooms);

  const refuse = (res: ServerResponse, status: number, reason: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end(`${status === 401 ? '401 Unauthorized' : '403 Forbidden'}: ${reason}\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const verdict = authorize(req, token, { sameOrigin: req.method !== 'GET' && req.method !== 'HEAD' });
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
    if (verdict.fromQuery) {
      // Keep the token out of the address bar and history: a cookie carries it from now on.
      url.searchParams.delete('token');
      res.writeHead(303, { location: url.pathname + url.search, 'set-cookie': tokenCookie(token), ...SECURITY_HEADERS });
      return res.end();
    }
    if (await handleApi(req, res, path, rooms)) return;
    const file = files[path];
    if (file) {
      res.writeHead(200, { 'content-type': `${file[1]}; charset=utf-8`, ...SECURITY_HEADERS });
      return res.end(await readFile(file[0]));
    }
    const labMatch = /^\/labs\/(\d+)$/.exec(path);
    if (labMatch && Number(labMatch[1]) < opts.course.labs.length) {
      const entry = opts.course.labs[Number(labMatch[1])]!;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
      return res.end(page(entry.title, '<div id="app" class="lab-page"></div>', { kind: 'lab', lab: entry.index, courseSize: opts.course.labs.length, course: opts.course.title }));
    }
    if (path === '/') {
      if (opts.course.labs.length === 1) {
        res.writeHead(303, { location: '/labs/0', ...SECURITY_HEADERS });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
      return res.end(page(opts.course.title, '<div id="app" class="course-page"></div>', { kind: 'course' }));
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end('404 Not Found\n');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`500: ${(e as Error).message}\n`);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    socket.on('error', () => undefined);
    const verdict = authorize(req, token, { sameOrigin: true });
    if (!verdict.ok) {
      socket.end(`HTTP/1.1 ${verdict.status === 401 ? '401 Unauthorized' : '403 Forbidden'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${verdict.reason}\n`);
      return;
    }
    sockets.upgrade(req, socket, head, new URL(req.url ?? '/', 'http://x').pathname);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    server,
    clusters,
    async close() {
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all([...opened.values()].map(async (p) => (await p.catch(() => undefined))?.close()));
    },
  };
}
