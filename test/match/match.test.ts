import { describe, expect, it } from 'vitest';
import type { ExpectedOutput, StreamSelector } from '../../src/lab/model.js';
import { checkExpected, escapeLiteral, matchOutput, matchText, rewriteExpectedText } from '../../src/match/index.js';

function exp(text: string, opts: { unordered?: boolean; stream?: StreamSelector; line?: number } = {}): ExpectedOutput {
  return { text, pos: { file: 'lab.md', line: opts.line ?? 42 }, unordered: opts.unordered ?? false, stream: opts.stream ?? 'both', fromConsole: false };
}
const out = (output: string, stdout = output, stderr = '') => ({ output, stdout, stderr });

describe('matchOutput: streams and normalisation', () => {
  it('compares the stream the block asks for', () => {
    const actual = { output: 'out\nerr\n', stdout: 'out\n', stderr: 'err\n' };
    expect(matchOutput(exp('out\nerr'), actual).ok).toBe(true);
    expect(matchOutput(exp('out', { stream: 'stdout' }), actual).ok).toBe(true);
    expect(matchOutput(exp('err', { stream: 'stderr' }), actual).ok).toBe(true);
    expect(matchOutput(exp('out', { stream: 'stderr' }), actual).ok).toBe(false);
  });
  it('ignores colours, CRLF, trailing whitespace and final newlines on both sides', () => {
    expect(matchOutput(exp('NAME   STATUS\nweb    Running  \n\n'), out('\x1b[1mNAME\x1b[0m   STATUS\r\nweb    \x1b[32mRunning\x1b[0m\r\n')).ok).toBe(true);
  });
  it('still sees leading and inner blank lines', () => {
    expect(matchOutput(exp('a\n\nb'), out('a\nb\n')).ok).toBe(false);
    expect(matchOutput(exp('a\nb'), out('\na\nb\n')).ok).toBe(false);
  });
  it('matches an empty expectation only against empty output', () => {
    expect(matchOutput(exp(''), out('\n')).ok).toBe(true);
    expect(matchOutput(exp(''), out('x')).ok).toBe(false);
  });
});

describe('matchOutput: ... lines', () => {
  const actual = out('NAME READY\nweb-1 1/1\nweb-2 1/1\nweb-3 0/1\ndone\n');
  it('match zero or more whole lines, several per block', () => {
    expect(matchOutput(exp('NAME READY\n...\ndone'), actual).ok).toBe(true);
    expect(matchOutput(exp('...\nweb-2 1/1\n...'), actual).ok).toBe(true);
    expect(matchOutput(exp('NAME READY\n...\nweb-1 1/1\n...\nweb-3 0/1\ndone'), actual).ok).toBe(true);
    expect(matchOutput(exp('...\n...\n...'), actual).ok).toBe(true);
    expect(matchOutput(exp('...'), out('')).ok).toBe(true);
  });
  it('needs backtracking: the first candidate for a line is not always the right one', () => {
    expect(matchOutput(exp('...\nx\ny'), out('x\na\nx\ny\n')).ok).toBe(true);
    expect(matchOutput(exp('...\nx\n...\nx\nend'), out('x\nx\nx\nend')).ok).toBe(true);
  });
  it('fail when a line is missing or out of order', () => {
    expect(matchOutput(exp('NAME READY\n...\nweb-4 1/1\n...'), actual).ok).toBe(false);
    expect(matchOutput(exp('...\nweb-3 0/1\nweb-1 1/1\n...'), actual).ok).toBe(false);
    expect(matchOutput(exp('NAME READY\n...'), out('x\nNAME READY')).ok).toBe(false);
  });
});

describe('matchOutput: captures', () => {
  it('returns captures of every matched line, the last one winning for a repeated name', () => {
    const r = matchOutput(
      exp('pod/{{pod}} created\n...\n{{ip:\\d+\\.\\d+\\.\\d+\\.\\d+}} (?<ignored>x)?\nnode/(?<node>\\S+) ok (re)\nagain {{pod}}'),
      out('pod/web-abc created\nnoise\n10.0.0.7 (?<ignored>x)?\nnode/kind-worker ok\nagain web-def\n'),
    );
    expect(r).toMatchObject({ ok: true, captures: { pod: 'web-def', ip: '10.0.0.7', node: 'kind-worker' } });
  });
  it('returns no captures on a mismatch', () => {
    expect(matchOutput(exp('pod/{{pod}} created\nmissing'), out('pod/web created')).captures).toEqual({});
  });
  it('picks the first line a capture can take after a ... (lazy ...)', () => {
    expect(matchOutput(exp('...\nname={{v}}\n...'), out('a\nname=1\nname=2\n')).captures).toEqual({ v: '1' });
  });
  it('treats kubectl placeholders as plain text', () => {
    expect(matchOutput(exp('web   <none>   <unknown>'), out('web   <none>   <unknown>')).ok).toBe(true);
    expect(matchOutput(exp('web   <none>'), out('web   10.0.0.1')).ok).toBe(false);
  });
});

describe('matchOutput: unordered', () => {
  it('matches lines in any order as a multiset', () => {
    expect(matchOutput(exp('b\na\na', { unordered: true }), out('a\nb\na')).ok).toBe(true);
    expect(matchOutput(exp('b\na', { unordered: true }), out('a\nb\na')).ok).toBe(false);
    expect(matchOutput(exp('b\na\na', { unordered: true }), out('a\nb\nb')).ok).toBe(false);
  });
  it('pairs pattern lines so that literals and patterns all find a line', () => {
    // {{x}} could take "a", but then the literal "a" would fail: pairing must avoid that.
    expect(matchOutput(exp('{{x}}\na', { unordered: true }), out('a\nb')).captures).toEqual({ x: 'b' });
    expect(matchOutput(exp('web-... Running\nweb-1 ... (re)\nweb-1 Running', { unordered: true }), out('web-1 Running\nweb-2 Running\nweb-1 Pending')).ok).toBe(false);
    expect(matchOutput(exp('web-... Running\nweb-. P.* (re)\nweb-1 Running', { unordered: true }), out('web-2 Running\nweb-1 Pending\nweb-1 Running')).ok).toBe(true);
  });
  it('a ... line allows extra lines anywhere, however many ... lines there are', () => {
    expect(matchOutput(exp('a\n...', { unordered: true }), out('x\na\ny')).ok).toBe(true);
    expect(matchOutput(exp('...\na\n...', { unordered: true }), out('x\na\ny')).ok).toBe(true);
    expect(matchOutput(exp('a', { unordered: true }), out('x\na')).ok).toBe(false);
    expect(matchOutput(exp('...\nz', { unordered: true }), out('x\na')).ok).toBe(false);
  });
});

describe('matchOutput: diffs', () => {
  it('is a unified diff with the lab position in the header', () => {
    const r = matchOutput(exp('a\nb\nc', { line: 7 }), out('a\nB\nc\n'));
    expect(r.ok).toBe(false);
    expect(r.diff).toBe('--- expected (lab.md:7)\n+++ actual\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c');
    const withCol = matchOutput({ ...exp('a'), pos: { file: 'lab.md', line: 9, col: 3 } }, out('b'));
    expect(withCol.diff!.split('\n')[0]).toBe('--- expected (lab.md:9)');
  });
  it('shows lines matched by ..., regexes and captures as their actual text, not as changes', () => {
    const r = matchOutput(
      exp('NAME READY\n...\npod/{{pod}} created\nage \\d+s (re)\nstatus: Running'),
      out('NAME READY\nx\ny\npod/web-1 created\nage 12s\nstatus: Pending\n'),
    );
    expect(r.ok).toBe(false);
    const changed = r.diff!.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed).toEqual(['-status: Running', '+status: Pending']);
    expect(r.diff).toContain(' pod/web-1 created');
    expect(r.diff).toContain(' age 12s');
  });
  it('shows extra and missing lines of unordered blocks', () => {
    const r = matchOutput(exp('b\na\nz', { unordered: true }), out('a\nb\nc'));
    const changed = r.diff!.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed.sort()).toEqual(['+c', '-z']);
  });
  it('explains huge mismatches without an n×m table', () => {
    const lines = Array.from({ length: 5000 }, (_, k) => `line ${k}`);
    const actual = [...lines];
    actual[2500] = 'changed';
    const started = performance.now();
    const r = matchText(exp(lines.join('\n')), actual.join('\n'));
    expect(performance.now() - started).toBeLessThan(5000);
    const changed = r.diff!.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed).toEqual(['-line 2500', '+changed']);
  });
});

describe('escapeLiteral', () => {
  it('escapes ... lines, (re) endings and {{ so real output matches itself literally', () => {
    const text = 'a {{b}} c\n...\n  ...\nwhy (re)\n{{{x';
    const escaped = escapeLiteral(text);
    expect(escaped).toBe('a {{{{b}} c\n\\.\\.\\. (re)\n  \\.\\.\\. (re)\nwhy \\(re\\) (re)\n{{{{{x');
    expect(matchText(exp(escaped), text).ok).toBe(true);
    expect(matchText(exp(escaped), 'a X c\nfoo\n  ...\nwhy (re)\n{{{x').ok).toBe(false);
    expect(matchText(exp(escaped), text).captures).toEqual({});
  });
  it('normalises what it escapes (no colour codes end up in a lab)', () => {
    expect(escapeLiteral('\x1b[32mok\x1b[0m  \r\n\n')).toBe('ok');
  });
});

describe('checkExpected', () => {
  it('reports bad regexes, malformed captures and captures that shadow shell variables, by line', () => {
    const problems = checkExpected('fine\n(open (re)\n{{ x }}\n{{KUBECONFIG}} {{ok}}\n{{n:[}}\n{{{{ literal');
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(problems.map((p) => p.severity)).toEqual(['error', 'warning', 'warning', 'error']);
    expect(problems[0]!.message).toMatch(/invalid regular expression/);
    expect(problems[1]).toMatchObject({ col: 1 });
    expect(problems[2]!.message).toMatch(/KUBECONFIG/);
  });

  it('refuses captures named like bash read-only or special variables, at the capture', () => {
    const names = ['UID', 'EUID', 'PPID', 'SHELLOPTS', 'BASHOPTS', 'BASH_VERSINFO', 'BASHPID', 'BASH_ARGV', 'GROUPS', 'FUNCNAME', 'RANDOM', 'SECONDS', 'LINENO', 'PWD', 'OLDPWD', 'IFS', 'PATH', 'HOME', 'PIPESTATUS', 'EPOCHSECONDS', 'SRANDOM', 'REPLY', 'OPTIND', '_'];
    for (const name of names) {
      const [p, ...rest] = checkExpected(`pod uid: {{${name}}}`);
      expect(rest).toEqual([]);
      expect(p).toMatchObject({ line: 1, col: 10, severity: 'error', rename: true });
      expect(p!.message).toMatch(new RegExp(`^capture ${name}: ${name} is a (read-only )?bash variable`));
    }
    expect(checkExpected('x\n{{n:\\d+}} {{UID:\\d+}}')).toMatchObject([{ line: 2, col: 11, severity: 'error', rename: true }]);
    expect(checkExpected('id=(?<EUID>\\d+) (re)')).toMatchObject([{ line: 1, col: 7, severity: 'error', rename: true }]);
    // Lower case and other names are fine: bash variables are case-sensitive.
    expect(checkExpected('{{uid}} {{pod_uid}} {{Path}} {{UID2}}')).toEqual([]);
  });
  it('finds nothing in plain output', () => {
    expect(checkExpected('NAME   READY   STATUS\nweb    1/1     Running\n<none>')).toEqual([]);
  });
});

describe('rewriteExpectedText', () => {
  it('returns the old text untouched when it matches', () => {
    const text = 'NAME READY\n...\npod/{{pod}} created  \n';
    expect(rewriteExpectedText(exp(text), 'NAME READY\nx\npod/a created')).toBe(text);
  });
  it('keeps pattern lines that still match and writes the real output elsewhere', () => {
    const text = 'NAME READY\n...\npod/{{pod}} created\nage \\d+s (re)\nstatus: Running\nold line';
    const actual = 'NAME READY\nx\ny\npod/web-1 created\nage 12s\nstatus: Pending\n{{new}}\n...';
    const rewritten = rewriteExpectedText(exp(text), actual);
    expect(rewritten).toBe('NAME READY\n...\npod/{{pod}} created\nage \\d+s (re)\nstatus: Pending\n{{{{new}}\n\\.\\.\\. (re)');
    expect(matchText(exp(rewritten), actual).ok).toBe(true);
  });
  it('keeps the old order of unordered blocks and appends new lines', () => {
    const rewritten = rewriteExpectedText(exp('c\n{{x}} b\ngone\n...', { unordered: true }), 'a b\nnew\nc');
    expect(rewritten).toBe('c\n{{x}} b\n...');
    const strict = rewriteExpectedText(exp('c\n{{x}} b\ngone', { unordered: true }), 'a b\nnew\nc');
    expect(strict).toBe('c\n{{x}} b\nnew');
  });
});
