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
// remember the last analysis so the second call costs nothing. Each caller gets its own copy.
let last: { source: string; file: string; analysis: Analysis } | undefined;

function analyze(source: string, file: string): Analysis {
  if (last && last.source === source && last.file === file) return last.analysis;
  const analysis = analyzeLab(source, file);
  last = { source, file, analysis };
  return analysis;
}

/** Parse a lab. Throws LabError (with pos and hint) on the first error-severity problem. Pure: no I/O. */
export function parseLab(source: string, file: string): Lab {
  const { lab, diagnostics } = analyze(source, file);
  const firstError = diagnostics.find((d) => d.severity === 'error');
  if (firstError) throw new LabParseError(firstError, diagnostics.map((d) => ({ ...d })), file);
  return structuredClone(lab);
}

/** Every problem in a lab, errors and warnings, in source order. Pure: no I/O. */
export function lintLab(source: string, file: string): Diagnostic[] {
  return analyze(source, file).diagnostics.map((d) => ({ ...d, pos: { ...d.pos } }));
}
