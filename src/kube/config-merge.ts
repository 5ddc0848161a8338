// Merging a kubelet-config block into the node's config.yaml: a deep merge on the YAML document
// (comments, key order and formatting of untouched keys stay), maps merged key by key, anything
// else (scalars, lists) replaced, `null` removing a key (JSON merge patch semantics).
import { isMap, parseDocument, type Document } from 'yaml';

export function mergeYamlText(original: string, patch: Record<string, unknown>): string {
  const doc = parseDocument(original);
  if (doc.errors.length) throw new Error(`the kubelet config is not valid YAML: ${doc.errors[0]!.message}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error('the kubelet config is not a YAML mapping');
  mergeInto(doc, [], patch);
  // Keep the file's own style: sequences indented or not under their key (kubeadm writes them
  // flush), no folding of long strings. Whichever rendering changes fewer lines wins.
  const before = new Set(original.split('\n'));
  const changed = (text: string) => text.split('\n').filter((l) => !before.has(l)).length;
  const candidates = [true, false].map((indentSeq) => doc.toString({ indentSeq, lineWidth: 0 }));
  return changed(candidates[1]!) < changed(candidates[0]!) ? candidates[1]! : candidates[0]!;
}

function mergeInto(doc: Document, path: string[], patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const at = [...path, key];
    if (value === null) {
      doc.deleteIn(at);
    } else if (isPlainObject(value) && isMap(doc.getIn(at, true))) {
      mergeInto(doc, at, value);
    } else {
      doc.setIn(at, doc.createNode(value));
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go duration (`1m30s`, `500ms`, `2h`) in milliseconds, or undefined when it is not one. */
export function parseGoDuration(s: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  if (s === '0') return 0;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === s.length && matched > 0 ? total : undefined;
}

/**
 * The patch's values that the kubelet does not report (configz) as set: `path: want X, got Y`.
 * Empty when the running config shows every value. Durations compare by length of time.
 */
export function configMismatches(patch: Record<string, unknown>, actual: unknown, path = ''): string[] {
  const out: string[] = [];
  const obj = isPlainObject(actual) ? actual : {};
  for (const [key, want] of Object.entries(patch)) {
    const p = path ? `${path}.${key}` : key;
    const got = obj[key];
    if (want === null) {
      continue;
    } else if (isPlainObject(want)) {
      out.push(...configMismatches(want, got, p));
    } else if (!sameValue(want, got)) {
      out.push(`${p}: want ${JSON.stringify(want)}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}`);
    }
  }
  return out;
}

function sameValue(want: unknown, got: unknown): boolean {
  if (JSON.stringify(want) === JSON.stringify(got)) return true;
  if (typeof want === 'string' && typeof got === 'string') {
    const a = parseGoDuration(want);
    const b = parseGoDuration(got);
    return a !== undefined && a === b;
  }
  if (Array.isArray(want) && Array.isArray(got)) return want.length === got.length && want.every((w, i) => sameValue(w, got[i]));
  return false;
}
