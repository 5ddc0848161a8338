// Secrets never leave the engine: every text in events and reports goes through a Redactor.
// Patterns catch what Kubernetes labs print (service account tokens, kubeconfigs, bearer
// headers, private keys); captured values of `secret` blocks are replaced wherever they appear,
// also base64-encoded (as `kubectl get secret -o yaml` shows them).
export const REDACTED = '[REDACTED]';

const PATTERNS: ReadonlyArray<readonly [RegExp, string | ((...m: string[]) => string)]> = [
  // PEM private keys (RSA, EC, OPENSSH, ENCRYPTED, ...), also when the output was cut off.
  [/(-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----)[\s\S]*?(?:(-----END \2PRIVATE KEY-----)|$)/g, (_m, begin, _t, end) => `${begin}\n${REDACTED}\n${end ?? ''}`],
  // kubeconfig and secret fields: `client-key-data: ...`, `token: ...`, `"token": "..."`.
  [/((?:^|[\s{,])"?(?:client-key-data|client-certificate-data|token|id-token|refresh-token|password)"?\s*[:=]\s*"?)([^\s",}]+)/gim, (_m, key) => `${key}${REDACTED}`],
  // HTTP headers and kubectl flags; a quote around the value is the shell's, not the secret's.
  [/(\bAuthorization:\s*(?:Bearer|Basic)\s+)([^\s"']+)/gi, (_m, key) => `${key}${REDACTED}`],
  [/(--token[=\s]+["']?)([^\s"']+)/g, (_m, key) => `${key}${REDACTED}`],
  // JWTs (service account tokens) anywhere.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
];

/** Literal secrets shorter than this are not replaced (they would blank out ordinary words). */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  /** Regex sources of the literal secrets. */
  private readonly secrets = new Set<string>();
  private literal?: RegExp;

  /** Replace this value (and its base64 form) from now on. */
  addSecret(value: string): void {
    const v = value.trim();
    if (v.length < MIN_SECRET_LENGTH || this.secrets.has(escapeRegExp(v))) return;
    this.secrets.add(escapeRegExp(v));
    // `echo "$secret" | base64` encodes the newline too; both forms are what a lab prints.
    for (const form of [v, `${v}\n`]) this.secrets.add(`${escapeRegExp(Buffer.from(form).toString('base64').replace(/=+$/, ''))}={0,2}`);
    const sorted = [...this.secrets].sort((a, b) => b.length - a.length);
    this.literal = new RegExp(sorted.join('|'), 'g');
  }

  redact(text: string): string;
  redact(text: string | undefined): string | undefined;
  redact(text: string | undefined): string | undefined {
    if (!text) return text;
    let out = this.literal ? text.replace(this.literal, REDACTED) : text;
    for (const [re, by] of PATTERNS) out = out.replace(re, by as (substring: string, ...args: string[]) => string);
    return out;
  }

  /** A copy of `obj` with the named string fields redacted. */
  fields<T extends object>(obj: T, keys: readonly (keyof T)[]): T {
    const copy = { ...obj };
    for (const k of keys) {
      const v = copy[k];
      if (typeof v === 'string') (copy as Record<keyof T, unknown>)[k] = this.redact(v);
    }
    return copy;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
