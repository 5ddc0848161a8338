import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LabError } from '../../src/errors.js';
import type { Block } from '../../src/lab/model.js';
import { lintLab, parseLab } from '../../src/lab/parse.js';

const F = '```';

/** Runs parse and lint; anything thrown other than a LabError fails the property. */
function parseAndLint(src: string) {
  const diagnostics = lintLab(src, 'p.md');
  try {
    return { lab: parseLab(src, 'p.md'), diagnostics };
  } catch (e) {
    if (!(e instanceof LabError)) throw e;
    return { lab: undefined, diagnostics };
  }
}

const markdownish = fc.string({
  unit: fc.constantFrom('`', '~', '#', '-', '\n', '\n', ' ', '{', '}', '=', '"', "'", '$', '>', '|', ':', '.', '*', '[', ']', 'a', 's', 'h', '1', '\t', '\r', '\\', 'é'),
  maxLength: 400,
});

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);

/** Valid fragments: each one is well-formed on its own. */
const validFragment = fc.oneof(
  word.map((w) => `## Step ${w}\n`),
  word.map((w) => `Some prose about ${w}.\n`),
  word.map((w) => `### Sub ${w}\n`),
  fc.tuple(word, fc.boolean()).map(([w, out]) => `${F}sh\necho ${w}\n${F}\n${out ? `${F}output\n${w}\n${F}\n` : ''}`),
  word.map((w) => `${F}console\n$ echo ${w}\n${w}\n$ true\n${F}\n`),
  word.map((w) => `${F}apply\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${w}\n${F}\n`),
  word.map((w) => `${F}kubelet-config { node=worker }\n${w}: true\n${F}\n`),
  word.map((w) => `${F}access-review { as=system:serviceaccount:ns:${w} }\nmetrics yes\n${F}\n`),
  word.map((w) => `- item ${w}\n\n  ${F}bash\n  echo ${w}\n  ${F}\n`),
  word.map((w) => `${F}yaml\n${w}: 1\n${F}\n`),
);

/** Fragments with mistakes in them. */
const brokenFragment = fc.oneof(
  fc.constant(`${F}sh { nope=1 timeout=x }\ntrue\n${F}\n`),
  fc.constant(`${F}output\norphan\n${F}\n`),
  fc.constant(`${F}sh\nunclosed\n`),
  fc.constant(`${F}apply\n: : :\n${F}\n`),
  fc.constant(`${F}access-review\nmaybe\n${F}\n`),
  fc.constant(`${F}console\nno prompt\n${F}\n`),
  fc.constant('---\ntitle: [\n---\n'),
  fc.constant('## Cleanup\n'),
  markdownish,
);

const blank = fc.constantFrom('', '\n');

function blocksOf(lab: { steps: { blocks: Block[] }[]; cleanup: Block[] }): Block[] {
  return [...lab.steps.flatMap((s) => s.blocks), ...lab.cleanup];
}

describe('parseLab / lintLab never throw anything but LabError', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), markdownish, fc.string({ unit: 'grapheme', maxLength: 200 })), (src) => {
        parseAndLint(src);
      }),
      { numRuns: 400 },
    );
  });

  it('on mixes of valid and broken fragments; every position points into the source', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof({ weight: 3, arbitrary: validFragment }, { weight: 1, arbitrary: brokenFragment }), blank), { maxLength: 25 }), (parts) => {
        const src = parts.map(([f, b]) => f + b).join('');
        const { lab, diagnostics } = parseAndLint(src);
        const lineCount = src.replace(/\r\n?/g, '\n').split('\n').length;
        for (const d of diagnostics) {
          expect(d.pos.line).toBeGreaterThanOrEqual(1);
          expect(d.pos.line).toBeLessThanOrEqual(lineCount);
        }
        // parseLab accepts a lab with nothing to run (requireSteps refuses it, lint reports it).
        if (lab) expect(diagnostics.filter((d) => d.severity === 'error' && d.code !== 'no-steps')).toEqual([]);
        if (lab) expect(diagnostics.some((d) => d.code === 'no-steps')).toBe(!lab.steps.some((s) => s.blocks.length > 0));
      }),
      { numRuns: 300 },
    );
  });

  it('on valid fragments: parses, and every block and step position is exact', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(validFragment, blank), { maxLength: 30 }), (parts) => {
        const src = '## First\n\n' + parts.map(([f, b]) => f + b).join('');
        const lab = parseLab(src, 'p.md');
        const lines = src.split('\n');
        for (const step of lab.steps) expect(lines[step.pos.line - 1]).toMatch(/^## /);
        const ids = new Set<string>();
        for (const b of blocksOf(lab)) {
          const line = lines[b.pos.line - 1]!.slice((b.pos.col ?? 1) - 1);
          if (b.kind === 'sh' && b.console) expect(line.startsWith('$ ')).toBe(true);
          else expect(line.startsWith('```' + (b.kind === 'sh' ? '' : b.kind))).toBe(true);
          if (b.kind === 'sh' && b.expected && !b.expected.fromConsole) expect(lines[b.expected.pos.line - 1]).toBe('```output');
          expect(ids.has(b.id)).toBe(false);
          ids.add(b.id);
        }
        const expectedSh = parts.filter(([f]) => /^(- item [^\n]*\n\n {2})?```(sh|bash)\n/.test(f)).length;
        const consoleCommands = parts.filter(([f]) => f.startsWith('```console')).length * 2;
        expect(blocksOf(lab).filter((b) => b.kind === 'sh').length).toBe(expectedSh + consoleCommands);
      }),
      { numRuns: 300 },
    );
  });
});
