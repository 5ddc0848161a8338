import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/learn/markdown.js';
import { makeStyle, stripAnsi, visibleWidth } from '../../src/learn/text.js';

const plain = makeStyle(false);
const color = makeStyle(true);

describe('renderMarkdown', () => {
  const md = [
    '### Why the kubelet refuses',
    '',
    'The kubelet checks **every** request with a *SubjectAccessReview*; run `kubectl auth can-i` to see what the API server would say. See [the docs](https://kubernetes.io/docs/).',
    '',
    '- first item',
    '- second item that is long enough to wrap around the narrow terminal width we use here',
    '  1. nested',
    '',
    '> a quote',
    '',
    '```',
    'code line',
    '```',
  ].join('\n');

  it('lays out headings, paragraphs, lists, quotes and code without markdown syntax', () => {
    const lines = renderMarkdown(md, 40, plain);
    const text = lines.join('\n');
    expect(lines[0]).toBe('Why the kubelet refuses');
    expect(text).toContain('• first item');
    expect(text).toContain('1. nested');
    expect(text).toContain('│ a quote');
    expect(text).toContain('  code line');
    expect(lines.join(' ').replace(/ +/g, ' ')).toContain('kubectl auth can-i');
    expect(lines.join(' ')).toContain('(https://kubernetes.io/docs/)');
    expect(text).not.toMatch(/\*\*|`|\[the docs\]/);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(40);
  });

  it('styles emphasis and inline code with escapes when colour is on', () => {
    const lines = renderMarkdown('A **bold** and `code` word.', 80, color);
    expect(lines[0]).toContain('\x1b[');
    expect(stripAnsi(lines[0]!)).toBe('A bold and code word.');
  });

  it('keeps the first words of long numbered items', () => {
    const lines = renderMarkdown('1. First numbered point, with enough words to wrap at least once here.\n2. Two', 40, plain);
    expect(lines[0]).toMatch(/^1\. First numbered point/);
    expect(lines[1]).toMatch(/^ {3}\S/);
  });

  it('indents wrapped list items under their text', () => {
    const lines = renderMarkdown('- ' + 'word '.repeat(20), 30, plain);
    expect(lines[0]!.startsWith('• ')).toBe(true);
    expect(lines.slice(1).every((l) => l.startsWith('  '))).toBe(true);
  });
});
