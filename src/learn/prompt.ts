// `t` in learn mode: the learner's own prompt IN the lab's shell state, in the same terminal. An
// interactive bash starts from a snapshot of the lab's shell (variables, functions, aliases,
// options, working directory), marked as the lab's shell by its prompt; when the learner leaves it
// (exit or Ctrl-D) its state is taken back into the lab's shell, so what they set or changed
// stays for the next block. Secrets live only in a private temporary directory, removed at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INIT_SCRIPT, STATE_COMPLETE } from '../engine/shell-init.js';
import { bashQuote } from '../engine/shell.js';
import type { Shell } from '../engine/types.js';

export interface PromptRuntime {
  labShell(opts?: { progress?: (message: string) => void; signal?: AbortSignal }): Promise<Shell>;
  snapshot(opts?: { includeSecrets?: boolean }): Promise<string | undefined>;
  adoptState(file: string): Promise<void>;
}

export interface PromptResult {
  /** The prompt's state came back into the lab's shell. */
  kept: boolean;
  exitCode: number | null;
}

/** Variables of an interactive prompt that are not the lab's (never taken back). */
const PROMPT_ONLY = ['PS1', 'PS2', 'PS3', 'PROMPT_COMMAND', 'PROMPT_DIRTRIM', 'HISTFILE', 'HISTSIZE', 'HISTFILESIZE', 'HISTCONTROL', 'HISTIGNORE', 'HISTTIMEFORMAT', 'COLUMNS', 'LINES', 'MAILCHECK', 'COMP_WORDBREAKS', 'TERM_PROGRAM', 'READLINE_LINE', 'READLINE_POINT'];

/** Options an interactive shell turns on that a lab's shell has off: not taken back. */
const PROMPT_OPTIONS = /^set -o (emacs|vi|history|histexpand)$/;

/** The rc file of the prompt: the lab's state, kubelab's traps, a prompt that says whose shell it is. */
export function promptRc(dir: string, label: string): string {
  const q = bashQuote;
  return [
    `__kl_dir=${q(dir)}; builtin source ${q(join(dir, 'init'))}`,
    `builtin source ${q(join(dir, 'restore'))} >/dev/null 2>&1`,
    `command rm -f ${q(join(dir, 'restore'))}`,
    '__kl_setup',
    // Leaving the prompt saves its state for the lab's shell; the lab's own EXIT trap is not run
    // (the lab's shell lives on).
    `__kl_prompt_exit() { __kl_skip=${q(` ${PROMPT_ONLY.join(' ')} `)}; __kl_state "$__kl_dir/state"; }`,
    "builtin trap '__kl_prompt_exit' EXIT",
    'set -o emacs; set -o history',
    `HISTFILE=${q(join(dir, 'history'))}`,
    `PS1=${q(`\\[\\e[1;7m\\] lab shell \\[\\e[0m\\] \\[\\e[1;36m\\]${label.replace(/[\\$`]/g, '')}\\[\\e[0m\\] \\w \\$ `)}`,
    'PS2="> "',
  ].join('\n') + '\n';
}

/** Keep what the prompt changed, minus the interactive shell's own options. */
export function promptStateForLab(state: string): string {
  return state
    .split('\n')
    .filter((l) => !PROMPT_OPTIONS.test(l.trim()))
    .join('\n');
}

/**
 * Run an interactive bash on the learner's terminal (its descriptors given) from the lab shell's state,
 * and take its state back when it exits. The caller gives the terminal up first (raw mode off,
 * main screen) and takes it back after.
 */
export async function runLabPrompt(
  runtime: PromptRuntime,
  opts: { label: string; banner?: string; bash?: string; signal?: AbortSignal; /** The terminal's file descriptors (in, out, err). */ stdio: [number, number, number]; write: (text: string) => void },
): Promise<PromptResult> {
  const shell = await runtime.labShell({ signal: opts.signal });
  const env = await shell.env();
  const cwd = await shell.cwd();
  const state = await runtime.snapshot({ includeSecrets: true });
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-prompt-'));
  try {
    writeFileSync(join(dir, 'init'), INIT_SCRIPT, { mode: 0o600 });
    writeFileSync(join(dir, 'restore'), state ?? '', { mode: 0o600 });
    writeFileSync(join(dir, 'rc'), promptRc(dir, opts.label), { mode: 0o600 });
    if (opts.banner) opts.write(opts.banner);
    const exitCode = await new Promise<number | null>((resolve) => {
      const child = spawn(opts.bash ?? 'bash', ['--noprofile', '--rcfile', join(dir, 'rc'), '-i'], { stdio: opts.stdio, env, cwd });
      child.once('error', () => resolve(null));
      child.once('exit', (code) => resolve(code));
    });
    let saved = '';
    try {
      saved = readFileSync(join(dir, 'state'), 'utf8');
    } catch {
      /* killed before it could save */
    }
    if (!saved.endsWith(`${STATE_COMPLETE}\n`)) return { kept: false, exitCode };
    const file = join(dir, 'adopt');
    writeFileSync(file, promptStateForLab(saved), { mode: 0o600 });
    await runtime.adoptState(file);
    return { kept: true, exitCode };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
