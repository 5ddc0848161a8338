// Kubernetes API errors as kubelab errors: HTTP status plus the V1Status reason and message,
// never ApiException.message (it embeds the response headers).
import { KubelabError } from '../errors.js';

export class KubeError extends KubelabError {
  /** HTTP status, when the API server answered. */
  readonly status?: number;
  /** V1Status reason (`NotFound`, `Forbidden`, `AlreadyExists`, `Invalid`...). */
  readonly reason?: string;
  constructor(code: string, message: string, opts: { status?: number; reason?: string; hint?: string; cause?: unknown } = {}) {
    super(code, message, { hint: opts.hint, cause: opts.cause });
    this.status = opts.status;
    this.reason = opts.reason;
  }
}

export interface ParsedStatus {
  status?: number;
  reason?: string;
  message?: string;
}

/** Reads the HTTP status and V1Status of anything client-node throws (ApiException or a network error). */
export function parseApiError(e: unknown): ParsedStatus {
  if (!e || typeof e !== 'object') return { message: String(e) };
  const err = e as { code?: unknown; body?: unknown; message?: unknown; cause?: unknown };
  if (typeof err.code === 'number' && 'body' in err) {
    let body: unknown = err.body;
    if (typeof err.body === 'string') {
      const text = err.body;
      try {
        body = JSON.parse(text);
      } catch {
        return { status: err.code, message: text.trim().slice(0, 500) || undefined };
      }
    }
    const s = (body ?? {}) as { reason?: unknown; message?: unknown; kind?: unknown };
    return {
      status: err.code,
      reason: typeof s.reason === 'string' && s.reason ? s.reason : undefined,
      message: typeof s.message === 'string' && s.message ? s.message : undefined,
    };
  }
  // Network errors (ECONNREFUSED...) carry their code on the error or its cause.
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  const msg = typeof err.message === 'string' ? err.message : String(e);
  return { message: typeof code === 'string' && !msg.includes(code) ? `${msg} (${code})` : msg };
}

/** Wraps an error from a Kubernetes call: `what` says what was attempted (`creating Namespace kauthz`). */
export function kubeError(what: string, e: unknown, hint?: string): KubeError {
  if (e instanceof KubeError) return e;
  const p = parseApiError(e);
  const status = p.status !== undefined ? `HTTP ${p.status}${p.reason ? ` ${p.reason}` : ''}` : 'no answer';
  const message = `${what} failed: ${status}${p.message ? `: ${p.message}` : ''}`;
  return new KubeError(p.status !== undefined ? 'kube-api-error' : 'kube-unreachable', message, {
    status: p.status,
    reason: p.reason,
    hint: hint ?? defaultHint(p),
    cause: e,
  });
}

function defaultHint(p: ParsedStatus): string | undefined {
  if (p.status === undefined) return 'is the cluster running? check with `kubectl --kubeconfig <file> cluster-info`';
  if (p.status === 401) return 'the kubeconfig credentials were refused: get a fresh kubeconfig for this cluster';
  if (p.status === 403) return 'the kubeconfig user lacks the RBAC permission for this; use a cluster-admin context';
  return undefined;
}
