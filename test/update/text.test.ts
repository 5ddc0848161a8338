// How `update` rewrites one expected block: the author's lines stay wherever they still can,
// changed lines are replaced in place, and a block is refused rather than rewritten untruthfully.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchText, normalizeLines } from '../../src/match/index.js';
import { REDACTED } from '../../src/engine/redact.js';
import { captureNames, rewriteBlockText } from '../../src/update/text.js';

const POS = { file: 'lab.md', line: 1 };

function rewrite(text: string, actual: string, unordered = false): string {
  const r = rewriteBlockText({ text, unordered }, actual);
  if (r.kind === 'refused') throw new Error(`refused: ${r.reason}`);
  const out = r.kind === 'unchanged' ? text : r.text;
  expect(matchText({ text: out, unordered, pos: POS }, actual).ok, out).toBe(true);
  return out;
}

describe('rewriteBlockText: ordered blocks', () => {
  it('keeps the author `...` and replaces a changed last line in place', () => {
    expect(rewrite('start\n...\nend v1', 'start\nmiddle\nmore\nend v2\n')).toBe('start\n...\nend v2');
    // `...` that stood for nothing still stands for nothing
    expect(rewrite('start\n...\nend v1', 'start\nend v2\n')).toBe('start\n...\nend v2');
  });

  it('replaces a changed first line and a changed line between two `...`', () => {
    expect(rewrite('head v1\n...\ntail', 'head v2\nx\ny\ntail\n')).toBe('head v2\n...\ntail');
    expect(rewrite('a\n...\nold v1\nb\n...\nz', 'a\n1\nold v2\nb\n2\nz\n')).toBe('a\n...\nold v2\nb\n...\nz');
  });

  it('keeps (re), in-line ... and {{capture}} lines that still match, changing only the others', () => {
    const text = 'NAME ... AGE\n{{pod}} 1/1 Running\nage: \\d+s (re)\nstatus v1\n...\nfooter v1';
    const actual = 'NAME READY AGE\nweb-1 1/1 Running\nage: 5s\nstatus v2\nnoise\nfooter v2\n';
    expect(rewrite(text, actual)).toBe('NAME ... AGE\n{{pod}} 1/1 Running\nage: \\d+s (re)\nstatus v2\n...\nfooter v2');
  });

  it('deletes author lines only when no output line is left for them, and adds new ones after', () => {
    expect(rewrite('a\nb\nc', 'a\nc\n')).toBe('a\nc');
    expect(rewrite('a\nold\nc', 'a\nnew1\nnew2\nc\n')).toBe('a\nnew1\nnew2\nc');
    expect(rewrite('a', 'a\nb\n')).toBe('a\nb');
  });

  it('writes output lines that look like patterns escaped, in place of a changed line', () => {
    expect(rewrite('x\nold', 'x\n...\n')).toBe('x\n\\.\\.\\. (re)');
    expect(rewrite('x\nold', 'x\n{{y}}\n')).toBe('x\n{{{{y}}');
  });

  it('leaves a matching block unchanged', () => {
    expect(rewriteBlockText({ text: 'a\n...', unordered: false }, 'a\nb\n')).toEqual({ kind: 'unchanged' });
  });
});

describe('rewriteBlockText: unordered blocks', () => {
  it('replaces a changed line in place and keeps `...`', () => {
    expect(rewrite('c\nold\nb', 'a\nb\nc\n', true)).toBe('c\na\nb');
    expect(rewrite('...\nc\nold', 'x\nnew\nc\n', true)).toBe('...\nc\nx');
    expect(rewrite('c\nb\nold', 'a\nb\nc\nd\n', true)).toBe('c\nb\na\nd');
  });

  it('never leaves a blank line last (it would be dropped)', () => {
    const out = rewrite('old\nb', 'z\n\nb\n', true);
    expect(out.endsWith('\n')).toBe(false);
    expect(out.split('\n').sort()).toEqual(['', 'b', 'z']);
  });
});

describe('rewriteBlockText: refusals', () => {
  it(`refuses output the redactor changed (${REDACTED}) rather than writing it`, () => {
    const r = rewriteBlockText({ text: 'token: abc', unordered: false }, `token: ${REDACTED}\n`);
    expect(r.kind).toBe('refused');
    expect(r.kind === 'refused' && r.reason).toMatch(/\[REDACTED\]/);
    // also when the redacted line itself would not be written (a kept `...` absorbs it)
    expect(rewriteBlockText({ text: 'a\n...\nold', unordered: false }, `a\n${REDACTED}\nnew\n`).kind).toBe('refused');
  });

  it('refuses a block whose {{capture}} or (?<name>) line no longer matches (rewriting would drop the capture)', () => {
    const r = rewriteBlockText({ text: 'pod {{pod}} Running\nold', unordered: false }, 'pod web-1 Pending\nnew\n');
    expect(r.kind).toBe('refused');
    expect(r.kind === 'refused' && r.reason).toMatch(/\{\{pod\}\}/);
    expect(rewriteBlockText({ text: 'ip=(?<ip>[0-9.]+) (re)', unordered: true }, 'ip=none\n').kind).toBe('refused');
  });

  it('names the captures a block sets', () => {
    expect(captureNames('{{a}} x {{b:[0-9]+}}\n(?<c>\\w+) (re)\n{{{{d}}\n...')).toEqual(['a', 'b', 'c']);
  });
});

describe('rewriteBlockText: properties', () => {
  const piece = fc.constantFrom('a', 'b', ' ', '...', '{{x}}', '\\d (re)', '1', '');
  const line = fc.array(piece, { maxLength: 3 }).map((p) => p.join(''));
  const lines = fc.array(line, { maxLength: 7 });
  const actualLine = fc.constantFrom('a', 'b', '1', 'a b', '...', '', 'z');

  it('the rewrite matches the output, and keeps every `...` line', () => {
    fc.assert(
      fc.property(lines, fc.array(actualLine, { maxLength: 7 }), fc.boolean(), (exp, act, unordered) => {
        const text = exp.join('\n');
        const actual = act.join('\n');
        const r = rewriteBlockText({ text, unordered }, actual);
        if (r.kind !== 'rewritten') return;
        expect(matchText({ text: r.text, unordered, pos: POS }, actual).ok).toBe(true);
        const ellipses = (t: string) => normalizeLines(t).filter((l) => l.trim() === '...').length;
        expect(ellipses(r.text)).toBe(ellipses(text));
      }),
      { numRuns: 500 },
    );
  });
});
