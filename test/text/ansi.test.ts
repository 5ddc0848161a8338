import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/text/ansi.js';
import { printable } from '../../src/report/format.js';
import { xmlText } from '../../src/report/xml.js';
import { sanitizeOutput } from '../../src/learn/tty.js';
import { normalizeLines } from '../../src/match/normalize.js';

// Sequences real programs write that Node 20's util.stripVTControlCharacters leaves in part:
// the reason stripAnsi is ours. Every stripping caller must see them gone.
const HARD = [
  ['a window title with spaces', '\x1b]0;kubectl: my cluster\x07', ''],
  ['an OSC 8 hyperlink around text', '\x1b]8;;https://kubernetes.io/docs/home/\x1b\\docs\x1b]8;;\x1b\\', 'docs'],
  ['a cursor shape (CSI with an intermediate byte)', '\x1b[2 qx', 'x'],
  ['a DCS string', '\x1bPq#0;2;0;0;0\x1b\\x', 'x'],
  ['the 8-bit CSI', '\x9b1;32mok', 'ok'],
] as const;

describe('stripAnsi', () => {
  it.each(HARD)('removes %s', (_what, seq, visible) => {
    expect(stripAnsi(`<${seq}>`)).toBe(`<${visible}>`);
  });

  it('does what the built-in does on colours and cursor moves', () => {
    for (const s of ['\x1b[1;31mError\x1b[0m: x', 'a\x1b[2K\x1b[1Gb', '\x1b[?25lhidden\x1b[?25h', '\x1b(Bplain\x1b=']) {
      expect(stripAnsi(s)).toBe(stripVTControlCharacters(s));
    }
  });

  it('is what matching, reports, JUnit and the learner screen strip', () => {
    for (const [, seq, visible] of HARD) {
      const text = `a${seq}b`;
      expect(normalizeLines(text)).toEqual([`a${visible}b`]);
      expect(printable(text)).toBe(`a${visible}b`);
      expect(xmlText(text)).toBe(`a${visible}b`);
      expect(sanitizeOutput(text)).toBe(`a${visible}b`);
    }
  });
});
