import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/lab/diagnostics.js';
import { scanMarkdown } from '../../src/lab/markdown.js';
import { parseLab } from '../../src/lab/parse.js';
import { LineIndex } from '../../src/lab/source.js';
import { fence, lines } from './helpers.js';

const scan = (src: string) => scanMarkdown(new LineIndex(src, 'x.md'));

describe('scanMarkdown', () => {
  it('headings (ATX and setext) and fences with exact lines, columns and closing', () => {
    const src = lines('# T', '', 'Setext', '------', '', `  ~~~~bash { a=b }`, '  indented', '  ~~~~', '', `${fence}`, 'no info', fence, `${fence}sh`, 'open');
    expect(scan(src)).toEqual([
      { kind: 'heading', depth: 1, title: 'T', line: 1, col: 1, endLine: 1 },
      { kind: 'heading', depth: 2, title: 'Setext', line: 3, col: 1, endLine: 4 },
      { kind: 'fence', lang: 'bash', info: 'bash { a=b }', infoCol: 7, text: 'indented', line: 6, col: 3, endLine: 8, closed: true, container: 'top' },
      { kind: 'fence', lang: '', info: '', infoCol: 4, text: 'no info', line: 10, col: 1, endLine: 12, closed: true, container: 'top' },
      { kind: 'fence', lang: 'sh', info: 'sh', infoCol: 4, text: 'open', line: 13, col: 1, endLine: 14, closed: false, container: 'top' },
    ]);
  });

  it('heading titles lose inline markup', () => {
    expect(scan(lines('## Check the `kubelet` *flag* [docs](http://x)'))).toMatchObject([{ title: 'Check the kubelet flag docs' }]);
  });

  it('nested lists and blockquotes', () => {
    const src = lines('- a', '  - b', '', `    ${fence}sh`, '    echo deep', `    ${fence}`, '', `> ${fence}sh`, '> q', `> ${fence}`);
    expect(scan(src).map((n) => n.kind === 'fence' && [n.line, n.col, n.endLine, n.text, n.container])).toEqual([
      [4, 5, 6, 'echo deep', 'list'],
      [8, 3, 10, 'q', 'blockquote'],
    ]);
  });

  it('positions survive paragraphs that marked merges, html blocks and tables', () => {
    const src = lines('para', 'continued', '<div>', 'html', '</div>', '', '| a | b |', '|---|---|', '| 1 | 2 |', '', `${fence}sh`, 'x', fence);
    expect(scan(src).map((n) => n.line)).toEqual([11]);
  });
});

describe('positions with CRLF and BOM', () => {
  it('lines are the same as with LF', () => {
    const lf = lines('---', 'title: t', '---', '## S', '', `${fence}sh`, 'echo a', fence);
    const crlf = '\ufeff' + lf.replace(/\n/g, '\r\n');
    const a = parseLab(lf, 'lab.md');
    const b = parseLab(crlf, 'lab.md');
    expect(b.steps[0]!.blocks[0]!.pos).toEqual(a.steps[0]!.blocks[0]!.pos);
    expect(b.steps[0]!.blocks[0]!.pos.line).toBe(6);
    expect(b.steps[0]!.blocks[0]).toMatchObject({ command: 'echo a' });
  });
});

describe('Diagnostics', () => {
  it('sorts by line then column, stable', () => {
    const d = new Diagnostics();
    const p = (line: number, col?: number) => ({ file: 'f', line, col });
    d.warning('empty-step', p(3), 'w');
    d.error('markdown', p(1, 5), 'e');
    d.error('bad-yaml', p(1, 2), 'e');
    d.error('bad-manifest', p(3), 'e');
    expect(d.sorted().map((x) => x.code)).toEqual(['bad-yaml', 'markdown', 'empty-step', 'bad-manifest']);
  });
});
