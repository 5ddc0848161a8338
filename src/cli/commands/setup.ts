// `kubelab setup [--kubernetes VERSION]...`: make docker, kind, the kind node image and kubectl
// ready (pulled or built, cached per version) and write cluster.env. Exit 0 when ready, 2 when
// something is missing (with what to do), 130/143 when interrupted (the next run resumes).
import type { Command } from 'commander';
import { painter } from '../../report/color.js';
import { UsageError } from '../../errors.js';
import type { CliCommand, CliContext } from '../context.js';

const SOURCES = ['auto', 'pull', 'build'] as const;

export const setupCommand: CliCommand = {
  name: 'setup',
  interrupt: {
    first: 'stopping the set-up (finished parts stay in the cache; `kubelab setup` resumes)…',
    quit: 'quitting; `kubelab setup` resumes from the cache.',
    quitAt: 2,
  },
  register(program: Command, ctx: CliContext) {
    program
      .command('setup')
      .summary('make docker, kind, the node image and kubectl ready')
      .description(
        'Make the tools a kind lab needs ready: docker (as root: installed from Debian\'s packages and started), kind, the kind node image (kindest/node pulled, or built from source where it cannot be) and kubectl, each cached per version. Writes $KUBELAB_CACHE/cluster-VERSION.env, and cluster.env for the default version. See docs/setup.md.',
      )
      .option('--kubernetes <version...>', 'Kubernetes versions (1.36, v1.35.4, comma lists, or all); default v1.36.1', collect, [])
      .option('--node-image <source>', 'where the node image comes from: auto (pull, else build), pull, build (default: $KUBELAB_NODE_SOURCE or auto)')
      .action(async (flags: { kubernetes: string[]; nodeImage?: string }) => {
        const source = flags.nodeImage ?? ctx.env.KUBELAB_NODE_SOURCE ?? 'auto';
        if (!(SOURCES as readonly string[]).includes(source)) {
          throw new UsageError('SETUP_BAD_SOURCE', `--node-image ${source}: not one of ${SOURCES.join(', ')}`, { hint: 'auto pulls kindest/node and builds it where that fails' });
        }
        const { ensureClusterTools, formatSetupEvent } = await import('../../setup/index.js');
        const paint = painter(ctx.color);
        await ensureClusterTools({
          versions: flags.kubernetes,
          env: ctx.env,
          signal: ctx.signal,
          nodeImageSource: source as (typeof SOURCES)[number],
          progress: (event) => ctx.stdout.write(formatSetupEvent(event, paint) + '\n'),
        });
        ctx.exitCode = 0;
      });
  },
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
