// Connections to API servers, kept open and shared. client-node makes a new https.Agent for every
// request, so every call opened a TCP connection, turned the kubeconfig's PEM certificates into a
// new TLS context and shook hands again, on both ends. Here the first agent made for a server and
// a set of TLS credentials is kept (keep-alive) and every later request with the same ones reuses
// it: same server, CA, client certificate and key, the same TLS options. Anything else (a bearer
// token, basic auth) is per request, in its headers. Proxy agents are left as client-node makes them.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/** Idle connections close after this long: before an API server drops them (Go's idle timeout is longer). */
export const IDLE_MS = 4_000;

const agents = new Map<string, http.Agent>();

/** The shared keep-alive agent for the connections `agent` would make; `agent` itself if it is a proxy's. */
export function sharedAgent<A>(agent: A, server: string | undefined): A | http.Agent {
  const kind = agent?.constructor === https.Agent ? 'https' : agent?.constructor === http.Agent ? 'http' : undefined;
  if (!kind) return agent;
  const options = (agent as unknown as { options: Record<string, unknown> }).options;
  const key = createHash('sha256').update(`${kind} ${server ?? ''}\0${canonical(options)}`).digest('hex');
  let shared = agents.get(key);
  if (!shared) {
    const { path: _path, ...rest } = options;
    const opts = { ...rest, keepAlive: true, timeout: typeof rest.timeout === 'number' ? rest.timeout : IDLE_MS };
    shared = kind === 'https' ? new https.Agent(opts) : new http.Agent(opts);
    agents.set(key, shared);
  }
  (agent as unknown as http.Agent).destroy();
  return shared;
}

/** How many shared agents there are (tests). */
export const sharedAgentCount = (): number => agents.size;

/** Closes every kept connection (tests; a process exiting does not wait for them). */
export function closeSharedAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

/** The agent options as one string: sorted keys, Buffers as hex, undefined left out. */
function canonical(options: Record<string, unknown>): string {
  const value = (v: unknown): unknown => (Buffer.isBuffer(v) ? `hex:${v.toString('hex')}` : Array.isArray(v) ? v.map(value) : v);
  return JSON.stringify(
    Object.keys(options)
      .filter((k) => k !== 'path' && options[k] !== undefined)
      .sort()
      .map((k) => [k, value(options[k])]),
  );
}
