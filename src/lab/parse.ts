// The lab module's entry points. Both are pure: no I/O, nothing executed.
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
  return analyze(source, file, false).diagnostics.map(copyDiagnostic);
}
