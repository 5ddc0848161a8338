// `kubelab doctor`: check docker (client and daemon), kind, kubectl, jq and the node image per Kubernetes version. Exit 0 when all are
// there, 2 otherwise.
import type { Command } from 'commander';
import { painter } from '../../report/color.js';
import { type CliCommand, type CliContext, QUIT_INTERRUPT } from '../context.js';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  interrupt: QUIT_INTERRUPT,
  register(program: Command, ctx: CliContext) {
    program
      .command('doctor')
      .summary('check the tools cluster labs need')
      .description('Check docker (client and daemon), kind, kubectl and jq, and the node image of each Kubernetes version kubelab sets up: the version found, or how to get what is missing (`kubelab setup`). Exit 0 when everything the default version needs is there, 2 otherwise.')
      .option('--json', 'print the checks as JSON')
      .action(async (flags: { json?: boolean }) => {
        const { formatDoctor, runDoctor } = await import('../../doctor.js');
        const report = await runDoctor({ env: ctx.env });
        if (flags.json) ctx.stdout.write(JSON.stringify(report, null, 2) + '\n');
        else ctx.stdout.write(formatDoctor(report, painter(ctx.color)));
        ctx.exitCode = report.ok ? 0 : 2;
      });
  },
};
