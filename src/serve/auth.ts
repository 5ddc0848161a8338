// Only the learner gets the lab's shell: every HTTP request and WebSocket upgrade needs the
// server's random token (from the URL once, then a same-site HttpOnly cookie), and requests that
// change something or open the terminal must come from the page's own origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'kubelab_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export type Verdict = { ok: true; fromQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Is this request the learner's? 401 without a token, 403 with a wrong one or from another origin. */
export function authorize(req: IncomingMessage, token: string, opts: { sameOrigin: boolean }): Verdict {
  const url = new URL(req.url ?? '/', 'http://x');
  const fromQuery = url.searchParams.get('token') ?? undefined;
  const given = fromQuery ?? cookieToken(req) ?? req.headers['x-kubelab-token']?.toString();
  if (given === undefined) return { ok: false, status: 401, reason: 'this page needs the access token: open the URL that `kubelab serve` printed' };
  if (!same(given, token)) return { ok: false, status: 403, reason: 'wrong access token: open the URL that `kubelab serve` printed' };
  if (opts.sameOrigin) {
    // Browsers send Origin on WebSocket upgrades and on POSTs: another site's page is refused
    // even when the browser would attach our cookie.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) return { ok: false, status: 403, reason: `cross-origin request from ${origin} refused` };
  }
  return { ok: true, fromQuery: fromQuery !== undefined };
}

export function tokenCookie(token: string): string {
  return `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
