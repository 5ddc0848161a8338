// Which InterruptHandling the CLI uses: runCli reports the command whose action starts.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { CLEANUP_INTERRUPT, type CliCommand, QUIT_INTERRUPT } from '../../src/cli/context.js';

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

async function commandOf(argv: string[]): Promise<CliCommand | undefined> {
  let seen: CliCommand | undefined;
  await runCli(argv, { stdout: sink(), stderr: sink(), onCommand: (c) => (seen = c) });
  return seen;
}

describe('interrupt handling per command', () => {
  it('lint and list quit at the first signal', async () => {
    expect((await commandOf(['lint', 'test/fixtures/learn/basics.md']))?.interrupt).toBe(QUIT_INTERRUPT);
    expect((await commandOf(['list', 'test/fixtures/learn/basics.md']))?.interrupt).toBe(QUIT_INTERRUPT);
  });

  it('learn saves without cleanup and quits at the second signal', async () => {
    const learn = await commandOf(['learn', 'test/fixtures/learn/does-not-exist.md']);
    expect(learn?.name).toBe('learn');
    expect(learn?.interrupt?.first).toMatch(/saved and nothing is cleaned up/);
    expect(learn?.interrupt?.quitAt).toBe(2);
  });

  it('run keeps the default: stop and clean up, quit at the third', async () => {
    const run = await commandOf(['run', 'test/fixtures/learn/does-not-exist.md']);
    expect(run?.name).toBe('run');
    expect(run?.interrupt ?? CLEANUP_INTERRUPT).toBe(CLEANUP_INTERRUPT);
    expect(CLEANUP_INTERRUPT.quitAt).toBe(3);
  });

  it('is not called when no action runs (--version)', async () => {
    expect(await commandOf(['--version'])).toBeUndefined();
  });
});
