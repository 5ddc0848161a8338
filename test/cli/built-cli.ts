// Build the CLI once (tsc into a private folder under node_modules/.cache, so the build does not
// race other builds of dist/ and still resolves dependencies) and spawn it like a user would.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = 'test/fixtures/cli';

export async function buildCli(): Promise<string> {
  const outDir = join(ROOT, 'node_modules', '.cache', `kubelab-cli-test-${process.pid}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // Type errors elsewhere in the tree must not block the CLI tests: tsc still emits.
  await new Promise<void>((res) => execFile(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json'), '--outDir', outDir], { cwd: ROOT }, () => res()));
  const cli = join(outDir, 'src', 'cli.js');
  if (!existsSync(cli)) throw new Error(`tsc did not produce ${cli}`);
  return cli;
}

export function removeBuild(cli: string): void {
  rmSync(dirname(dirname(cli)), { recursive: true, force: true });
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.GITHUB_ACTIONS;
  delete env.FORCE_COLOR;
  return env;
}

/** Start the CLI; `done` resolves when it exits. `waitFor` resolves once stdout+stderr contain a text. */
export function startCli(cli: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const child: ChildProcess = spawn(process.execPath, [cli, ...args], { cwd: opts.cwd ?? ROOT, env: opts.env ?? cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) if ((stdout + stderr).includes(w.text)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout!.on('data', (d) => ((stdout += String(d)), check()));
  child.stderr!.on('data', (d) => ((stderr += String(d)), check()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const waitFor = (text: string, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; output so far:\n${stdout}\n${stderr}`)), timeoutMs);
      waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
      check();
    });
  return { child, done, waitFor };
}

export function runCliProcess(cli: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  return startCli(cli, args, opts).done;
}
