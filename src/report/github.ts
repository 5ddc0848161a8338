// GitHub Actions workflow commands: a collapsible group per step and an `::error` annotation
// (file, line) for each failed block, failed cleanup and run error. Added automatically when
// GITHUB_ACTIONS=true.
import type { Reporter, ReporterOptions } from './types.js';
import { headOutput } from './bound.js';
import { safeStream } from './stream.js';

/** Escape workflow-command data (the message). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a workflow-command property value (file, title). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotation(level: 'error' | 'warning', message: string, props: { file?: string; line?: number; title?: string }): string {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${level}${list ? ` ${list}` : ''}::${escapeData(message)}\n`;
}

export function createGithubReporter(opts: ReporterOptions = {}): Reporter {
  const stream = safeStream(opts.stream ?? process.stdout);
  return {
    name: 'github',
    onStepStart(e) {
      stream.write(`::group::${escapeData(`[${e.index + 1}/${e.total}] ${e.step.title}`)}\n`);
    },
    onBlockEnd(e) {
      const r = e.result;
      if (r.status !== 'failed' && r.status !== 'error') return;
      const diff = r.diff === undefined ? '' : headOutput(r.diff, opts.maxOutputBytes).text;
      const message = [r.message ?? `${r.id} ${r.status}`, diff ? `\n${diff.replace(/\n$/, '')}` : '', r.hint ? `\nhint: ${r.hint}` : ''].join('');
      stream.write(annotation('error', message, { file: r.pos.file, line: r.pos.line, title: `kubelab: ${e.step.title} (${r.id})` }));
    },
    onStepEnd() {
      stream.write('::endgroup::\n');
    },
    onCleanupEnd(e) {
      const c = e.result;
      if (c.status !== 'failed') return;
      stream.write(annotation('error', `${c.label}: ${c.message ?? 'failed'}`, { file: c.pos?.file, line: c.pos?.line, title: 'kubelab: cleanup failed' }));
    },
    onRunEnd(e) {
      const err = e.report.error;
      if (!err) return;
      stream.write(
        annotation('error', `${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}`, {
          file: err.pos?.file ?? e.report.lab.file,
          line: err.pos?.line,
          title: `kubelab: ${err.code}`,
        }),
      );
    },
  };
}
