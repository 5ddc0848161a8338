// The lab module's entry points. All are pure: no I/O, nothing executed.
import { LabError, formatPos } from '../errors.js';
import { buildLab } from './build.js';
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

const copyDiagnostic = <D extends Diagnostic>(d: D): D => ({ ...d, pos: { ...d.pos } });

/** A lab and every problem in it, from one pass over the source. */
export interface LabAnalysis {
  /** The model, built as far as the source allows (check `diagnostics` for errors before running it). */
  lab: Lab;
  /** Errors and warnings, in source order, as `kubelab lint` shows them (no-steps included). */
  diagnostics: Diagnostic[];
}

/**
 * Parse and lint in one pass, for callers that need both (parse then lint the same text): no
 * second analysis and no cache. Pure: no I/O.
 */
export function analyzeLab(source: string, file: string): LabAnalysis {
  const { lab, diagnostics } = buildLab(source, file);
  const noSteps = missingSteps(lab);
  // Line 1 comes first; stable for the findings already at line 1. Positions are copied: the
  // model's blocks keep their own.
  const all = noSteps ? [noSteps, ...diagnostics] : diagnostics;
  return { lab, diagnostics: all.map(copyDiagnostic) };
}

/** Parse a lab. Throws LabError (with pos and hint) on the first error-severity problem. Pure: no I/O. */
export function parseLab(source: string, file: string): Lab {
  const { lab, diagnostics } = buildLab(source, file);
  const firstError = diagnostics.find((d) => d.severity === 'error');
  if (firstError) throw new LabParseError(copyDiagnostic(firstError), diagnostics.map(copyDiagnostic), file);
  return lab;
}

/** Every problem in a lab, errors and warnings, in source order. Pure: no I/O. */
export function lintLab(source: string, file: string): Diagnostic[] {
  return analyzeLab(source, file).diagnostics;
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
