// Checks that need the whole lab: block ids and names, empty and duplicate steps, dead attributes.
import { checkExpected } from '../match/index.js';
import type { Diagnostics } from './diagnostics.js';
import type { Block, ExpectedOutput, SourcePos, Step } from './model.js';
import type { LineIndex } from './source.js';

/** A block as placed in a section, with the name its id uses (commands of a named console fence get `-k` suffixes). */
export interface BlockEntry {
  block: Block;
  idName?: string;
  pos: SourcePos;
}

export interface ModelToCheck {
  steps: { step: Step; entries: BlockEntry[] }[];
  cleanup: BlockEntry[];
  index: LineIndex;
}

/** Assigns block ids (`<step-slug>/<n>` or `<step-slug>/<name>`) and reports what only the whole lab shows. */
export function lintModel(model: ModelToCheck, diags: Diagnostics): void {
  const titles = new Map<string, Step>();
  for (const { step, entries } of model.steps) {
    const key = step.title.trim().toLowerCase();
    const first = titles.get(key);
    if (first) {
      diags.warning('duplicate-step', step.pos, `step "${step.title}" has the same name as the step at line ${first.pos.line}`, `give steps distinct names; this one's id is \`${step.slug}\``);
    } else {
      titles.set(key, step);
    }
    if (entries.length === 0) {
      diags.warning('empty-step', step.pos, `step "${step.title}" has no blocks`, 'add a `sh` (or console, apply, …) block, or make it a `###` heading of the step before');
    }
    assignIds(step.slug, entries, diags);
  }
  assignIds('cleanup', model.cleanup, diags);
  // A lab with no step (or no block in any step) is reported by missingSteps (src/lab/parse.ts),
  // the same check the commands use to refuse it.
}

function assignIds(prefix: string, entries: BlockEntry[], diags: Diagnostics): void {
  // Created on the first named block: most steps have none.
  let names: Map<string, SourcePos> | undefined;
  entries.forEach(({ block, idName }, i) => {
    block.id = `${prefix}/${idName ?? i + 1}`;
    if (idName !== undefined) {
      const first = names?.get(idName);
      if (first) diags.error('duplicate-block-name', block.pos, `block name \`${idName}\` is already used at line ${first.line}`, 'names identify blocks in reports; make them unique within the step');
      else (names ??= new Map()).set(idName, block.pos);
    }
    if (block.kind === 'sh' && block.expected) checkExpectedText(block.expected, diags);
    if (block.kind === 'sh' && !block.console && !block.expected && (block.attrs.unordered || block.attrs.raw.stream !== undefined)) {
      diags.warning('attribute-no-effect', block.pos, `\`${block.attrs.unordered ? 'unordered' : 'stream'}\` has no effect: the block has no expected output`, 'add an output block right after it, or remove the attribute');
    }
  });
}

/** Matcher syntax problems in an expected output (`(re)` lines, `{{capture}}`s), at their lab line. */
function checkExpectedText(expected: ExpectedOutput, diags: Diagnostics): void {
  // Output fences start one line below the fence; console output starts at its own line.
  // Only `(re)` lines and `{{` captures can have problems: skip the matcher for plain text.
  if (!expected.text.includes('{{') && !expected.text.includes(' (re)')) return;
  const firstLine = expected.fromConsole ? expected.pos.line : expected.pos.line + 1;
  for (const problem of checkExpected(expected.text)) {
    const pos: SourcePos = { file: expected.pos.file, line: firstLine + problem.line - 1 };
    if (problem.col !== undefined) pos.col = problem.col + (expected.pos.col ?? 1) - 1;
    // `error`: a broken regex can never match, a capture the shell cannot take stops the run;
    // `warning`: e.g. a stray `{{` that matches literally.
    if (problem.rename) diags.error('bad-capture-name', pos, `expected output: ${problem.message}`, 'rename the capture (e.g. lower case, or with a prefix: `{{pod_uid}}`) and the places that use it');
    else if (problem.severity === 'error') diags.error('bad-expected', pos, `expected output: ${problem.message}`, 'fix the regular expression (a line ending in ` (re)` is an anchored JavaScript regex, compiled with the `u` flag)');
    else diags.warning('bad-expected', pos, `expected output: ${problem.message}`, 'the line still matches, literally');
  }
}
