// What `kubelab learn` says when a session starts again and when it ends: where the learner is
// (step, title, steps done), what became of the lab shell's state, and the exact commands that
// resume, start over or clean up, naming the lab. Lines fit the terminal's width; each command
// is on lines of its own, continued with ` \` between words when too long, never cut. Pure.
import type { Lab } from '../lab/model.js';
import { visibleWidth, wrapLine } from './text.js';

/**
 * A command on lines of its own, two spaces in; one too long is broken with ` \\` between words
 * (its words are paths and flags: no quoting to respect), never inside one.
 */
function commandLines(command: string, width: number): string[] {
  const room = width - 2;
  if (visibleWidth(command) <= room) return [`  ${command}`];
  const lines: string[] = [];
  let line = '';
  for (const word of command.split(' ')) {
    if (line && visibleWidth(`${line} ${word} \\`) > room) {
      lines.push(`  ${line} \\`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(`  ${line}`);
  return lines;
}

export interface ResumeInput {
  lab: Lab;
  startStep: number;
  done: readonly string[];
  /** The lab changed since the saved session (resumed by the step's slug). */
  changed?: boolean;
  /** The shell starts from the state the last session saved. */
  restored: boolean;
  /** No saved state: the first command replays the earlier steps. */
  replay: boolean;
  /** Secret captures whose values were not saved. */
  secrets?: readonly string[];
}

/** The lines shown above the first step of a resumed session. */
export function resumeNotice(input: ResumeInput): string[] {
  const { lab } = input;
  const n = lab.steps.length;
  const done = lab.steps.filter((s) => input.done.includes(s.slug)).length;
  const step = lab.steps[input.startStep];
  const lines: string[] = [];
  if (done === n && n > 0) lines.push(`Welcome back: you finished this lab (${done}/${n} steps done).`);
  else lines.push(`${input.changed ? 'The lab changed since your last session; resuming' : 'Welcome back: resuming'} at step ${input.startStep + 1} of ${n}${step ? `, "${step.title}"` : ''} (${done} of ${n} done).`);
  if (input.restored) lines.push('Your lab shell is as you left it: its variables, functions and working directory are back.');
  else if (input.replay) lines.push(`Your lab shell's state was not kept: the first command you run replays steps 1-${input.startStep} first, so that what they set is there again.`);
  if (input.restored && input.secrets?.length) lines.push(`Secret values are never saved: run the block that sets ${input.secrets.map((s) => `$${s}`).join(', ')} again if you need ${input.secrets.length === 1 ? 'it' : 'them'}.`);
  lines.push('(--restart starts over.)');
  return lines;
}

export interface ExitInput {
  /** The lab's path as the learner gave it. */
  file: string;
  stepIndex: number;
  steps: number;
  /** What the lab changed is still in place (a journal is left). */
  changed: boolean;
  complete?: boolean;
  width: number;
}

/** The lines printed when the learner leaves without cleaning up. */
export function exitLines(input: ExitInput): string[] {
  const w = Math.max(40, input.width);
  const lines = [
    ...wrapLine(input.complete ? `Saved: lab complete (${input.steps}/${input.steps} steps). To take it again:` : `Saved at step ${input.stepIndex + 1} of ${input.steps}. To resume:`, w),
    ...commandLines(`kubelab learn ${input.file}`, w),
  ];
  if (input.changed) {
    lines.push(...wrapLine('What the lab changed is still in place. To undo it and start over, or just undo it:', w));
    lines.push(...commandLines(`kubelab learn --restart ${input.file}`, w), ...commandLines('kubelab cleanup', w));
  }
  return lines;
}

/** The lines printed after the learner quit with cleanup. */
export function cleanedLines(input: { file: string; stepIndex: number; failed: boolean; width: number }): string[] {
  const w = Math.max(40, input.width);
  if (input.failed) return [...wrapLine('Some cleanup failed. To retry it:', w), '  kubelab cleanup'];
  return [...wrapLine(`Cleaned up. Your place is kept (step ${input.stepIndex + 1}). To resume, or start over:`, w), ...commandLines(`kubelab learn ${input.file}`, w), ...commandLines(`kubelab learn --restart ${input.file}`, w)];
}

/** The lines printed when an interrupt (SIGINT, SIGTERM) ended the session. */
export function interruptedLines(input: { file: string; stepIndex: number; width: number }): string[] {
  const w = Math.max(40, input.width);
  return [...wrapLine(`Interrupted: saved at step ${input.stepIndex + 1}; nothing was cleaned up. To resume, or only undo what the lab changed:`, w), ...commandLines(`kubelab learn ${input.file}`, w), '  kubelab cleanup'];
}
