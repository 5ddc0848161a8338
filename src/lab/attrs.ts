// Fence attributes: ```` ```sh { name=check timeout=60s exit=0 retry=30s verify } ````.
// Tokenizing (`{ key=value flag key="two words" }`) and validating (types, known keys, which
// keys apply to which block kind) are separate steps; both report exact columns.
import type { Diagnostics } from './diagnostics.js';
import { parseDuration } from './duration.js';
import type { BlockAttrs, SourcePos, StreamSelector } from './model.js';
import type { LineIndex } from './source.js';
import { didYouMean } from './suggest.js';

export const VALUE_KEYS = ['name', 'timeout', 'exit', 'retry', 'points', 'stream', 'node', 'as', 'verb', 'resource', 'groups', 'namespace'] as const;
export const FLAG_KEYS = ['cleanup', 'verify', 'hint', 'solution', 'skip', 'unordered', 'secret'] as const;
export const KNOWN_KEYS: readonly string[] = [...VALUE_KEYS, ...FLAG_KEYS];

type ValueKey = (typeof VALUE_KEYS)[number];
type FlagKey = (typeof FLAG_KEYS)[number];

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
/** `[A-Za-z0-9_.-]` by char code: this runs for every character of every info string. */
function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

export interface RawAttr {
  key: string;
  /** `true` for a bare flag. */
  value: string | true;
  col: number;
}

/** The info string split into its first word and its attributes. */
export interface InfoString {
  lang: string;
  attrs: RawAttr[];
}

/**
 * Splits `sh { name=x flag }`. `infoCol` is the 1-based column of `info` in line `line`.
 * Anything after the first word must sit in one pair of braces.
 */
export function parseInfoString(info: string, line: number, infoCol: number, index: LineIndex, diags: Diagnostics): InfoString {
  const pos = (i: number): SourcePos => index.pos(line, infoCol + i);
  let i = 0;
  while (i < info.length && !isSpace(info[i]) && info[i] !== '{') i++;
  const lang = info.slice(0, i).toLowerCase();
  const attrs: RawAttr[] = [];
  while (i < info.length && isSpace(info[i])) i++;
  if (i >= info.length) return { lang, attrs };
  if (info[i] !== '{') {
    diags.error('attribute-syntax', pos(i), `unexpected \`${info.slice(i)}\` after \`${lang}\``, `attributes go in braces: \`${lang} { ${info.slice(i)} }\``);
    return { lang, attrs };
  }
  i++;
  for (;;) {
    while (i < info.length && isSpace(info[i])) i++;
    if (i >= info.length) {
      diags.error('attribute-syntax', pos(info.indexOf('{')), 'attribute list `{` is never closed', 'end the attributes with `}`');
      return { lang, attrs };
    }
    if (info[i] === '}') {
      i++;
      break;
    }
    const keyStart = i;
    while (i < info.length && isKeyChar(info.charCodeAt(i))) i++;
    const key = info.slice(keyStart, i);
    if (key === '') {
      diags.error('attribute-syntax', pos(i), `unexpected \`${info[i]}\` in attributes`, 'write attributes as `key=value` or a bare flag, separated by spaces');
      return { lang, attrs };
    }
    if (info[i] !== '=') {
      attrs.push({ key, value: true, col: infoCol + keyStart });
      if (i < info.length && !isSpace(info[i]) && info[i] !== '}') {
        diags.error('attribute-syntax', pos(i), `unexpected \`${info[i]}\` after \`${key}\``, 'write attributes as `key=value` or a bare flag, separated by spaces');
        return { lang, attrs };
      }
      continue;
    }
    i++;
    let value = '';
    const quote = info[i];
    if (quote === '"' || quote === "'") {
      const open = i;
      i++;
      let from = i;
      while (i < info.length && info[i] !== quote) {
        if (info[i] === '\\' && quote === '"' && i + 1 < info.length) {
          value += info.slice(from, i);
          i++;
          from = i;
        }
        i++;
      }
      value += info.slice(from, i);
      if (i >= info.length) {
        diags.error('attribute-syntax', pos(open), `quoted value of \`${key}\` is never closed`, `close it with ${quote}`);
        return { lang, attrs };
      }
      i++;
    } else {
      const start = i;
      while (i < info.length && !isSpace(info[i]) && info[i] !== '}') i++;
      value = info.slice(start, i);
    }
    attrs.push({ key, value, col: infoCol + keyStart });
  }
  while (i < info.length && isSpace(info[i])) i++;
  if (i < info.length) diags.error('attribute-syntax', pos(i), `unexpected \`${info.slice(i)}\` after the attributes`, 'put every attribute inside the braces');
  return { lang, attrs };
}

const shown = (a: RawAttr) => (a.value === true ? a.key : `${a.key}=${a.value}`);

export function emptyAttrs(): BlockAttrs {
  return { cleanup: false, verify: false, hint: false, solution: false, skip: false, unordered: false, secret: false, stream: 'both', raw: {} };
}

/** Which block kinds an attribute means something on (others get a warning). */
export type AttrTarget = 'sh' | 'output' | 'apply' | 'kubelet-config' | 'access-review';

const COMMON: readonly string[] = ['name', 'timeout', 'retry', 'points', 'cleanup', 'verify', 'hint', 'solution', 'skip', 'secret'];
const APPLIES_TO: Record<AttrTarget, ReadonlySet<string>> = {
  sh: new Set([...COMMON, 'exit', 'stream', 'unordered']),
  output: new Set(['stream', 'unordered']),
  apply: new Set(COMMON),
  'kubelet-config': new Set([...COMMON, 'node']),
  'access-review': new Set([...COMMON, 'as', 'verb', 'resource', 'groups', 'namespace']),
};

const STREAMS: readonly StreamSelector[] = ['both', 'stdout', 'stderr'];
const KNOWN = new Set(KNOWN_KEYS);
const FLAGS = new Set<string>(FLAG_KEYS);

/** Validates raw attributes for one block kind. Unknown keys and bad values are errors. */
export function validateAttrs(raw: RawAttr[], target: AttrTarget, line: number, index: LineIndex, diags: Diagnostics): BlockAttrs {
  const attrs = emptyAttrs();
  if (raw.length === 0) return attrs;
  // Most blocks have one attribute or none: no set to tell repeats apart.
  const seen = raw.length > 1 ? new Set<string>() : undefined;
  const applies = APPLIES_TO[target];
  for (const a of raw) {
    const pos = () => index.pos(line, a.col);
    if (!KNOWN.has(a.key)) {
      diags.error('unknown-attribute', pos(), `unknown attribute \`${a.key}\``, `${didYouMean(a.key, KNOWN_KEYS)}known: ${KNOWN_KEYS.join(', ')}`);
      continue;
    }
    if (seen?.has(a.key)) {
      diags.error('bad-attribute', pos(), `attribute \`${a.key}\` is given twice`, 'keep one');
      continue;
    }
    seen?.add(a.key);
    if (!applies.has(a.key)) {
      if (target === 'output') {
        diags.error('bad-attribute', pos(), `\`${a.key}\` does not apply to an output block`, 'only `unordered` and `stream` go on an output block; put the rest on the command block above it');
        continue;
      }
      diags.warning('attribute-no-effect', pos(), `\`${a.key}\` has no effect on ${target} blocks`, 'remove it');
    }
    attrs.raw[a.key] = a.value;
    if (FLAGS.has(a.key)) {
      const key = a.key as FlagKey;
      if (a.value === true || a.value === 'true') attrs[key] = true;
      else if (a.value !== 'false') diags.error('bad-attribute', pos(), `\`${key}\` is a flag and takes no value (got \`${shown(a)}\`)`, `write just \`${key}\``);
      continue;
    }
    const key = a.key as ValueKey;
    if (a.value === true) {
      diags.error('bad-attribute', pos(), `attribute \`${key}\` needs a value`, `e.g. ${EXAMPLES[key]}`);
      continue;
    }
    const v = a.value;
    const bad = (why: string) => diags.error('bad-attribute', pos(), `bad value \`${shown(a)}\`: ${why}`, `e.g. ${EXAMPLES[key]}`);
    switch (key) {
      case 'name':
        if (v === '') bad('empty name');
        else if (/^\d+$/.test(v)) bad('a name cannot be a number (it would clash with positional block ids)');
        else if (v.includes('/')) bad('a name cannot contain `/`');
        else attrs.name = v;
        break;
      case 'timeout':
      case 'retry': {
        const ms = parseDuration(v);
        if (ms === undefined) bad('not a duration');
        else if (key === 'timeout' && ms <= 0) bad('the timeout must be longer than zero');
        else attrs[key] = ms;
        break;
      }
      case 'exit': {
        const n = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(n >= 0 && n <= 255)) bad('an exit code is a whole number from 0 to 255');
        else attrs.exit = n;
        break;
      }
      case 'points': {
        const n = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
        if (!Number.isFinite(n)) bad('points are a number of zero or more');
        else attrs.points = n;
        break;
      }
      case 'stream':
        if (!(STREAMS as readonly string[]).includes(v)) bad(`the stream is one of ${STREAMS.join(', ')}`);
        else attrs.stream = v as StreamSelector;
        break;
      case 'groups': {
        const groups = v.split(',').map((g) => g.trim());
        if (groups.some((g) => g === '')) bad('groups are a comma-separated list without empty entries');
        else attrs.groups = groups;
        break;
      }
      case 'node':
      case 'as':
      case 'verb':
      case 'resource':
        if (v === '') bad('empty value');
        else attrs[key] = v;
        break;
      case 'namespace':
        if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v)) bad('a namespace is a DNS label: lowercase letters, digits and `-`, at most 63');
        else attrs.namespace = v;
        break;
    }
  }
  const roles = (['verify', 'hint', 'solution', 'cleanup'] as const).filter((f) => attrs[f]);
  if (roles.length > 1) {
    const first = raw.find((a) => a.key === roles[1]);
    diags.error('conflicting-flags', index.pos(line, first?.col), `a block cannot be both \`${roles[0]}\` and \`${roles[1]}\``, 'keep one of verify, hint, solution, cleanup');
  }
  return attrs;
}

const EXAMPLES: Record<ValueKey, string> = {
  name: '`name=check-flag`',
  timeout: '`timeout=90s` (units: ms, s, m, h)',
  retry: '`retry=30s` (units: ms, s, m, h)',
  exit: '`exit=1`',
  points: '`points=2`',
  stream: '`stream=stderr`',
  node: '`node=worker`',
  as: '`as=system:serviceaccount:NAMESPACE:NAME`',
  verb: '`verb=get`',
  resource: '`resource=nodes`',
  groups: '`groups=system:authenticated,devs`',
  namespace: '`namespace=kauthz` (where the access is checked; a Role there can grant it)',
};
