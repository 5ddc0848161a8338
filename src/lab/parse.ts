// PLACEHOLDER (replaced by the parser module).
import type { Diagnostic, Lab } from './model.js';

/** Parse a lab. Throws LabError (with pos) on the first fatal problem. Pure: no I/O. */
export function parseLab(source: string, file: string): Lab {
  throw new Error(`parseLab not implemented yet (${file}, ${source.length} chars)`);
}

/** Every problem in a lab, fatal or not. Pure: no I/O. */
export function lintLab(source: string, file: string): Diagnostic[] {
  throw new Error(`lintLab not implemented yet (${file}, ${source.length} chars)`);
}
