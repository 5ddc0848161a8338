import { describe, expect, it } from 'vitest';
import { matchLine, parseLine, type PatternProblem } from '../../src/match/pattern.js';

const m = (pattern: string, line: string) => matchLine(parseLine(pattern), line);

describe('parseLine', () => {
  it('classifies lines', () => {
    expect(parseLine('...').kind).toBe('ellipsis');
    expect(parseLine('  ...').kind).toBe('ellipsis');
    expect(parseLine('plain <none> <unknown>').kind).toBe('literal');
    expect(parseLine('a ... b').kind).toBe('glob');
    expect(parseLine('pod/{{pod}} created').kind).toBe('glob');
    expect(parseLine('v1\\.\\d+ (re)').kind).toBe('regex');
  });
  it('reads {{{{ as a literal {{', () => {
    const p = parseLine('{{{{ .metadata.name }}');
    expect(p).toMatchObject({ kind: 'literal', text: '{{ .metadata.name }}' });
  });
  it('reports malformed captures and bad regexes, and falls back to literal text', () => {
    const problems: PatternProblem[] = [];
    expect(parseLine('{{ .spec }}', problems)).toMatchObject({ kind: 'literal', text: '{{ .spec }}' });
    expect(parseLine('x{{n:[a-}}', problems).kind).toBe('literal');
    expect(parseLine('(unclosed (re)', problems)).toMatchObject({ kind: 'literal', text: '(unclosed (re)' });
    expect(parseLine('{{n:abc', problems).kind).toBe('literal');
    expect(problems.map((p) => p.col)).toEqual([0, 1, 0, 0]);
    expect(problems[0]!.message).toMatch(/write \{\{\{\{/);
    expect(problems[2]!.message).toMatch(/invalid regular expression.*\(re\)/);
  });
});

describe('matchLine', () => {
  it('compares literal lines exactly', () => {
    expect(m('NAME READY', 'NAME READY')).toEqual({});
    expect(m('NAME READY', 'NAME  READY')).toBeNull();
  });
  it('matches in-line ... against any text, including none', () => {
    expect(m('pod/... created', 'pod/web-7d9f created')).toEqual({});
    expect(m('pod/... created', 'pod/ created')).toEqual({});
    expect(m('pod/... created', 'pod/web deleted')).toBeNull();
    expect(m('...ab...ab', 'xabab')).toEqual({});
    expect(m('a...a', 'a')).toBeNull();
    expect(m('Waiting...', 'Waiting...')).toEqual({});
  });
  it('captures non-whitespace runs', () => {
    expect(m('pod/{{pod}} created', 'pod/web-7d9f created')).toEqual({ pod: 'web-7d9f' });
    expect(m('pod/{{pod}} created', 'pod/ created')).toBeNull();
    expect(m('{{a}} {{b}}', 'x y')).toEqual({ a: 'x', b: 'y' });
    expect(m('{{a}} {{b}}', 'x y z')).toBeNull();
  });
  it('captures greedily and elides lazily, like a regex', () => {
    expect(m('{{a}}...', 'foo bar')).toEqual({ a: 'foo' });
    expect(m('...{{a}}', 'foo bar')).toEqual({ a: 'bar' });
    expect(m('{{a}}-{{b}}', 'x-y-z')).toEqual({ a: 'x-y', b: 'z' });
  });
  it('captures with a custom regex, including braces in it', () => {
    expect(m('uid {{uid:\\d{1,4}}}', 'uid 1000')).toEqual({ uid: '1000' });
    expect(m('uid {{uid:\\d{1,4}}}', 'uid 10000')).toBeNull();
    expect(m('ip {{ip:[0-9.]+}}/{{len}}', 'ip 10.244.0.0/16')).toEqual({ ip: '10.244.0.0', len: '16' });
  });
  it('matches (re) lines as anchored regexes with named groups as captures', () => {
    expect(m('Running|Completed (re)', 'Running')).toEqual({});
    expect(m('Running|Completed (re)', 'NotRunning')).toBeNull();
    expect(m('node/(?<node>\\S+) cordoned (re)', 'node/kind-worker cordoned')).toEqual({ node: 'kind-worker' });
  });
  it('does not blow up on many wildcards and captures against a long failing line', () => {
    const pattern = Array.from({ length: 40 }, (_, k) => (k % 2 ? '{{c' + k + '}}' : '...')).join('x');
    const started = performance.now();
    expect(m(pattern, 'xy'.repeat(2000) + ' ')).toBeNull();
    expect(m(pattern, 'xxy '.repeat(500) + 'x')).toBeNull();
    expect(m('...{{a}}'.repeat(30) + 'z', 'ab'.repeat(1000))).toBeNull();
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('(re) lines and capture regexes are Unicode regexes', () => {
  it('`.` matches a whole emoji, `\\p{L}` is a letter class', () => {
    expect(m('status: . (re)', 'status: ✅')).not.toBeNull();
    expect(m('ready . (re)', 'ready 🚀')).not.toBeNull();
    expect(m('\\p{L}+ (re)', 'Größe')).not.toBeNull();
    expect(m('\\p{L}+ (re)', 'p{L}')).toBeNull();
    expect(m('name={{n:\\p{Lu}\\p{Ll}+}}', 'name=Élise')).toEqual({ n: 'Élise' });
    expect(m('x {{e:.}}', 'x 🚀')).toEqual({ e: '🚀' });
  });

  it('a pattern valid only without the u flag is an error at the offending character, never a crash', () => {
    for (const [line, col] of [['a\\-b (re)', 1], ['x{ (re)', 1], ['ab] (re)', 2], ['\\> prompt (re)', 0], ['ok \\y (re)', 3]] as const) {
      const problems: PatternProblem[] = [];
      expect(parseLine(line, problems).kind).toBe('literal');
      expect(problems).toHaveLength(1);
      expect(problems[0]!).toMatchObject({ col, severity: 'error' });
      expect(problems[0]!.message).toMatch(/Unicode regexes, with the `u` flag/);
    }
    const problems: PatternProblem[] = [];
    parseLine('v{{n:a\\-b}}', problems);
    expect(problems[0]!.message).toMatch(/capture \{\{n:…\}\}: invalid regular expression.*`u` flag/);
  });
});
