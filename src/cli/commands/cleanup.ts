// `kubelab cleanup`: finish the cleanup of runs that did not (crash, kill -9, --no-cleanup,
// a third Ctrl-C), from the journals they left.
import type { Command } from 'commander';
import { painter } from '../../report/color.js';
import { createTerminalReporter } from '../../report/terminal.js';
import { configOf, type CliCommand, type CliContext } from '../context.js';

export const cleanupCommand: CliCommand = {
  name: 'cleanup',
  interrupt: {
    first: 'cleanup in progress, press Ctrl-C again to quit (cleanup would not finish)',
    quit: 'quitting without finishing cleanup; `kubelab cleanup` again finishes it.',
    quitAt: 2,
  },
  register(program: Command, ctx: CliContext) {
    program
      .command('cleanup')
      .summary('undo what unfinished runs left behind')
      .description('Run the undos recorded in the journals of unfinished runs (newest first, each LIFO). Exit 0 when everything was undone (or nothing was left), 1 when something could not be undone.')
      .option('--state-dir <dir>', 'where the journals are (default: $KUBELAB_STATE_DIR or ~/.local/state/kubelab)')
      .action(async (flags: { stateDir?: string }) => {
        const { finishJournals } = await import('../../engine/finish.js');
        const reporter = createTerminalReporter({ stream: ctx.stdout, isTTY: ctx.isTTY, env: ctx.env });
        const config = configOf(ctx, flags);
        const results = await finishJournals({ stateDir: config.stateDir, env: config.env, reporters: [reporter], progress: (m) => ctx.stdout.write(`${m}\n`) });
        const paint = painter(ctx.color);
        const failed = results.filter((r) => r.status === 'failed').length;
        if (results.length === 0) ctx.stdout.write('nothing to clean up\n');
        else ctx.stdout.write(`cleanup: ${results.length - failed} ok${failed ? `, ${paint('red', `${failed} failed`)}` : ''}\n`);
        ctx.exitCode = failed > 0 ? 1 : 0;
      });
  },
};
