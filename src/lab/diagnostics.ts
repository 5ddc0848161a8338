// Collects lint findings while the lab is analysed; one instance per parse.
import type { Diagnostic, SourcePos } from './model.js';

/** Stable identifiers of lint findings (also the `code` of the LabError parseLab throws). */
export type DiagnosticCode =
  | 'markdown'
  | 'unclosed-fence'
  | 'front-matter-unclosed'
  | 'front-matter-yaml'
  | 'front-matter-key'
  | 'front-matter-type'
  | 'unknown-provider'
  | 'unknown-attribute'
  | 'bad-attribute'
  | 'attribute-syntax'
  | 'attribute-no-effect'
  | 'conflicting-flags'
  | 'orphan-output'
  | 'block-outside-step'
  | 'cleanup-content'
  | 'duplicate-step'
  | 'duplicate-block-name'
  | 'duplicate-cleanup'
  | 'empty-step'
  | 'no-steps'
  | 'step-after-cleanup'
  | 'console-syntax'
  | 'bad-yaml'
  | 'bad-manifest'
  | 'bad-table-row'
  | 'missing-attribute'
  | 'fence-in-blockquote'
  | 'text-with-attributes'
  | 'empty-block'
  | 'bad-expected'
  | 'bad-capture-name'
  | 'bad-var-name'
  | 'short-timeout'
  | 'unknown-rbac-name';

export type LabDiagnostic = Diagnostic & { code: DiagnosticCode };

export class Diagnostics {
  readonly items: LabDiagnostic[] = [];

  error(code: DiagnosticCode, pos: SourcePos, message: string, hint?: string): void {
    this.items.push(hint === undefined ? { severity: 'error', code, pos, message } : { severity: 'error', code, pos, message, hint });
  }

  warning(code: DiagnosticCode, pos: SourcePos, message: string, hint?: string): void {
    this.items.push(hint === undefined ? { severity: 'warning', code, pos, message } : { severity: 'warning', code, pos, message, hint });
  }

  /** In source order (line, then column); stable for findings at the same place. */
  sorted(): LabDiagnostic[] {
    return this.items
      .map((d, i) => ({ d, i }))
      .sort((a, b) => a.d.pos.line - b.d.pos.line || (a.d.pos.col ?? 0) - (b.d.pos.col ?? 0) || a.i - b.i)
      .map(({ d }) => d);
  }
}
