import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LabError } from '../../src/errors.js';
import { parseLab } from '../../src/lab/parse.js';
import type { ExpectedOutput, ShBlock } from '../../src/lab/model.js';
import { matchText } from '../../src/match/index.js';
import { REDACTED } from '../../src/engine/redact.js';
import { rewriteExpected, rewriteLab, type ExpectedUpdate } from '../../src/update/rewrite.js';

const FRONT = '---\ntitle: T\nid: t\ncluster: { provider: none }\n---\n\n# T\n\n';

/** The expected blocks of a lab, in order, as the parser reads them. */
function expectations(source: string): ExpectedOutput[] {
  const lab = parseLab(source, 'lab.md');
  return [...lab.steps.flatMap((s) => s.blocks), ...lab.cleanup].flatMap((b) => (b.kind === 'sh' && b.expected ? [b.expected] : []));
}

/** Rewrite with one actual text per expected block (undefined: not updated), then re-parse and check. */
function update(source: string, actuals: (string | undefined)[]): string {
  const exps = expectations(source);
  expect(exps).toHaveLength(actuals.length);
  const updates: ExpectedUpdate[] = exps.flatMap((expected, k) => (actuals[k] === undefined ? [] : [{ expected, actual: actuals[k]! }]));
  const next = rewriteExpected(source, updates);
  // The rewritten lab parses to the same blocks, and each updated block now matches its output.
  const after = expectations(next);
  expect(after).toHaveLength(exps.length);
  after.forEach((e, k) => {
    if (actuals[k] !== undefined) expect(matchText(e, actuals[k]!).ok, `block ${k}: ${e.text}`).toBe(true);
  });
  // Idempotent: rewriting with the same outputs changes nothing.
  expect(rewriteExpected(next, after.flatMap((expected, k) => (actuals[k] === undefined ? [] : [{ expected, actual: actuals[k]! }])))).toBe(next);
  return next;
}

describe('rewriteExpected: text/output fences', () => {
  it('replaces a stale body and nothing else', () => {
    const src = `${FRONT}## Greet\n\n\`\`\`sh\necho "hello there"\n\`\`\`\n\n\`\`\`text\nhello world\n\`\`\`\n\n## Same\n\n\`\`\`sh\necho same\n\`\`\`\n\n\`\`\`output { unordered }\nsame\n\`\`\`\n`;
    const next = update(src, ['hello there\n', 'same\n']);
    expect(next).toBe(src.replace('hello world', 'hello there'));
  });

  it('keeps ..., in-line ..., (re) and {{capture}} lines that still match', () => {
    const src = `${FRONT}## Pods\n\n\`\`\`sh\nkubectl get pods\n\`\`\`\n\n\`\`\`text\nNAME ... STATUS\n...\n{{pod}} 1/1 Running\nage: \\d+s (re)\ngone\n\`\`\`\n`;
    const next = update(src, ['NAME READY STATUS\nx\ny\nweb-1 1/1 Running\nage: 5s\nnew {{thing}}\n']);
    expect(next).toBe(src.replace('gone\n', 'new {{{{thing}}\n'));
  });

  it('writes output lines that would close the fence or read as ... as (re) lines', () => {
    const src = `${FRONT}## S\n\n\`\`\`sh\ncat f\n\`\`\`\n\n\`\`\`text\nold\n\`\`\`\n`;
    const next = update(src, ['```\n...\nend (re)\n']);
    expect(next).toContain('```text\n``` (re)\n\\.\\.\\. (re)\nend \\(re\\) (re)\n```\n');
  });

  it('can empty a block and fill an empty one', () => {
    const src = `${FRONT}## S\n\n\`\`\`sh\ntrue\n\`\`\`\n\n\`\`\`text\nstale\n\`\`\`\n\n\`\`\`sh\necho hi\n\`\`\`\n\n\`\`\`text\n\`\`\`\n`;
    const next = update(src, ['', 'hi\n']);
    expect(next).toBe(src.replace('```text\nstale\n```', '```text\n```').replace('```text\n```\n', '```text\n```\n').replace(/```text\n```\n$/, '```text\nhi\n```\n'));
  });

  it('preserves CRLF line endings, attributes and indentation', () => {
    const lf = `${FRONT}## S\n\n- run it:\n\n  \`\`\`sh\n  echo a; echo b\n  \`\`\`\n\n  \`\`\`text { stream=stdout }\n  a\n  c\n  \`\`\`\n`;
    const src = lf.replace(/\n/g, '\r\n');
    const next = update(src, ['a\nb\n']);
    expect(next).toBe(src.replace('  c\r\n', '  b\r\n'));
  });

  it('writes inside blockquotes with the quote markers', () => {
    // The parser does not run fences in blockquotes, but the locator handles any container.
    const src = `${FRONT}## S\n\n> \`\`\`text\n> a\n> \`\`\`\n`;
    const expected: ExpectedOutput = { text: 'a', pos: { file: 'lab.md', line: 11 }, unordered: false, stream: 'both', fromConsole: false };
    const next = rewriteExpected(src, [{ expected, actual: 'a\n\nb\n' }]);
    expect(next).toBe(src.replace('> a\n> ```\n', '> a\n>\n> b\n> ```\n'));
  });

  it('keeps the old order of unordered blocks', () => {
    const src = `${FRONT}## S\n\n\`\`\`sh\nls\n\`\`\`\n\n\`\`\`text { unordered }\nc\nb\nold\n\`\`\`\n`;
    const next = update(src, ['a\nb\nc\n']);
    expect(next).toContain('```text { unordered }\nc\nb\na\n```');
  });
});

describe('rewriteExpected: changed lines are replaced where they were (issue 8)', () => {
  it('keeps the author `...` and changes only a last line that changed', () => {
    const src = `${FRONT}## S\n\n\`\`\`sh\nrun\n\`\`\`\n\n\`\`\`text\nstart\n...\nend v1\n\`\`\`\n`;
    expect(update(src, ['start\nmiddle\nend v2\n'])).toBe(src.replace('end v1', 'end v2'));
  });

  it('keeps (re) and capture lines and changes only the line between them', () => {
    const src = `${FRONT}## S\n\n\`\`\`sh\nrun\n\`\`\`\n\n\`\`\`text\nid: {{id}}\nstate v1\nage: \\d+s (re)\n...\n\`\`\`\n`;
    expect(update(src, ['id: 42\nstate v2\nage: 3s\nmore\n'])).toBe(src.replace('state v1', 'state v2'));
  });
});

describe('rewriteLab: refusals (issue 8)', () => {
  const src = `${FRONT}## S\n\n\`\`\`sh\nshow\n\`\`\`\n\n\`\`\`text\ntoken: abc\nold\n\`\`\`\n\n\`\`\`sh\nother\n\`\`\`\n\n\`\`\`text\nstale\n\`\`\`\n`;

  it('never writes [REDACTED]: the block stays as it is and is reported, the others are rewritten', () => {
    const [tokenBlock, other] = expectations(src);
    const r = rewriteLab(src, [
      { expected: tokenBlock!, actual: `token: ${REDACTED}\nnew\n` },
      { expected: other!, actual: 'fresh\n' },
    ]);
    expect(r.source).toBe(src.replace('stale', 'fresh'));
    expect(r.source).not.toContain(REDACTED);
    expect(r.refused.map((x) => [x.expected.pos.line, x.reason])).toEqual([[tokenBlock!.pos.line, expect.stringContaining(REDACTED)]]);
    expect(r.changed.map((x) => x.expected)).toEqual([other]);
    expect(rewriteExpected(src, [{ expected: tokenBlock!, actual: `token: ${REDACTED}\n` }])).toBe(src);
  });

  it('leaves a block whose capture line no longer matches as it is', () => {
    const cap = `${FRONT}## S\n\n\`\`\`sh\nshow\n\`\`\`\n\n\`\`\`text\npod {{pod}} Running\n\`\`\`\n`;
    const r = rewriteLab(cap, [{ expected: expectations(cap)[0]!, actual: 'pod web-1 Pending\n' }]);
    expect(r.source).toBe(cap);
    expect(r.refused[0]!.reason).toMatch(/\{\{pod\}\}/);
  });
});

describe('rewriteExpected: console fences', () => {
  const src = `${FRONT}## S\n\n\`\`\`console\n$ printf 'x\\ny\\n'\nx\nz\n\n$ echo same\nsame\n$ true\n$ echo \\\n> multi\nold\n\`\`\`\n`;

  it('rewrites the output lines under each command, keeping separators and other commands', () => {
    const next = update(src, ["x\ny\n", 'same\n', 'now\n', 'multi\n']);
    expect(next).toBe(src.replace('x\nz\n\n', 'x\ny\n\n').replace('$ true\n', '$ true\nnow\n').replace('old\n', 'multi\n'));
  });

  it('escapes output lines that would read as commands or continuations', () => {
    const next = update(src, [undefined, undefined, '> not a continuation\n$ not a command\n', undefined]);
    expect(next).toContain('$ true\n[>] not a continuation (re)\n\\$ not a command (re)\n$ echo \\\n');
  });

  it('also accepts the command line as the position of its output', () => {
    const exps = expectations(src);
    const first = { ...exps[0]!, pos: { ...exps[0]!.pos, line: exps[0]!.pos.line - 1 } };
    expect(rewriteExpected(src, [{ expected: first, actual: 'x\ny\n' }])).toBe(src.replace('x\nz\n', 'x\ny\n'));
  });
});

describe('rewriteExpected: errors and no-ops', () => {
  it('returns the source itself when nothing changes', () => {
    const src = `${FRONT}## S\n\n\`\`\`sh\necho a\n\`\`\`\n\n\`\`\`text\na\n\`\`\`\n`;
    const exps = expectations(src);
    expect(rewriteExpected(src, [{ expected: exps[0]!, actual: 'a  \r\n\n' }])).toBe(src);
    expect(rewriteExpected(src, [])).toBe(src);
  });

  it('throws a LabError with the position when the block is not where the run saw it', () => {
    const src = `${FRONT}## S\n\n\`\`\`sh\necho a\n\`\`\`\n`;
    const expected: ExpectedOutput = { text: 'x', pos: { file: 'lab.md', line: 3 }, unordered: false, stream: 'both', fromConsole: false };
    expect(() => rewriteExpected(src, [{ expected, actual: 'y' }])).toThrow(LabError);
    expect(() => rewriteExpected(src, [{ expected, actual: 'y' }])).toThrow(/lab\.md:3/);
  });

  it('updates the fixture the CLI tests use', () => {
    const src = `${FRONT}## Greet\n\n\`\`\`sh\necho "hello there"\n\`\`\`\n\n\`\`\`text\nhello world\n\`\`\`\n\n## Also outdated\n\n\`\`\`console\n$ printf 'x\\ny\\n'\nx\nz\n\`\`\``;
    const lab = parseLab(src, 'lab.md');
    const blocks = lab.steps.flatMap((s) => s.blocks) as ShBlock[];
    const next = rewriteExpected(src, [
      { expected: blocks[0]!.expected!, actual: 'hello there\n' },
      { expected: blocks[1]!.expected!, actual: 'x\ny\n' },
    ]);
    expect(next).toBe(src.replace('hello world', 'hello there').replace('x\nz\n', 'x\ny\n'));
  });
});

describe('rewriteExpected: properties', () => {
  const piece = fc.constantFrom('a', ' ', '$', '$ ', '>', '> ', '```', '~~~', '...', '{{', '{{x}}', ' (re)', '#', '-', '\t', '\x1b[1m', '\r');
  const line = fc.array(piece, { maxLength: 5 }).map((p) => p.join(''));
  const output = fc.array(line, { maxLength: 6 }).map((l) => l.join('\n'));

  it('any outputs written into text and console blocks parse back as the same blocks and match', () => {
    const src = `${FRONT}## S\n\n\`\`\`sh\necho one\n\`\`\`\n\n\`\`\`text\none\n...\n\`\`\`\n\n\`\`\`console { unordered }\n$ echo two\ntwo\n\n$ echo three\n\`\`\`\n\n  \`\`\`sh\n  echo four\n  \`\`\`\n\n  ~~~output\n  four\n  ~~~\n\n## After\n\n\`\`\`sh\necho untouched\n\`\`\`\n`;
    fc.assert(
      fc.property(output, output, output, output, (a, b, c, d) => {
        const next = update(src, [a, b, c, d]);
        expect(next.slice(next.indexOf('## After'))).toBe(src.slice(src.indexOf('## After')));
      }),
      { numRuns: 300 },
    );
  });
});
