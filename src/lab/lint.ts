// Checks that need the whole lab: block ids and names, empty and duplicate steps, dead attributes.
import { checkExpected, expectedCaptures } from '../match/index.js';
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
  /** The lab's default block timeout as the front matter gives it (ms), if it does. */
  labTimeout?: number;
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
    for (const { block } of entries) checkCombinations(block, false, model, diags);
  }
  assignIds('cleanup', model.cleanup, diags);
  for (const { block } of model.cleanup) checkCombinations(block, true, model, diags);
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

/**
 * What a kubelet-config block waits for at the least: the kubelet restart, the node turning Ready
 * and the live configuration read back (src/blocks/kubelet-config.ts). Less fails on a healthy node.
 */
export const KUBELET_RESTART_FLOOR_MS = 30_000;

/**
 * Attributes that do nothing in the company of others (warnings: the lab still runs as written).
 * `verify`/`hint`/`solution`/`cleanup` together are already errors (validateAttrs); the
 * Cleanup section's own rules are checked where its blocks are placed.
 */
function checkCombinations(block: Block, inCleanupSection: boolean, model: ModelToCheck, diags: Diagnostics): void {
  const { attrs } = block;
  const at = (key: string) => attrPos(model.index, block, key);
  const noEffect = (key: string, why: string, hint: string) => diags.warning('attribute-no-effect', at(key), `\`${key}\` has no effect: ${why}`, hint);
  const shownOnly = attrs.hint ? 'hint' : attrs.solution ? 'solution' : undefined;

  if (attrs.points !== undefined && !attrs.verify && !inCleanupSection) {
    noEffect('points', 'only `verify` blocks are graded', 'add `verify` if the block is a read-only check, or remove `points`');
  }
  if (shownOnly && !inCleanupSection) {
    // Shown to learners, never run: nothing about running applies.
    // (`skip` too, but labs write `solution skip` to say so: not worth a warning.)
    for (const key of ['retry', 'timeout', 'exit', 'secret'] as const) {
      const set = key === 'secret' ? attrs.secret : attrs[key] !== undefined;
      if (set) noEffect(key, `a \`${shownOnly}\` block is only shown to learners, never run`, `remove \`${key}\``);
    }
  }
  if (attrs.skip && (attrs.cleanup || inCleanupSection)) {
    noEffect(inCleanupSection ? 'skip' : 'cleanup', 'a skipped block is never run, so it undoes nothing', 'remove `skip` to run it during cleanup, or remove the block');
  }
  if ((attrs.cleanup || inCleanupSection) && block.kind === 'sh' && block.expected) {
    for (const c of expectedCaptures(block.expected.text)) {
      const firstLine = block.expected.fromConsole ? block.expected.pos.line : block.expected.pos.line + 1;
      const pos: SourcePos = { file: block.pos.file, line: firstLine + c.line - 1, col: c.col + (block.expected.pos.col ?? 1) - 1 };
      diags.warning('attribute-no-effect', pos, `capture ${c.name} in a cleanup block: cleanup runs after every step, so no later block can use it`, 'match the text with `...` or a pattern without a name (`{{name}}` → `...`)');
    }
  }
  if (block.kind === 'kubelet-config') {
    const own = attrs.timeout;
    const timeout = own ?? model.labTimeout;
    if (timeout !== undefined && timeout < KUBELET_RESTART_FLOOR_MS) {
      const where = own !== undefined ? at('timeout') : block.pos;
      const whose = own !== undefined ? `\`timeout=${attrs.raw.timeout}\`` : 'the lab\'s default `timeout`';
      diags.warning('short-timeout', where, `${whose} is shorter than a kubelet restart check needs (restart, node Ready, live config read back: about 30 s at the least)`, 'give the block `timeout=60s` or more; a kubelet that is slow to come back would fail the block and be rolled back');
    }
  }
}

/** Where `key` is written in the block's info string (the block's position when not found). */
function attrPos(index: LineIndex, block: Block, key: string): SourcePos {
  // Console commands stand below their fence: its opening line is the first fence line above.
  let line = block.pos.line;
  if (block.kind === 'sh' && block.console) {
    while (line > 1 && !/^\s*(```|~~~)/.test(index.line(line))) line--;
  }
  const text = index.line(line);
  const open = text.indexOf('{');
  if (open >= 0) {
    const m = new RegExp(`[{\\s]${key}(?=[=\\s}])`).exec(text.slice(open));
    if (m) return index.pos(line, open + m.index + 2);
  }
  return block.pos;
}
