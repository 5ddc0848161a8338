// One expected line, parsed into what it matches. The syntax (cram/trycmd style):
//
//   ...                 a line that is only `...` (spaces around allowed) matches zero or more whole lines
//   text ... text       `...` inside a line matches any text within that line
//   REGEX (re)          a line ending in ` (re)` is an anchored JS regular expression, compiled
//                       with the `u` flag; its named groups `(?<name>…)` become captures
//   {{name}}            captures a run of non-whitespace characters as `name`
//   {{name:REGEX}}      captures what REGEX (also `u`) matches (the longest such text) as `name`
//   {{{{                a literal `{{` (`escapeLiteral` writes every `{{` of real output this way)
//
// A `{{` that does not start a well-formed capture is matched literally (so kubectl's go-template
// output still matches), but `checkExpected` reports it so the author writes `{{{{` on purpose.
// `<none>` and `<unknown>` are plain text. Capture names are shell identifiers because the engine
// exports captures as shell variables. Matching a line never uses a regex for `...` or `{{name}}`
// (see matchSegments), so only a user's own `(re)`/capture regex can be slow.

/** A piece of an in-line pattern. */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'any' }
  | { kind: 'capture'; name: string; regex?: RegExp; /** 0-based column of its `{{` (for lint). */ col?: number };

export type LinePattern =
  | { kind: 'ellipsis'; raw: string }
  | { kind: 'literal'; raw: string; text: string }
  | { kind: 'glob'; raw: string; segments: Segment[] }
  | { kind: 'regex'; raw: string; regex: RegExp; hasGroups: boolean };

export interface PatternProblem {
  /** 0-based column in the line. */
  col: number;
  message: string;
  /** A broken regex is an error (the line can never match as meant); a stray `{{` a warning. */
  severity: 'error' | 'warning';
}

export const ELLIPSIS = '...';
export const REGEX_SUFFIX = ' (re)';
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

export function isEllipsisLine(line: string): boolean {
  return line.trim() === ELLIPSIS;
}

/** Parse one normalised expected line. Problems (bad regex, malformed `{{`) are collected, never thrown. */
export function parseLine(raw: string, problems: PatternProblem[] = []): LinePattern {
  if (isEllipsisLine(raw)) return { kind: 'ellipsis', raw };
  if (raw.endsWith(REGEX_SUFFIX)) {
    const source = raw.slice(0, -REGEX_SUFFIX.length);
    const compiled = compileRegex(source);
    if (compiled instanceof RegExp) return { kind: 'regex', raw, regex: compiled, hasGroups: source.includes('(?<') };
    problems.push({ col: compiled.at, message: `invalid regular expression before " (re)": ${compiled.message}`, severity: 'error' });
    return { kind: 'literal', raw, text: raw };
  }
  const segments = parseSegments(raw, problems);
  if (segments.every((s) => s.kind === 'text')) {
    return { kind: 'literal', raw, text: segments.map((s) => (s as { text: string }).text).join('') };
  }
  return { kind: 'glob', raw, segments };
}

/**
 * An anchored regex, always with the `u` flag: `.` matches a whole emoji, `\p{L}` is a letter class.
 * Unicode mode is stricter: a pattern that only compiles without `u` (`\-`, `\>`, a lone `{` or `]`)
 * gets a message saying so, rather than being taken the lax way.
 */
export function compileRegex(source: string): RegExp | { message: string; at: number } {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    let laxOk = false;
    try {
      new RegExp(`^(?:${source})$`);
      laxOk = true;
    } catch {
      // Invalid either way: the plain message says why.
    }
    if (!laxOk) return { message: regexMessage(err), at: 0 };
    return {
      message: `${regexMessage(err)} (patterns are Unicode regexes, with the \`u\` flag: escape only ^ $ \\ . * + ? ( ) [ ] { } | /, and write a literal { } or ] as \\{ \\} or \\])`,
      at: unicodeOnlyProblemAt(source),
    };
  }
}

const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const ESCAPE_LETTERS = new Set('dDwWsSbBnrtfv0cxupPk123456789');

/** Where a pattern that compiles without `u` breaks a Unicode-mode rule (0 when not found). */
function unicodeOnlyProblemAt(source: string): number {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      const ok = SYNTAX.has(next) || ESCAPE_LETTERS.has(next) || (inClass && next === '-');
      if (!ok) return i;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === ']' || c === '}') {
      return i;
    } else if (c === '{') {
      const quantifier = /^\{\d+(,\d*)?\}/.exec(source.slice(i));
      if (!quantifier) return i;
      i += quantifier[0].length - 1;
    }
  }
  return 0;
}

function regexMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // V8 says "Invalid regular expression: /^(?:…)$/: Unterminated group"; keep the reason.
  const at = message.lastIndexOf(': ');
  return at >= 0 ? message.slice(at + 2) : message;
}

function parseSegments(raw: string, problems: PatternProblem[]): Segment[] {
  const segments: Segment[] = [];
  let text = '';
  const flushText = () => {
    if (text) segments.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < raw.length) {
    if (raw.startsWith('{{{{', i)) {
      text += '{{';
      i += 4;
    } else if (raw.startsWith('{{', i)) {
      const capture = parseCapture(raw, i);
      if ('error' in capture) {
        problems.push({ col: i, message: capture.error, severity: capture.severity });
        text += '{{';
        i += 2;
      } else {
        flushText();
        segments.push(capture.segment);
        i = capture.end;
      }
    } else if (raw.startsWith(ELLIPSIS, i)) {
      flushText();
      // `......` is one wildcard, not two: keeps matching linear in practice.
      if (segments[segments.length - 1]?.kind !== 'any') segments.push({ kind: 'any' });
      i += ELLIPSIS.length;
    } else {
      text += raw[i];
      i += 1;
    }
  }
  flushText();
  return segments;
}

/** `{{name}}` or `{{name:REGEX}}` at `start` (which holds `{{`). */
function parseCapture(raw: string, start: number): { segment: Segment; end: number } | { error: string; severity: 'error' | 'warning' } {
  const notCapture = `"{{" does not start a capture {{name}} or {{name:REGEX}} (names are shell identifiers); write {{{{ for a literal {{`;
  const name = NAME.exec(raw.slice(start + 2))?.[0];
  if (!name) return { error: notCapture, severity: 'warning' };
  const after = start + 2 + name.length;
  if (raw.startsWith('}}', after)) return { segment: { kind: 'capture', name, col: start }, end: after + 2 };
  if (raw[after] !== ':') return { error: notCapture, severity: 'warning' };
  const close = findCaptureClose(raw, after + 1);
  if (close < 0) return { error: `capture {{${name}:…}} has no closing "}}"`, severity: 'error' };
  const source = raw.slice(after + 1, close);
  if (!source) return { error: `capture {{${name}:}} has an empty regular expression`, severity: 'error' };
  const regex = compileRegex(source);
  if (regex instanceof RegExp) return { segment: { kind: 'capture', name, regex, col: start }, end: close + 2 };
  return { error: `capture {{${name}:…}}: invalid regular expression: ${regex.message}`, severity: 'error' };
}

/** Index of the `}}` closing a capture regex: the first one outside regex braces, classes and escapes. */
function findCaptureClose(raw: string, from: number): number {
  let depth = 0;
  let inClass = false;
  for (let p = from; p < raw.length; p++) {
    const c = raw[p];
    if (c === '\\') {
      p += 1;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '{') {
      depth += 1;
    } else if (c === '}') {
      if (depth === 0 && raw[p + 1] === '}') return p;
      if (depth > 0) depth -= 1;
    }
  }
  return -1;
}

/** Captures of `line` if the pattern matches it, else null. Never called for ellipsis lines. */
export function matchLine(pattern: LinePattern, line: string): Readonly<Record<string, string>> | null {
  switch (pattern.kind) {
    case 'ellipsis':
      return EMPTY;
    case 'literal':
      return pattern.text === line ? EMPTY : null;
    case 'regex': {
      const m = pattern.regex.exec(line);
      if (!m) return null;
      if (!pattern.hasGroups || !m.groups) return EMPTY;
      const captures: Record<string, string> = {};
      for (const [name, value] of Object.entries(m.groups)) if (value !== undefined) captures[name] = value;
      return captures;
    }
    case 'glob':
      return matchSegments(pattern.segments, line);
  }
}

/**
 * Segment matching as a grid of (segment, position) states instead of backtracking: a forward pass
 * marks the positions reachable after each segment, a backward pass keeps those from which the end
 * of the line is still reachable, and a forward walk picks the path a regex engine would prefer:
 * `...` lazy (shortest first), captures greedy (longest first). O(segments × line length), plus
 * the tests of a user's own capture regexes; no recursion, nothing exponential.
 */
export function matchSegments(segments: Segment[], line: string): Record<string, string> | null {
  if (!segments.some((s) => s.kind === 'capture')) return matchWildcards(segments, line) ? {} : null;
  // Cheap rejection first: most lines tried against a pattern (after a `...`) do not match at all.
  const head = segments[0]!;
  const tail = segments[segments.length - 1]!;
  if (head.kind === 'text' && !line.startsWith(head.text)) return null;
  if (tail.kind === 'text' && !line.endsWith(tail.text)) return null;
  for (const s of segments) if (s.kind === 'text' && !line.includes(s.text)) return null;
  const n = segments.length;
  const len = line.length;
  const isSpace = (p: number) => p < len && /\s/.test(line[p]!);
  // wsEnd[p]: the end of the non-whitespace run starting at p (p itself when line[p] is whitespace).
  const wsEnd = new Int32Array(len + 1);
  wsEnd[len] = len;
  for (let p = len - 1; p >= 0; p--) wsEnd[p] = isSpace(p) ? p : wsEnd[p + 1]!;

  const reach: Uint8Array[] = [new Uint8Array(len + 1)];
  reach[0]![0] = 1;
  for (let k = 0; k < n; k++) {
    const cur = reach[k]!;
    const next = new Uint8Array(len + 1);
    const seg = segments[k]!;
    let any = false;
    switch (seg.kind) {
      case 'text':
        for (let at = line.indexOf(seg.text); at >= 0; at = line.indexOf(seg.text, at + 1)) {
          if (cur[at]) { next[at + seg.text.length] = 1; any = true; }
          if (seg.text.length === 0) break;
        }
        break;
      case 'any': {
        let on = 0;
        for (let p = 0; p <= len; p++) {
          on |= cur[p]!;
          next[p] = on;
        }
        any = on === 1;
        break;
      }
      case 'capture':
        if (!seg.regex) {
          // next[e] when some reachable p < e has no whitespace in line[p, e).
          let open = false;
          for (let e = 1; e <= len; e++) {
            open = isSpace(e - 1) ? false : open || cur[e - 1] === 1;
            if (open) { next[e] = 1; any = true; }
          }
        } else {
          for (let p = 0; p <= len; p++) {
            if (!cur[p]) continue;
            for (let e = p; e <= len; e++) if (!next[e] && seg.regex.test(line.slice(p, e))) { next[e] = 1; any = true; }
          }
        }
        break;
    }
    if (!any) return null;
    reach.push(next);
  }
  if (!reach[n]![len]) return null;

  const good: Uint8Array[] = new Array<Uint8Array>(n + 1);
  good[n] = new Uint8Array(len + 1);
  good[n]![len] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const cur = reach[k]!;
    const after = good[k + 1]!;
    const g = new Uint8Array(len + 1);
    const seg = segments[k]!;
    switch (seg.kind) {
      case 'text':
        for (let p = 0; p + seg.text.length <= len; p++) if (cur[p] && after[p + seg.text.length] && line.startsWith(seg.text, p)) g[p] = 1;
        break;
      case 'any': {
        const last = after.lastIndexOf(1);
        for (let p = 0; p <= last; p++) g[p] = cur[p]!;
        break;
      }
      case 'capture':
        if (!seg.regex) {
          // has(p): some e in (p, wsEnd[p]] is good after this segment.
          let has = false;
          for (let p = len - 1; p >= 0; p--) {
            has = isSpace(p) ? false : after[p + 1] === 1 || (has && !isSpace(p + 1));
            if (has && cur[p]) g[p] = 1;
          }
        } else {
          for (let p = 0; p <= len; p++) {
            if (!cur[p]) continue;
            for (let e = p; e <= len && !g[p]; e++) if (after[e] && seg.regex.test(line.slice(p, e))) g[p] = 1;
          }
        }
        break;
    }
    good[k] = g;
  }

  const captures: Record<string, string> = {};
  let p = 0;
  for (let k = 0; k < n; k++) {
    const seg = segments[k]!;
    const after = good[k + 1]!;
    let e = -1;
    switch (seg.kind) {
      case 'text':
        e = p + seg.text.length;
        break;
      case 'any':
        e = after.indexOf(1, p);
        break;
      case 'capture':
        if (!seg.regex) {
          for (e = wsEnd[p]!; e > p && !after[e]; e--);
        } else {
          for (e = len; e >= p && !(after[e] && seg.regex.test(line.slice(p, e))); e--);
        }
        captures[seg.name] = line.slice(p, e);
        break;
    }
    p = e;
  }
  return captures;
}

/**
 * Text and `...` only: the classic glob algorithm. Anchor the first and last text, then place
 * every middle text at its leftmost occurrence; leftmost placement is always safe with `*` only.
 */
function matchWildcards(segments: Segment[], line: string): boolean {
  const texts: string[] = [];
  for (const s of segments) if (s.kind === 'text') texts.push(s.text);
  const startsAny = segments[0]?.kind === 'any';
  const endsAny = segments[segments.length - 1]?.kind === 'any';
  let lo = 0;
  let hi = line.length;
  let a = 0;
  let b = texts.length;
  if (!startsAny && b > a) {
    if (!line.startsWith(texts[a]!)) return false;
    lo = texts[a]!.length;
    a++;
  }
  if (!endsAny && b > a) {
    if (!line.endsWith(texts[b - 1]!) || line.length - texts[b - 1]!.length < lo) return false;
    hi = line.length - texts[b - 1]!.length;
    b--;
  }
  if (segments.length === 0 || (texts.length === segments.length)) return lo === hi;
  for (let t = a; t < b; t++) {
    const at = line.indexOf(texts[t]!, lo);
    if (at < 0 || at + texts[t]!.length > hi) return false;
    lo = at + texts[t]!.length;
  }
  return lo <= hi;
}
