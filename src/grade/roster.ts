// Who is graded: `--context` names, or a roster file (YAML or CSV with the columns learner,
// kubeconfig, context). Pure parsing; paths are resolved against the roster's directory.
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import type { Learner } from './model.js';

function expandPath(p: string, baseDir: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/** Split CSV text into rows (RFC 4180: quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

const COLUMNS = ['learner', 'kubeconfig', 'context'] as const;

function rosterError(file: string, line: number | undefined, message: string): UsageError {
  return new UsageError('bad-roster', `${file}${line ? `:${line}` : ''}: ${message}`, {
    hint: 'a roster is CSV with a header `learner,kubeconfig,context`, or YAML: a list of { learner, kubeconfig, context }',
  });
}

function finish(file: string, entries: { learner?: unknown; kubeconfig?: unknown; context?: unknown; line?: number }[]): Learner[] {
  const baseDir = dirname(resolve(file));
  const seen = new Set<string>();
  const learners = entries.map((e, i) => {
    const where = e.line ?? undefined;
    const name = typeof e.learner === 'string' ? e.learner.trim() : typeof e.learner === 'number' ? String(e.learner) : '';
    if (!name) throw rosterError(file, where, `entry ${i + 1} has no learner name`);
    if (seen.has(name)) throw rosterError(file, where, `learner "${name}" is listed twice`);
    seen.add(name);
    const kubeconfig = typeof e.kubeconfig === 'string' && e.kubeconfig.trim() ? expandPath(e.kubeconfig.trim(), baseDir) : undefined;
    const context = typeof e.context === 'string' && e.context.trim() ? e.context.trim() : undefined;
    if (!kubeconfig && !context) throw rosterError(file, where, `learner "${name}" has neither a kubeconfig nor a context`);
    return { name, kubeconfig, context };
  });
  if (!learners.length) throw rosterError(file, undefined, 'the roster lists no learners');
  return learners;
}

/** Parse a roster; `file` decides the format (.csv is CSV, anything else YAML) and resolves paths. */
export function parseRoster(text: string, file: string): Learner[] {
  if (/\.csv$/i.test(file)) {
    const rows = parseCsv(text);
    if (!rows.length) throw rosterError(file, undefined, 'the roster is empty');
    const header = rows[0]!.map((h) => h.trim().toLowerCase());
    const idx = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
    if (idx.learner < 0) throw rosterError(file, 1, `the header has no \`learner\` column (it has: ${header.join(', ')})`);
    // Line numbers: rows are non-empty lines, close enough for the usual one-row-per-line file.
    const lines = text.split(/\r?\n/);
    let lineNo = 0;
    return finish(
      file,
      rows.slice(1).map((r) => {
        lineNo = lines.findIndex((l, i) => i >= lineNo + 1 && l.trim() !== '');
        const get = (c: (typeof COLUMNS)[number]) => (idx[c] >= 0 ? r[idx[c]] : undefined);
        return { learner: get('learner'), kubeconfig: get('kubeconfig'), context: get('context'), line: lineNo + 1 };
      }),
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw rosterError(file, undefined, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(data) ? data : data && typeof data === 'object' && Array.isArray((data as { learners?: unknown }).learners) ? (data as { learners: unknown[] }).learners : undefined;
  if (!list) throw rosterError(file, undefined, 'expected a list of learners (or a `learners:` list)');
  return finish(
    file,
    list.map((e, i) => {
      if (!e || typeof e !== 'object') throw rosterError(file, undefined, `entry ${i + 1} is not a mapping`);
      const m = e as Record<string, unknown>;
      return { learner: m.learner ?? m.name, kubeconfig: m.kubeconfig, context: m.context };
    }),
  );
}

/** Learners from repeated `--context NAME`: each named after its context. */
export function learnersFromContexts(contexts: readonly string[], kubeconfig?: string): Learner[] {
  const seen = new Set<string>();
  return contexts.map((context) => {
    if (seen.has(context)) throw new UsageError('duplicate-context', `--context ${context} is given twice`, { hint: 'name each learner context once' });
    seen.add(context);
    return { name: context, context, kubeconfig };
  });
}
