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

/** A CSV syntax error at a 1-based line. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Split CSV text into rows (RFC 4180: quoted fields, doubled quotes, CRLF), each with the line it
 * starts on; blank rows are dropped. A quote left open throws CsvSyntaxError at its line.
 */
export function parseCsvRows(text: string): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let quoteLine = 0;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  const endRow = () => {
    row.push(field);
    rows.push({ fields: row, line: rowLine });
    row = [];
    field = '';
  };
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
    i++;
  }
  if (quoted) throw new CsvSyntaxError(quoteLine, 'a quoted field is never closed (a `"` is missing)');
  if (field !== '' || row.length) endRow();
  return rows.filter((r) => r.fields.some((f) => f.trim() !== ''));
}

/** Split CSV text into rows of fields (see parseCsvRows). */
export function parseCsv(text: string): string[][] {
  return parseCsvRows(text).map((r) => r.fields);
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
    let rows: { fields: string[]; line: number }[];
    try {
      rows = parseCsvRows(text);
    } catch (e) {
      if (e instanceof CsvSyntaxError) throw rosterError(file, e.line, e.message);
      throw e;
    }
    if (!rows.length) throw rosterError(file, undefined, 'the roster is empty');
    const [head, ...body] = rows;
    const header = head!.fields.map((h) => h.trim().toLowerCase());
    const idx = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
    if (idx.learner < 0) throw rosterError(file, head!.line, `the header has no \`learner\` column (it has: ${header.join(', ')})`);
    return finish(
      file,
      body.map(({ fields, line }) => {
        if (fields.length > header.length) throw rosterError(file, line, `this row has ${fields.length} fields, the header ${header.length} (${header.join(',')}); quote a value that holds a comma`);
        const get = (c: (typeof COLUMNS)[number]) => (idx[c] >= 0 ? fields[idx[c]] : undefined);
        return { learner: get('learner'), kubeconfig: get('kubeconfig'), context: get('context'), line };
      }),
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw rosterError(file, line, `not valid YAML: ${(e as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
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
