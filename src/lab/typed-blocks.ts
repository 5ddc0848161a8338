// Bodies of the typed (cluster action) blocks: `apply`, `kubelet-config`, `access-review`.
// Parsed into plain data here; src/blocks/ executes them.
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { validateAttrs, type AttrTarget, type RawAttr } from './attrs.js';
import type { Diagnostics } from './diagnostics.js';
import type { FenceNode } from './markdown.js';
import type { AccessReviewRow, AccessSubject, Block, SourcePos } from './model.js';
import { API_VERBS, KUBELET_SUBRESOURCES, NODE_API_SUBRESOURCES, SPECIAL_VERBS } from './rbac-names.js';
import { didYouMean } from './suggest.js';
import type { LineIndex } from './source.js';

export const TYPED_LANGS = ['apply', 'kubelet-config', 'access-review'] as const;
export type TypedLang = (typeof TYPED_LANGS)[number];

/** Reads YAML documents, reporting syntax errors at their lab line. `bodyLine` = first body line. */
function readYaml(text: string, bodyLine: number, col: number, what: string, index: LineIndex, diags: Diagnostics) {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const p = counter.linePos(offset ?? 0);
    return index.pos(bodyLine + p.line - 1, p.line === 1 ? p.col + col - 1 : p.col);
  };
  const out: { value: unknown; pos: ReturnType<typeof at>; doc: Document }[] = [];
  if (!Array.isArray(docs)) return { docs: out, ok: true, at };
  let ok = true;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      ok = false;
      for (const err of doc.errors) {
        diags.error('bad-yaml', at(err.pos[0]), `${what} is not valid YAML: ${err.message.split('\n')[0]}`, 'fix the YAML in the block');
      }
      continue;
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      ok = false;
      diags.error('bad-yaml', at(doc.contents.range?.[0]), `${what} cannot be read: ${(e as Error).message}`);
      continue;
    }
    out.push({ value, pos: at(doc.contents.range?.[0]), doc });
  }
  return { docs: out, ok, at };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseApplyBody(text: string, bodyLine: number, index: LineIndex, diags: Diagnostics, fenceLine: number, col: number): Record<string, unknown>[] {
  const { docs, ok } = readYaml(text, bodyLine, 1, 'apply block', index, diags);
  const documents: Record<string, unknown>[] = [];
  for (const { value, pos } of docs) {
    if (!isRecord(value)) {
      diags.error('bad-manifest', pos, 'every document of an apply block must be a Kubernetes object (a YAML mapping)');
      continue;
    }
    const meta = value.metadata;
    const missing = [
      typeof value.apiVersion === 'string' && value.apiVersion !== '' ? undefined : 'apiVersion',
      typeof value.kind === 'string' && value.kind !== '' ? undefined : 'kind',
      isRecord(meta) && typeof meta.name === 'string' && meta.name !== '' ? undefined : 'metadata.name',
    ].filter((m): m is string => m !== undefined);
    if (missing.length > 0) {
      diags.error('bad-manifest', pos, `object in apply block has no ${missing.join(', ')}`, 'every object needs apiVersion, kind and metadata.name (generateName cannot be applied)');
      continue;
    }
    documents.push(value);
  }
  if (ok && docs.length === 0) diags.error('bad-manifest', index.pos(fenceLine, col), 'apply block has no objects', 'put the YAML of the objects to apply in the block');
  return documents;
}

export function parseKubeletConfigBody(text: string, bodyLine: number, index: LineIndex, diags: Diagnostics, fenceLine: number, col: number): Record<string, unknown> {
  const { docs, ok } = readYaml(text, bodyLine, 1, 'kubelet-config block', index, diags);
  if (!ok) return {};
  if (docs.length === 0) {
    diags.error('bad-yaml', index.pos(fenceLine, col), 'kubelet-config block is empty', 'write the KubeletConfiguration fields to set, e.g. `authorization:\\n  mode: Webhook`');
    return {};
  }
  if (docs.length > 1) diags.error('bad-yaml', docs[1]!.pos, 'kubelet-config block must hold one YAML document', 'merge the documents into one mapping');
  const first = docs[0]!;
  if (!isRecord(first.value)) {
    diags.error('bad-yaml', first.pos, 'kubelet-config block must be a YAML mapping of KubeletConfiguration fields');
    return {};
  }
  return first.value;
}

const ALLOWED: Record<string, boolean> = { yes: true, no: false, true: true, false: false, allowed: true, denied: false };

/**
 * Rows `SUBRESOURCE yes|no`, whitespace separated or as a markdown table row (`| metrics | yes |`).
 * A header row (`SUBRESOURCE ALLOWED`), a `|---|---|` separator and `#` comments are skipped;
 * `-` as the subresource means the resource itself.
 */
export function parseAccessReviewBody(text: string, bodyLine: number, index: LineIndex, diags: Diagnostics, fenceLine: number, col: number): AccessReviewRow[] {
  const rows: AccessReviewRow[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = bodyLine + i;
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const cells = raw.startsWith('|')
      ? raw.replace(/^\||\|$/g, '').split('|').map((c) => c.trim())
      : raw.split(/\s+/);
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    if (cells.length === 2 && cells[0]!.toLowerCase() === 'subresource' && cells[1]!.toLowerCase() === 'allowed') continue;
    const allowed = cells.length === 2 ? ALLOWED[cells[1]!.toLowerCase()] : undefined;
    if (cells.length !== 2 || allowed === undefined || cells[0] === '') {
      diags.error('bad-table-row', index.pos(line, lines[i]!.length - lines[i]!.trimStart().length + 1), `bad access-review row \`${raw}\``, 'write one `SUBRESOURCE yes|no` per line, e.g. `metrics yes` (`-` for the resource itself)');
      continue;
    }
    const subresource = cells[0] === '-' ? '' : cells[0]!;
    const prev = seen.get(subresource);
    if (prev !== undefined) {
      diags.error('bad-table-row', index.pos(line, 1), `subresource \`${cells[0]}\` is already checked on line ${prev}`, 'keep one row per subresource');
      continue;
    }
    seen.set(subresource, line);
    rows.push({ subresource, allowed, line });
  }
  if (rows.length === 0 && !diags.items.some((d) => d.code === 'bad-table-row' && d.pos.line >= bodyLine && d.pos.line < bodyLine + lines.length)) {
    diags.error('bad-table-row', index.pos(fenceLine, col), 'access-review block has no rows', 'write one `SUBRESOURCE yes|no` per line, e.g. `metrics yes`');
  }
  return rows;
}

/** `system:serviceaccount:NS:NAME` → service account; anything else → user (with `groups`). */
export function parseSubject(as: string, groups: string[] | undefined, pos: ReturnType<LineIndex['pos']>, diags: Diagnostics): AccessSubject {
  const prefix = 'system:serviceaccount:';
  if (as.startsWith(prefix)) {
    const rest = as.slice(prefix.length).split(':');
    if (rest.length === 2 && rest[0] && rest[1]) {
      if (groups) diags.warning('attribute-no-effect', pos, '`groups` has no effect for a service account subject', 'service accounts get their groups from Kubernetes');
      return { kind: 'serviceaccount', namespace: rest[0], name: rest[1] };
    }
    diags.error('bad-attribute', pos, `bad value \`as=${as}\`: a service account is \`system:serviceaccount:NAMESPACE:NAME\``);
  }
  return { kind: 'user', user: as, groups: groups ?? [] };
}

/** A typed block from its fence: attributes validated for its kind, body parsed. */
export function buildTypedBlock(fence: FenceNode, raw: RawAttr[], index: LineIndex, diags: Diagnostics): Block {
  const pos = index.pos(fence.line, fence.col);
  const target = (t: AttrTarget) => validateAttrs(raw, t, fence.line, index, diags);
  const attrPos = (key: string) => index.pos(fence.line, raw.find((a) => a.key === key)?.col ?? fence.col);
  const bodyLine = fence.line + 1;
  const lang = fence.lang as TypedLang;
  switch (lang) {
    case 'apply': {
      const attrs = target('apply');
      const documents = parseApplyBody(fence.text, bodyLine, index, diags, fence.line, fence.col);
      return { kind: 'apply', id: '', pos, attrs, yaml: fence.text, documents };
    }
    case 'kubelet-config': {
      const attrs = target('kubelet-config');
      if (attrs.node === undefined && attrs.raw.node === undefined) {
        diags.error('missing-attribute', pos, 'kubelet-config block needs `node=`', 'name the node whose kubelet to change: ```kubelet-config { node=worker }');
      }
      const patch = parseKubeletConfigBody(fence.text, bodyLine, index, diags, fence.line, fence.col);
      return { kind: 'kubelet-config', id: '', pos, attrs, node: attrs.node ?? '', patch };
    }
    case 'access-review': {
      const attrs = target('access-review');
      if (attrs.as === undefined && attrs.raw.as === undefined) {
        diags.error('missing-attribute', pos, 'access-review block needs `as=`', 'name the subject: ```access-review { as=system:serviceaccount:NAMESPACE:NAME verb=get resource=nodes }');
      }
      const subject = parseSubject(attrs.as ?? '', attrs.groups, attrPos('as'), diags);
      const rows = parseAccessReviewBody(fence.text, bodyLine, index, diags, fence.line, fence.col);
      const verb = attrs.verb ?? 'get';
      const resource = attrs.resource ?? 'nodes';
      lintRbacNames(verb, resource, rows, attrPos('verb'), (row) => index.pos(row.line, 1), diags);
      return { kind: 'access-review', id: '', pos, attrs, subject, verb, resource, rows };
    }
    default: {
      const never: never = lang;
      return never;
    }
  }
}


/**
 * A verb RBAC does not know, or a node subresource neither the API server nor the kubelet serves,
 * is always answered `no`: a misspelling (`gett`, `metricz`) would pass a `no` row silently.
 */
function lintRbacNames(verb: string, resource: string, rows: AccessReviewRow[], verbPos: SourcePos, rowPos: (row: AccessReviewRow) => SourcePos, diags: Diagnostics): void {
  const verbs = [...API_VERBS, ...SPECIAL_VERBS];
  if (!verbs.includes(verb)) {
    diags.warning('unknown-rbac-name', verbPos, `\`${verb}\` is not a verb Kubernetes authorizes: every answer will be no`, `${didYouMean(verb, verbs)}verbs: ${verbs.join(', ')}`);
  }
  if (resource !== 'nodes') return;
  const known = [...new Set([...NODE_API_SUBRESOURCES, ...KUBELET_SUBRESOURCES])];
  for (const row of rows) {
    if (row.subresource && !known.includes(row.subresource)) {
      diags.warning('unknown-rbac-name', rowPos(row), `\`nodes/${row.subresource}\` is not a subresource the API server or the kubelet serves: its answer will always be no`, `${didYouMean(row.subresource, known)}node subresources: ${known.join(', ')}`);
    }
  }
}
