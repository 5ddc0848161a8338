import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { textWidth } from '../../src/text/width.js';
import { KEY_HELP, layoutScreen, stepBody } from '../../src/learn/screen.js';
import { makeStyle, stripAnsi, visibleWidth } from '../../src/learn/text.js';
import { lab, sh, step } from './helpers.js';

const style = makeStyle(true);
const long = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1} says something about nodes.`).join('\n\n');
const theLab = lab([
  step(0, 'First', long, [sh('first/1', 'echo one', { expected: 'one' }), sh('first/2', 'echo two'), sh('first/v', 'true', { attrs: { verify: true } }), sh('first/h', 'ls', { attrs: { hint: true } })]),
  step(1, 'Second', 'Short.', []),
]);

describe('layoutScreen', () => {
  const input = (scroll: number, width = 80, height = 24) => ({ lab: theLab, step: theLab.steps[0]!, blockIndex: 1, results: new Map(), output: [], width, height, scroll, footer: KEY_HELP, doneSteps: new Set<string>() });

  it('fills exactly the terminal, no line wider than it, at 80x24 and 40x12', () => {
    for (const [w, h] of [
      [80, 24],
      [40, 12],
    ] as const) {
      const s = layoutScreen(input(0, w, h), style);
      expect(s.lines).toHaveLength(h);
      for (const l of s.lines) expect(visibleWidth(l)).toBeLessThanOrEqual(w);
      expect(s.bodyHeight).toBe(h - 3);
    }
  });

  it('clamps scrolling and shows where the window is', () => {
    const top = layoutScreen(input(-5), style);
    expect(top.scroll).toBe(0);
    expect(stripAnsi(top.lines[0]!)).toMatch(/step 1\/2 · 0% $/);
    expect(stripAnsi(top.lines[23]!)).toContain('↑↓ more');
    const end = layoutScreen(input(10_000), style);
    expect(end.scroll).toBe(end.maxScroll);
    expect(stripAnsi(end.lines[0]!)).toMatch(/· end $/);
    expect(stripAnsi(end.lines[23]!)).not.toContain('more');
  });

  it('opens step 1 with the lab introduction', () => {
    const withIntro = { ...theLab, intro: 'Welcome to the *lab*.' };
    const first = stepBody({ lab: withIntro, step: withIntro.steps[0]!, blockIndex: 0, results: new Map(), output: [] }, makeStyle(false), 80);
    expect(first.lines[0]).toBe('Welcome to the lab.');
    const second = stepBody({ lab: withIntro, step: withIntro.steps[1]!, blockIndex: 0, results: new Map(), output: [] }, makeStyle(false), 80);
    expect(second.lines.join('\n')).not.toContain('Welcome');
  });

  it('lists the step blocks, marks the selected one, shows expected output and what else the step has', () => {
    const body = stepBody({ lab: theLab, step: theLab.steps[0]!, blockIndex: 1, results: new Map(), output: ['OUT'] }, makeStyle(false), 80);
    const text = body.lines.join('\n');
    expect(text).toContain('  1. sh\n    $ echo one\n    expected output:\n      one');
    expect(text).toContain('▸ 2. sh\n    $ echo two');
    expect(text).not.toContain('$ true'); // verify blocks are for c, not r
    expect(text).toContain('This step has 1 check (c), a hint (h).');
    expect(body.lines[body.outputStart]).toBe('OUT');
  });
});

describe('wide characters on the learner screen', () => {
  it('keeps every row, the header included, to the terminal width with CJK and emoji text', () => {
    const prose = 'ノードのログを読むには kubelet の設定を変更します。'.repeat(6) + '\n\n## 確認 ✅\n\n👨‍👩‍👧 ' + '検証'.repeat(40);
    const wide = lab([step(0, 'ノードのログ 🔍', prose, [sh('a/1', 'echo 日本語', { expected: '日本語' })])], { title: 'ノードのログとkubeletの認可を学ぶ長いタイトル' });
    for (const [w, h] of [
      [80, 24],
      [41, 12],
    ] as const) {
      const s = layoutScreen({ lab: wide, step: wide.steps[0]!, blockIndex: 0, results: new Map(), output: ['出力 '.repeat(50)], width: w, height: h, scroll: 0, footer: KEY_HELP, doneSteps: new Set<string>() }, style);
      // Columns as a terminal counts them (measured apart from the module under test).
      const columns = (l: string) => textWidth(stripVTControlCharacters(l));
      for (const l of s.lines) expect(columns(l)).toBeLessThanOrEqual(w);
      // The header is padded to the full row, the step counter at its right edge.
      expect(columns(s.lines[0]!)).toBe(w);
      expect(stripAnsi(s.lines[0]!)).toMatch(/ step 1\/1( · 0%)? $/);
    }
  });
});
