// The CLI's entry point called in-process (real shells, no spawn), with its output captured,
// and the shape every usage error must have. Shared by the CLI, learn and grade tests.
import { Readable, Writable } from 'node:stream';
import { expect } from 'vitest';
import { runCli } from '../../src/cli.js';
import { ROOT } from './built-cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `kubelab ARGV` in this process: NO_COLOR, not a TTY, cwd the repo root unless given. */
export async function runCliCaptured(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string[] } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    ...(opts.stdin ? { stdin: Readable.from(opts.stdin) } : {}),
    stdout: new Writable({ write: (c, _e, cb) => ((stdout += String(c)), cb()) }),
    stderr: new Writable({ write: (c, _e, cb) => ((stderr += String(c)), cb()) }),
    cwd: opts.cwd ?? ROOT,
    env: { ...(opts.env ?? process.env), NO_COLOR: '1' },
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/** A usage error as the CLI prints it: exit 2, `kubelab: error: …` then one hint line, no stack. */
export function expectUsageError(r: CliResult, message: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^kubelab: error: /);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^ {2}hint: \S/);
}
