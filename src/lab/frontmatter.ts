// YAML front matter between `---` lines at the top of a lab: title, id, kubernetes, cluster,
// vars, timeout. Every problem becomes a diagnostic at its own line; defaults fill the rest.
import { isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { bashVariableProblem } from '../match/shell-names.js';
import { parseRange, RangeSyntaxError } from '../versions/range.js';
import type { Diagnostics } from './diagnostics.js';
import { parseDuration } from './duration.js';
import type { ClusterProviderName, ClusterSpec } from './model.js';
import type { LineIndex } from './source.js';
import { didYouMean, nearest } from './suggest.js';

export const FRONT_MATTER_KEYS = ['title', 'id', 'kubernetes', 'cluster', 'vars', 'timeout'] as const;
export const CLUSTER_KEYS = ['provider', 'name', 'config'] as const;
export const CLUSTER_PROVIDERS: readonly ClusterProviderName[] = ['kind', 'existing', 'none'];

export interface FrontMatter {
  title?: string;
  id?: string;
  kubernetes?: string;
  cluster: ClusterSpec;
  vars: Record<string, string>;
  timeout?: number;
}

export interface FrontMatterBlock {
  /** 1-based lines of the opening and closing `---`. */
  openLine: number;
  closeLine: number;
  yaml: string;
}

const isDelimiter = (line: string, closing: boolean) => {
  const t = line.trimEnd();
  return t === '---' || (closing && t === '...');
};

/** Finds the front matter block; undefined when the lab has none (or it is never closed: reported). */
export function findFrontMatter(index: LineIndex, diags: Diagnostics): FrontMatterBlock | undefined {
  if (!isDelimiter(index.line(1), false)) return undefined;
  for (let line = 2; line <= index.lineCount; line++) {
    if (isDelimiter(index.line(line), true)) {
      return { openLine: 1, closeLine: line, yaml: index.text.slice(index.lineStart(2), Math.max(index.lineStart(2), index.lineStart(line) - 1)) };
    }
  }
  diags.error('front-matter-unclosed', index.pos(1, 1), 'front matter opened with `---` is never closed', 'end the front matter with a line `---`, or remove the first `---` line');
  return undefined;
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseFrontMatter(block: FrontMatterBlock | undefined, index: LineIndex, diags: Diagnostics): FrontMatter {
  const result: FrontMatter = { cluster: { provider: 'none' }, vars: {} };
  if (!block) return result;
  const counter = new LineCounter();
  const doc = parseDocument(block.yaml, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const posOf = (offset: number | undefined) => {
    const { line, col } = counter.linePos(offset ?? 0);
    return index.pos(block.openLine + line, col);
  };
  const nodePos = (node: unknown) => posOf(node && typeof node === 'object' && 'range' in node ? (node as Node).range?.[0] : undefined);

  for (const err of doc.errors) {
    const first = err.message.split('\n')[0];
    // `kubernetes: >=1.36` is a YAML block scalar header (`>`), not a string: say what to write.
    const lineText = block.yaml.split('\n')[counter.linePos(err.pos[0]).line - 1] ?? '';
    const unquotedRange = /^\s*kubernetes\s*:\s*[>|]/.exec(lineText);
    const hint = unquotedRange ? `quote a range that starts with \`>\`: kubernetes: "${lineText.slice(unquotedRange[0].length - 1).trim()}"` : 'fix the YAML between the `---` lines';
    diags.error('front-matter-yaml', posOf(err.pos[0]), `front matter is not valid YAML: ${first}`, hint);
  }
  if (doc.errors.length > 0 || doc.contents === null) return result;
  if (!isMap(doc.contents)) {
    diags.error('front-matter-type', nodePos(doc.contents), 'front matter must be a YAML mapping (`key: value` lines)');
    return result;
  }

  /** A scalar as the author wrote it (so `kubernetes: 1.30` stays `1.30`, not `1.3`). */
  const scalarText = (node: unknown): string | undefined => {
    if (!isScalar(node)) return undefined;
    if (node.value === null) return undefined;
    if (typeof node.value === 'string') return node.value;
    return node.source ?? String(node.value);
  };
  const keyName = (pair: Pair) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));

  for (const pair of doc.contents.items) {
    const key = keyName(pair);
    const keyPos = nodePos(pair.key);
    const value = pair.value;
    switch (key) {
      case 'title':
      case 'id':
      case 'kubernetes': {
        const text = scalarText(value);
        if (text === undefined || text.trim() === '') {
          diags.error('front-matter-type', keyPos, `front matter \`${key}\` must be a non-empty string`);
        } else if (key === 'kubernetes') {
          if (checkKubernetesRange(text, value, posOf, diags)) result.kubernetes = text;
        } else if (key === 'id' && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(text)) {
          diags.error('front-matter-type', nodePos(value), `front matter \`id: ${text}\` must be letters, digits, \`.\`, \`_\` or \`-\``, 'ids name journals and report files; use a slug like `kubelet-authz`');
        } else {
          result[key] = text;
        }
        break;
      }
      case 'timeout': {
        const text = scalarText(value);
        const ms = text === undefined || typeof (value as { value?: unknown }).value !== 'string' ? undefined : parseDuration(text);
        if (ms === undefined || ms <= 0) {
          diags.error('front-matter-type', nodePos(value ?? pair.key), `front matter \`timeout: ${text ?? ''}\` is not a duration`, 'write a duration with a unit: `90s`, `2m`, `500ms`, `1m30s`');
        } else {
          result.timeout = ms;
        }
        break;
      }
      case 'vars': {
        if (!isMap(value)) {
          diags.error('front-matter-type', nodePos(value ?? pair.key), 'front matter `vars` must be a mapping of names to strings', 'e.g.\nvars:\n  NAMESPACE: kauthz');
          break;
        }
        for (const item of value.items) {
          const name = keyName(item);
          const text = scalarText(item.value);
          if (!VAR_NAME.test(name)) {
            diags.error('front-matter-type', nodePos(item.key), `var name \`${name}\` is not a shell variable name`, 'vars are exported into the shell: use letters, digits and `_`, not starting with a digit');
          } else if (bashVariableProblem(name)) {
            diags.error('bad-var-name', nodePos(item.key), `var ${bashVariableProblem(name)}`, 'rename the var (e.g. lower case, or with a prefix: `LAB_PATH`) and the places that use it');
          } else if (text === undefined) {
            diags.error('front-matter-type', nodePos(item.value ?? item.key), `var \`${name}\` must have a string value`, `quote it: ${name}: "value"`);
          } else {
            result.vars[name] = text;
          }
        }
        break;
      }
      case 'cluster':
        result.cluster = parseCluster(value, pair, nodePos, diags);
        break;
      default: {
        const near = nearest(key, FRONT_MATTER_KEYS);
        // A near miss is a typo that would silently change the lab; anything else is probably
        // another tool's front matter (tags, date, weight) and only worth a warning.
        if (near) diags.error('front-matter-key', keyPos, `unknown front matter key \`${key}\``, `${didYouMean(key, FRONT_MATTER_KEYS)}known keys: ${FRONT_MATTER_KEYS.join(', ')}`);
        else diags.warning('front-matter-key', keyPos, `unknown front matter key \`${key}\` is ignored`, `known keys: ${FRONT_MATTER_KEYS.join(', ')}`);
      }
    }
  }
  return result;
}

/**
 * `kubernetes: 1.36`, `">=1.36"`, `">=1.35 <1.38"`, `1.35 || 1.37` (src/versions/range.ts). A
 * syntax error points at its column.
 */
function checkKubernetesRange(text: string, node: unknown, posOf: (offset: number | undefined) => ReturnType<LineIndex['pos']>, diags: Diagnostics): boolean {
  const scalar = node as { range?: [number, number, number]; type?: string };
  const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE' ? 1 : 0;
  const start = (scalar.range?.[0] ?? 0) + quoted;
  const example = 'e.g. kubernetes: "1.36", ">=1.36", ">=1.35 <1.38" or "1.35 || 1.37"';
  try {
    // A range outside kubelab's table is fine: a lab for an `existing` cluster may mean 1.31.
    parseRange(text);
    return true;
  } catch (e) {
    if (!(e instanceof RangeSyntaxError)) throw e;
    diags.error('front-matter-type', posOf(start + e.offset), `front matter \`kubernetes: ${text}\` is not a version range: ${e.message}`, example);
    return false;
  }
}

function parseCluster(value: unknown, pair: Pair, nodePos: (n: unknown) => ReturnType<LineIndex['pos']>, diags: Diagnostics): ClusterSpec {
  const spec: ClusterSpec = { provider: 'none' };
  const checkProvider = (text: string | undefined, node: unknown): void => {
    if (text !== undefined && (CLUSTER_PROVIDERS as readonly string[]).includes(text)) {
      spec.provider = text as ClusterProviderName;
    } else {
      diags.error('unknown-provider', nodePos(node), `unknown cluster provider \`${text ?? ''}\``, `${didYouMean(text ?? '', CLUSTER_PROVIDERS)}providers: ${CLUSTER_PROVIDERS.join(', ')}`);
    }
  };
  if (isScalar(value)) {
    // Shorthand `cluster: kind`.
    checkProvider(typeof value.value === 'string' ? value.value : undefined, value);
    return spec;
  }
  if (!isMap(value)) {
    diags.error('front-matter-type', nodePos(value ?? pair.key), 'front matter `cluster` must be a mapping', 'e.g.\ncluster:\n  provider: kind\n  name: kauthz');
    return spec;
  }
  let providerSeen = false;
  for (const item of value.items) {
    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
    const v = item.value;
    const text = isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
    switch (key) {
      case 'provider':
        providerSeen = true;
        checkProvider(text, v ?? item.key);
        break;
      case 'name':
      case 'config':
        if (text === undefined || text === '') diags.error('front-matter-type', nodePos(v ?? item.key), `\`cluster.${key}\` must be a non-empty string`);
        else spec[key] = text;
        break;
      default:
        diags.error('front-matter-key', nodePos(item.key), `unknown key \`cluster.${key}\``, `${didYouMean(key, CLUSTER_KEYS)}known keys: ${CLUSTER_KEYS.join(', ')}`);
    }
  }
  if (!providerSeen) diags.error('front-matter-type', nodePos(pair.key), '`cluster` needs a `provider`', `providers: ${CLUSTER_PROVIDERS.join(', ')}`);
  else if (spec.provider === 'none' && (spec.name || spec.config)) {
    diags.warning('front-matter-type', nodePos(pair.key), '`cluster.name` and `cluster.config` have no effect with provider `none`');
  }
  return spec;
}
