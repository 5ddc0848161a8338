// The lab module's entry points. All are pure: no I/O, nothing executed.
import { LabError, formatPos } from '../errors.js';
import { analyzeLab, type Analysis } from './build.js';
import type { LabDiagnostic } from './diagnostics.js';
import type { Diagnostic, Lab } from './model.js';

/** Thrown by parseLab: the first error, with every diagnostic attached for `lint`-style output. */
export class LabParseError extends LabError {
  readonly diagnostics: Diagnostic[];

  constructor(first: LabDiagnostic, diagnostics: Diagnostic[], file: string) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const more = errors > 1 ? ` (and ${errors - 1} more error${errors > 2 ? 's' : ''}; \`kubelab lint ${file}\` lists them)` : '';
    super(first.code, `${formatPos(first.pos)}: ${first.message}${more}`, { hint: first.hint, pos: first.pos });
    this.diagnostics = diagnostics;
  }
}

// parse-then-lint (and lint-then-parse) of one source is common (`run` lints, then parses):
// remember the last analysis so the second call is free. Its Lab goes to one parseLab caller
// only (callers may mutate it); a second parseLab of the same source analyses again.
let last: { source: string; file: string; analysis: Analysis; labTaken: boolean } | undefined;

function analyze(source: string, file: string, forLab: boolean): Analysis {
  if (last && last.source === source && last.file === file && !(forLab && last.labTaken)) {
    if (forLab) last.labTaken = true;
    return last.analysis;
  }
  const analysis = analyzeLab(source, file);
  last = { source, file, analysis, labTaken: forLab };
  return analysis;
}

const copyDiagnostic = <D extends Diagnostic>(d: D): D => ({ ...d, pos: { ...d.pos } });

/** Parse a lab. Throws LabError (with pos and hint) on the first error-severity problem. Pure: no I/O. */
export function parseLab(source: string, file: string): Lab {
  const { lab, diagnostics } = analyze(source, file, true);
  const firstError = diagnostics.find((d) => d.severity === 'error');
  if (firstError) throw new LabParseError(copyDiagnostic(firstError), diagnostics.map(copyDiagnostic), file);
  return lab;
}

/** Every problem in a lab, errors and warnings, in source order. Pure: no I/O. */
export function lintLab(source: string, file: string): Diagnostic[] {
  const { lab, diagnostics } = analyze(source, file, false);
  const noSteps = missingSteps(lab);
  // Line 1 comes first; stable for the findings already at line 1.
  const all = noSteps ? [noSteps, ...diagnostics] : diagnostics;
  return all.map(copyDiagnostic);
}

const STEP_HINT = 'a step is a level-2 heading (`## Step title`) with a `sh` block (or console, apply, kubelet-config, access-review) under it; see docs/lab-format.md';

/**
 * Why a lab has nothing to run (no step, or no step with a block), as an error at line 1; undefined
 * when it has something. parseLab accepts such a lab (a library may build on it); commands that run,
 * list, learn or grade a lab refuse it through requireSteps, and `lint` reports it.
 */
export function missingSteps(lab: Lab): LabDiagnostic | undefined {
  if (lab.steps.some((s) => s.blocks.length > 0)) return undefined;
  const why = lab.steps.length === 0 ? '' : ` (${lab.steps.length === 1 ? 'its step has' : `its ${lab.steps.length} steps have`} no blocks)`;
  return { severity: 'error', code: 'no-steps', pos: { file: lab.file, line: 1 }, message: `${lab.file} has no steps to learn, run or grade${why}`, hint: STEP_HINT };
}

/** The lab, when it has a step with a block; otherwise a LabError (`no-steps`) at `file:1`. */
export function requireSteps(lab: Lab): Lab {
  const problem = missingSteps(lab);
  if (problem) throw new LabError('no-steps', `${formatPos(problem.pos)}: ${problem.message}`, { pos: problem.pos, hint: problem.hint });
  return lab;
}
