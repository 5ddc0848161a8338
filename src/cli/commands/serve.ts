// `kubelab serve [PATH...]`: the local learning page (step prose beside a real terminal that is
// the lab's own shell). Prints the URL to open, with its access token, on a line of its own.
import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { configOf, type CliCommand, type CliContext, fileErrorReason } from '../context.js';
import { parseVar } from '../run-options.js';

interface ServeFlags {
  port: string;
  host: string;
  stateDir?: string;
  context?: string;
  nodeImage?: string;
  keep?: boolean;
  var: Record<string, string>;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  // Like learn: stopping the server keeps the learner's place and what the labs changed.
  interrupt: {
    first: 'stopping the learning page; your place is saved and nothing is cleaned up…',
    quit: 'quitting now. What the labs changed is still in place; `kubelab cleanup` undoes it.',
    quitAt: 2,
  },
  register(program: Command, ctx: CliContext) {
    program
      .command('serve')
      .summary('a local learning page: each step beside a terminal that is the lab\'s own shell')
      .description(
        'Serve a lab, or a course (a directory of labs, in file-name order or the order of its course.yaml), as a web page on this machine: the step\'s text beside a real terminal attached to the lab\'s shell, with Run, Check, Hint, Solution and progress. Prints the URL to open (it holds an access token). Stop with Ctrl-C.',
      )
      .argument('[paths...]', 'lab files or course directories (default: ./labs)')
      .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
      .option('--host <host>', 'address to listen on (0.0.0.0 lets other machines in)', '127.0.0.1')
      .option('--state-dir <dir>', 'where progress and journals live (default: $KUBELAB_STATE_DIR or ~/.local/state/kubelab)')
      .option('--context <name>', 'existing clusters: the kubeconfig context to use')
      .option('--node-image <image>', 'kind: node image (default: $KUBELAB_NODE_IMAGE)')
      .option('--var <K=V>', 'set a lab variable in every lab (repeatable)', parseVar, {})
      .option('--keep', 'kind: keep the clusters kubelab creates (a course deletes its shared cluster once every lab on it is finished, unless kept)')
      .action(async (paths: string[], flags: ServeFlags) => {
        ctx.exitCode = await serve(paths, flags, ctx);
      });
  },
};

function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError('bad-port', `--port ${text}: not a port number`, { hint: 'give 1-65535, or 0 for a free port' });
  return n;
}

export async function serve(paths: string[], flags: ServeFlags, ctx: CliContext): Promise<number> {
  const port = parsePort(flags.port);
  const [{ loadCourse }, { startServer }] = await Promise.all([import('../../serve/course.js'), import('../../serve/server.js')]);
  const course = await loadCourse(paths, ctx.cwd);
  const config = configOf(ctx, flags);
  const { stateDir } = config;
  await mkdir(stateDir, { recursive: true }).catch((e: unknown) => {
    throw new UsageError('state-dir-not-writable', `cannot use ${flags.stateDir ?? stateDir} as the state directory: ${fileErrorReason(e)}`, { hint: 'give --state-dir (or $KUBELAB_STATE_DIR) a directory you can write to' });
  });
  let server;
  try {
    server = await startServer({
      course,
      host: flags.host,
      port,
      stateDir,
      env: config.env,
      vars: flags.var,
      keep: !!flags.keep,
      providerOptions: { config, ...(flags.keep ? { keep: true } : {}), ...(flags.context ? { context: flags.context } : {}), ...(flags.nodeImage ? { nodeImage: flags.nodeImage } : {}) },
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError('port-in-use', `port ${port} on ${flags.host} is already in use`, { hint: 'give another --port, or --port 0 for a free one' });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError('bad-host', `cannot listen on ${flags.host}: no such address on this machine`, { hint: 'use 127.0.0.1 (the default)' });
    throw e;
  }
  if (flags.host !== '127.0.0.1' && flags.host !== 'localhost' && flags.host !== '::1') {
    ctx.stderr.write(`warning: listening on ${flags.host}: other machines can reach this page, and its terminal is a shell on this machine. Only the token in the URL keeps them out; share it with no one.\n`);
  }
  const labs = course.labs.length === 1 ? `lab ${course.labs[0]!.display}` : `${course.labs.length} labs (${course.title})`;
  ctx.stdout.write(`Serving ${labs}. Open this in your browser (Ctrl-C stops):\n${server.url}\n`);
  await new Promise<void>((r) => {
    if (ctx.signal.aborted) return r();
    ctx.signal.addEventListener('abort', () => r(), { once: true });
  });
  await server.close();
  ctx.stdout.write('Stopped. Your place in each lab is saved; what the labs changed is still in place (the Cleanup button or `kubelab cleanup` undoes it).\n');
  for (const c of await server.clusters.status()) {
    if (c.ownedByCourse && c.running) ctx.stdout.write(`The course's kind cluster ${c.name} is kept for the next session: it goes when every lab on it is finished, with "Delete the cluster now" on the course index, or with \`kubelab cleanup\`.\n`);
  }
  return 0;
}
