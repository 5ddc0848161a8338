// `console` fences: a terminal transcript. `$ cmd` starts a command, `> more` continues it,
// every other line up to the next `$ ` is that command's expected output (cram semantics:
// a command with no lines after it expects empty output).
import type { Diagnostics } from './diagnostics.js';
import type { LineIndex } from './source.js';

export interface ConsoleCommand {
  command: string;
  /** Line of the `$ ` line, and the column of `$`. */
  line: number;
  col: number;
  output: string;
  /** Line where the expected output starts (the line after the command and its continuations). */
  outputLine: number;
}

const isPrompt = (l: string) => l === '$' || l.startsWith('$ ');
const isContinuation = (l: string) => l === '>' || l.startsWith('> ');

/** `bodyLine` is the source line of the fence's first body line; `col` the fence's column. */
export function parseConsole(text: string, bodyLine: number, col: number, index: LineIndex, diags: Diagnostics): ConsoleCommand[] {
  const lines = text === '' ? [] : text.split('\n');
  const commands: ConsoleCommand[] = [];
  let i = 0;
  const stray: number[] = [];
  while (i < lines.length && !isPrompt(lines[i]!)) {
    if (lines[i]!.trim() !== '') stray.push(i);
    i++;
  }
  if (stray.length > 0) {
    diags.error('console-syntax', index.pos(bodyLine + stray[0]!, col), 'console block has text before its first `$ ` command', 'start each command with `$ ` (dollar, space); output lines follow their command');
  }
  while (i < lines.length) {
    const line = bodyLine + i;
    const parts = [lines[i]!.slice(2)];
    i++;
    while (i < lines.length && isContinuation(lines[i]!)) parts.push(lines[i++]!.slice(2));
    const outputLine = bodyLine + i;
    const output: string[] = [];
    while (i < lines.length && !isPrompt(lines[i]!)) output.push(lines[i++]!);
    // Blank lines that only separate one command from the next are not output.
    while (output.length > 0 && output[output.length - 1]!.trim() === '') output.pop();
    const command = parts.join('\n');
    if (command.trim() === '') {
      diags.error('console-syntax', index.pos(line, col), 'empty `$` command in console block', 'write the command after `$ `');
      continue;
    }
    commands.push({ command, line, col, output: output.join('\n'), outputLine });
  }
  if (commands.length === 0 && stray.length === 0) {
    diags.error('console-syntax', index.pos(bodyLine - 1, col), 'console block has no `$ ` command', 'write commands as `$ kubectl get pods`, followed by their output');
  }
  return commands;
}
