// Kubernetes version ranges as a lab's front matter writes them (`kubernetes: ">=1.36"`): a tiny
// subset of npm's semver ranges over major.minor(.patch). Pure: no I/O.
//
//   1.36              any 1.36.x (a partial version is an X-range, as in semver)
//   =1.36.1           exactly that patch
//   >=1.36  >1.36     from 1.36.0 on; from 1.37.0 on (`>1.36` means after every 1.36.x)
//   <1.38   <=1.37    before 1.38.0; up to every 1.37.x
//   >=1.35 <1.38      space: all of them (and)
//   1.35 || 1.37      `||`: any of the alternatives (or)
//
// A leading `v` is allowed (`v1.36.1`). Anything else is a RangeSyntaxError with the column
// (0-based offset into the text) of what is wrong, for a lint message at the right place.

export type Version = readonly [major: number, minor: number, patch: number];

type Op = '>=' | '>' | '<' | '<=' | '=';

interface Comparator {
  op: Op;
  /** The bound, with the partial version's missing parts resolved by `op` (see `bound`). */
  version: Version;
}

/** Alternatives (`||`), each a list of comparators that must all hold. */
export interface VersionRange {
  readonly text: string;
  readonly sets: readonly (readonly Comparator[])[];
}

export class RangeSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based offset into the range text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parse a range; throws RangeSyntaxError. An empty text is an error (the caller says what is required). */
export function parseRange(text: string): VersionRange {
  const sets: Comparator[][] = [[]];
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  skipSpace();
  if (at === text.length) throw new RangeSyntaxError('the range is empty', 0);
  while (at < text.length) {
    skipSpace();
    if (text.startsWith('||', at)) {
      if (sets.at(-1)!.length === 0) throw new RangeSyntaxError('`||` needs a version on each side', at);
      sets.push([]);
      at += 2;
      skipSpace();
      if (at === text.length) throw new RangeSyntaxError('`||` needs a version on each side', at - 2);
      continue;
    }
    const opMatch = /^(>=|<=|>|<|=)?/.exec(text.slice(at))!;
    const op = (opMatch[1] ?? '=') as Op;
    at += opMatch[0].length;
    skipSpace();
    const verMatch = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.slice(at));
    if (!verMatch) {
      const what = text[at] === undefined ? 'the end' : `\`${text.slice(at).split(/\s/)[0]}\``;
      throw new RangeSyntaxError(opMatch[1] ? `\`${opMatch[1]}\` must be followed by a version, not ${what}` : `expected a version such as 1.36 or an operator (>=, >, <, <=, =), not ${what}`, at);
    }
    const end = at + verMatch[0].length;
    if (end < text.length && !/\s/.test(text[end]!) && !text.startsWith('||', end)) {
      const rest = text.slice(end).split(/\s|\|\|/)[0];
      throw new RangeSyntaxError(`unexpected \`${rest}\` after version ${verMatch[0]}: versions are major.minor or major.minor.patch`, end);
    }
    const parts = [verMatch[1], verMatch[2], verMatch[3]].filter((p) => p !== undefined).map(Number);
    if (parts.length < 2) throw new RangeSyntaxError(`\`${verMatch[0]}\` is not a Kubernetes version: write major.minor, e.g. 1.36`, at);
    sets.at(-1)!.push(...comparators(op, parts));
    at = end;
  }
  return { text: text.trim(), sets };
}

/** A partial version (major.minor) is the X-range major.minor.x, as semver reads it. */
function comparators(op: Op, parts: number[]): Comparator[] {
  const [major, minor, patch] = parts as [number, number, number | undefined];
  if (patch !== undefined) return [{ op, version: [major, minor, patch] }];
  const low: Version = [major, minor, 0];
  const next: Version = [major, minor + 1, 0];
  switch (op) {
    case '=':
      return [
        { op: '>=', version: low },
        { op: '<', version: next },
      ];
    case '>=':
      return [{ op: '>=', version: low }];
    case '>':
      return [{ op: '>=', version: next }];
    case '<':
      return [{ op: '<', version: low }];
    case '<=':
      return [{ op: '<', version: next }];
  }
}

/** `v1.36.1`, `1.36` (patch 0) to a Version; undefined when it is not one. */
export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function holds(c: Comparator, v: Version): boolean {
  const d = compareVersions(v, c.version);
  switch (c.op) {
    case '>=':
      return d >= 0;
    case '>':
      return d > 0;
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '=':
      return d === 0;
  }
}

/** Whether `version` (`v1.36.1`, `1.36.1`) is in the range. */
export function satisfies(version: string | Version, range: VersionRange): boolean {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  if (!v) return false;
  return range.sets.some((set) => set.every((c) => holds(c, v)));
}
