// Notes (what run/check/hint/solution/cleanup produced) as terminal lines. Shared by both front ends.
import { formatPos } from '../errors.js';
import { formatDuration } from '../format.js';
import type { Note } from './session.js';
import { blockText } from './session.js';
import { layoutCommand } from './commands.js';
import { type Style, wrapLine, wrapText } from './text.js';

export function formatNote(note: Note, style: Style, width: number): string[] {
  const w = (s: string, indent = '  ') => wrapLine(s, width, indent);
  switch (note.kind) {
    case 'info':
      return wrapText(note.text, width);
    case 'error':
      return [...w(style.fail(`error: ${note.text}`)), ...(note.hint ? w(style.dim(`  ${note.hint}`), '    ') : [])];
    case 'ran': {
      const r = note.result;
      const took = formatDuration(r.durationMs, { style: 'timing' });
      const head = note.stopped
        ? style.warn('■ stopped') + style.dim(` after ${took} (Ctrl-C); the lines above are what it printed`)
        : r.status === 'passed'
          ? style.ok(`✓ passed`) + style.dim(` (${took}${r.expected !== undefined ? ', output matches' : ''})`)
          : r.status === 'skipped'
            ? style.warn('– skipped') + (r.message ? ` ${r.message}` : '')
            : style.fail(`✗ ${r.status}`) + style.dim(` (${took})`);
      return [...w(head), ...note.explanation.flatMap((l) => w(`  ${l}`, '    ')), ...(note.stepDone ? [style.ok('✓ This step is done.')] : [])];
    }
    case 'check': {
      const out = [note.ok ? style.ok('✓ Check passed: this step is done.') : style.fail('✗ Check failed.')];
      for (const l of note.lines) {
        out.push(...w(`${l.ok ? style.ok('  ✓') : style.fail('  ✗')} ${l.text}`, '    '));
        for (const d of l.detail) out.push(...w(`    ${d}`, '      '));
        if (l.command) {
          out.push(style.dim('    it ran:'));
          out.push(...commandScreenLines(l.command, width, 6, style));
        }
        if (l.output) {
          if (!l.ok || l.command) out.push(style.dim('    it printed:'));
          out.push(...outputLines(l.output, width, style, '    '));
        }
      }
      if (!note.ok) out.push(style.dim('Fix it and check again, or ask for a hint or the solution.'));
      return out;
    }
    case 'reveal': {
      const out = [style.bold(note.what === 'hint' ? 'Hint:' : 'Solution:')];
      for (const b of note.blocks) {
        if (b.kind === 'sh' && !b.console && isProseLike(b.command)) out.push(...wrapText(b.command, width, '  ').map((l) => `  ${l}`));
        else for (const l of blockText(b).split('\n')) out.push(...w(`  ${style.code(l)}`, '    '));
      }
      return out;
    }
    case 'cleanup': {
      if (!note.results.length) return ['Cleanup: nothing to undo.'];
      return [
        style.bold('Cleanup:'),
        ...note.results.flatMap((r) => [
          ...w(`${r.status === 'passed' ? style.ok('  ✓') : style.fail('  ✗')} ${r.label}${r.pos ? style.dim(` (${formatPos(r.pos)})`) : ''}`, '    '),
          ...(r.message && r.status !== 'passed' ? w(`      ${r.message}`, '      ') : []),
        ]),
      ];
    }
  }
}

/** A command as the learner reads it: `$ ` per command, long lines broken with `\\`, never inside a word. */
export function commandScreenLines(command: string, width: number, margin: number, style: Style): string[] {
  const pad = ' '.repeat(margin);
  return layoutCommand(command, width, margin).map((l) => `${pad}${style.dim(l.prompt ? '$ ' : '  ')}${style.code(l.text)}`);
}

/**
 * Command output under a `│ ` rule, wrapped so that nothing is cut: the width given to the
 * wrapping is what is left after the indent and the rule (a 946-character token shows whole).
 */
export function outputLines(text: string, width: number, style: Style, indent = ''): string[] {
  const rule = `${indent}│ `;
  return wrapText(text.replace(/\n$/, ''), Math.max(8, width - rule.length)).map((l) => style.dim(rule) + l);
}

/** Hint blocks are often sentences in a `text` fence, not commands: no code colour for those. */
function isProseLike(s: string): boolean {
  return /^[A-Z][^`$|;]*[.?!]$/.test(s.trim());
}
