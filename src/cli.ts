#!/usr/bin/env node
// The command line. The ONLY module that touches argv, process streams, signals and the exit
// code: commands get a CliContext, throw KubelabErrors, and set ctx.exitCode; runCli turns all of
// that into one exit code (0 passed, 1 a step failed, 2 lab or usage error, 130/143 interrupted;
// SIGHUP, a closed terminal, is handled as SIGTERM). Output streams are guarded (safeStream): a
// closed stdout or stderr (`kubelab run LAB | head -1`) never crashes a run or skips its cleanup.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './cli/commands/index.js';
import { CLEANUP_INTERRUPT, type CliCommand, type CliContext, type CliInput, type InterruptHandling } from './cli/context.js';
import { printError } from './cli/errors.js';
import { listProcs } from './engine/procs.js';
import { KubelabError } from './errors.js';
import { colorEnabled, painter } from './report/color.js';
import { safeStream } from './report/stream.js';
import { VERSION } from './version.js';

export interface CliIo {
  /** Input for interactive commands (`learn`); default: process.stdin. */
  stdin?: CliInput;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal; default: stdout.isTTY. */
  isTTY?: boolean;
  cwd?: string;
  /** Aborted (reason 'SIGINT'/'SIGTERM') to interrupt a run. src/cli.ts aborts SIGHUP with 'SIGTERM'. */
  signal?: AbortSignal;
  /** Called when a command's action starts (the signal handlers then say what that command does on an interrupt). */
  onCommand?: (command: CliCommand) => void;
}

export function buildProgram(ctx: CliContext): Command {
  const paint = painter(ctx.colorStderr);
  const program = new Command('kubelab')
    .description('Run markdown Kubernetes labs step by step on a real cluster, check what the article says really happens, and always clean up.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'show stack traces of unexpected errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(paint('red', `kubelab: ${s.trimEnd()}`) + '\n'),
    })
    .showHelpAfterError(`  ${paint('yellow', 'hint:')} see \`kubelab --help\` or \`kubelab COMMAND --help\``);
  for (const command of COMMANDS) command.register(program, ctx);
  return program;
}

/** Run the CLI on `argv` (without node and script). Returns the exit code; never throws. */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const stdout = safeStream(io.stdout ?? process.stdout);
  const stderr = safeStream(io.stderr ?? process.stderr);
  const env = io.env ?? process.env;
  const isTTY = io.isTTY ?? (stdout as { isTTY?: boolean }).isTTY === true;
  const stderrTTY = (stderr as { isTTY?: boolean }).isTTY === true;
  const ctx: CliContext = {
    stdin: io.stdin ?? process.stdin,
    stdout,
    stderr,
    env,
    isTTY,
    color: colorEnabled({ isTTY, env }),
    colorStderr: colorEnabled({ isTTY: stderrTTY, env }),
    cwd: io.cwd ?? process.cwd(),
    signal: io.signal ?? new AbortController().signal,
    debug: argv.includes('--debug') || env.KUBELAB_DEBUG === '1',
    exitCode: 0,
  };
  const program = buildProgram(ctx);
  program.hook('preAction', (_program, action) => {
    const command = COMMANDS.find((c) => c.name === action.name());
    if (command) io.onCommand?.(command);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    // Commander has already printed its message (usage errors) or the help/version text.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    printError(ctx, err);
    return err instanceof KubelabError ? err.exitCode : 2;
  }
}

type HandledSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/**
 * What a signal means to commands: SIGHUP (the terminal was closed) is a request to stop like
 * SIGTERM, so it aborts with reason 'SIGTERM' (stop, clean up, exit 143). Without a handler Node
 * would exit 129 at once, skipping cleanup.
 */
function abortReason(signal: HandledSignal): 'SIGINT' | 'SIGTERM' {
  return signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
}

/**
 * First SIGINT/SIGTERM/SIGHUP: abort the command (a run stops and cleans up, learn saves) and say
 * what it does now. The running command's InterruptHandling says which signal quits at once,
 * without waiting (for a run: the third; its journal stays for `kubelab cleanup`).
 */
function installSignalHandlers(controller: AbortController, stderr: NodeJS.WritableStream, handling: () => InterruptHandling): () => void {
  let count = 0;
  const onSignal = (signal: HandledSignal) => {
    count++;
    const h = handling();
    if (count >= h.quitAt) {
      if (h.quit) stderr.write(`${count === 1 ? '\n' : ''}kubelab: ${count === 1 ? `${signal}: ` : ''}${h.quit}\n`);
      killChildProcessGroups();
      process.exit(abortReason(signal) === 'SIGTERM' ? 143 : 130);
    }
    if (count === 1) {
      controller.abort(abortReason(signal));
      stderr.write(`\nkubelab: ${signal}: ${h.first}\n`);
    } else if (h.second) {
      stderr.write(`kubelab: ${h.second}\n`);
    }
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/**
 * On a forced quit, stop what our children run (the lab's bash session is a detached process
 * group): otherwise a half-run cleanup block would go on behind the user's back, and then run
 * again under `kubelab cleanup`.
 */
function killChildProcessGroups(): void {
  try {
    const procs = listProcs();
    const ownGroup = procs.find((p) => p.pid === process.pid)?.pgid;
    for (const child of procs.filter((p) => p.ppid === process.pid)) {
      try {
        if (child.pgid !== ownGroup && child.pgid > 1) process.kill(-child.pgid, 'SIGKILL');
        else process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  } catch {
    // best effort: we are quitting anyway
  }
}

async function main(): Promise<void> {
  const controller = new AbortController();
  let interrupt = CLEANUP_INTERRUPT;
  const stdout = safeStream(process.stdout);
  const stderr = safeStream(process.stderr);
  const uninstall = installSignalHandlers(controller, stderr, () => interrupt);
  // Node exits with code 0 when nothing is left to wait for, even with a command half done (a
  // promise nobody will settle). That is a bug of ours; it must never look like a success, nor
  // pass silently in the middle of a cleanup.
  let finished = false;
  process.once('beforeExit', () => {
    if (finished) return;
    stderr.write('kubelab: internal error: the command stopped waiting before it was done (this is a bug in kubelab; please report it)\n  hint: run `kubelab cleanup` to finish what a run left\n');
    process.exit(2);
  });
  const code = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout,
    stderr,
    signal: controller.signal,
    onCommand: (command) => (interrupt = command.interrupt ?? CLEANUP_INTERRUPT),
  });
  finished = true;
  uninstall();
  process.exitCode = code;
  // Do not hang on a forgotten handle (a child process, a socket): give output time to flush.
  setTimeout(() => process.exit(code), 3000).unref();
}

function isMainModule(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMainModule()) void main();
