// ```kubelet-config { node=worker }```: merge YAML into a node's kubelet config, restart the
// kubelet, and check that it came back Ready with the new values; roll back by itself when not.
// Its undo kind `restore-file` puts a node file's backup back (and restarts the service).
import type { ExecContext, ExecOutcome } from '../engine/types.js';
import type { KubeletConfigBlock } from '../lab/model.js';
import type { NodeAccess } from '../node/types.js';
import type { Undo } from '../model/undo.js';
import type { KubeClient } from '../kube/client.js';
import type { BlockModule, UndoHandler } from './types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientFor, outcome, requireCluster } from './cluster-context.js';

export const KUBELET_CONFIG_PATH = '/var/lib/kubelet/config.yaml';
export const KUBELET_UNIT = 'kubelet';
const JOURNAL_LINES = 20;
const CONFIGZ_TIMEOUT_MS = 60_000;

async function execute(block: KubeletConfigBlock, ctx: ExecContext): Promise<ExecOutcome> {
  const started = Date.now();
  const cluster = requireCluster(ctx, block);
  const node = await cluster.node(block.node);
  const client = await clientFor(cluster);
  const [{ createTwoFilesPatch }, { CommandNodeAccess }, { waitForNodesReady }, { mergeYamlText }] = await Promise.all([
    import('diff'),
    import('../node/command-node.js'),
    import('../kube/nodes.js'),
    import('../kube/config-merge.js'),
  ]);
  const command = `kubelet-config on ${node.name}: ${Object.keys(block.patch).join(', ')}`;
  const lines: string[] = [];
  const say = (l: string) => {
    lines.push(l);
    ctx.onOutput?.('stdout', `${l}\n`);
  };

  const original = (await node.readFile(KUBELET_CONFIG_PATH)).toString('utf8');
  const { backupPath, created } = node instanceof CommandNodeAccess ? await node.backup(KUBELET_CONFIG_PATH) : { backupPath: await node.backupFile(KUBELET_CONFIG_PATH), created: true };
  const ref = JSON.stringify(node.ref);
  // One restore per file: the journal knows whether this run (or a crashed one it continues)
  // already registered it. A backup that exists but that no pending undo restores is from an
  // interrupted earlier run: it holds the config as it was before that run.
  const pending = ctx.isUndoPending((u) => u.kind === 'restore-file' && u.path === KUBELET_CONFIG_PATH && JSON.stringify(u.node) === ref);
  let undoId: string | undefined;
  if (created || !pending) {
    undoId = await ctx.registerUndo({
      kind: 'restore-file',
      label: `restore ${KUBELET_CONFIG_PATH} on ${node.name}`,
      node: node.ref,
      path: KUBELET_CONFIG_PATH,
      backupPath,
      restartService: KUBELET_UNIT,
    });
  }

  let merged: string;
  try {
    merged = mergeYamlText(original, block.patch);
  } catch (e) {
    return outcome(started, { status: 'failed', command, output: '', message: `${node.name}:${KUBELET_CONFIG_PATH}: ${(e as Error).message}` });
  }
  const diff = createTwoFilesPatch(KUBELET_CONFIG_PATH, KUBELET_CONFIG_PATH, original, merged, 'before', 'after', { context: 1 });
  say(`${node.name}: ${KUBELET_CONFIG_PATH} (backup ${backupPath})`);
  for (const l of diff.split('\n').filter((l) => /^[+-][^+-]/.test(l))) say(l);

  const budget = ctx.timeoutMs;
  const deadline = started + budget;
  try {
    await node.writeFileAtomic(KUBELET_CONFIG_PATH, merged);
    ctx.progress(`restarting the kubelet on ${node.name}`);
    await node.restartService(KUBELET_UNIT, { timeoutMs: remaining(deadline), signal: ctx.signal });
    say(`kubelet restarted on ${node.name}`);
    await waitForNodesReady(client, { names: [node.name], timeoutMs: remaining(deadline), signal: ctx.signal, progress: ctx.progress });
    say(`node ${node.name} is Ready`);
    const mismatches = await waitForConfigz(client, node.name, block.patch, Math.min(remaining(deadline), CONFIGZ_TIMEOUT_MS), ctx.signal);
    if (mismatches.length) {
      throw new Error(`the kubelet runs but /configz does not show the new values (${mismatches.join('; ')}): an unknown or misspelt field?`);
    }
    say(`configz on ${node.name} shows ${Object.keys(block.patch).join(', ')}`);
    return outcome(started, { status: 'passed', command, output: lines.join('\n') + '\n' });
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    const journal = await node.journal(KUBELET_UNIT, JOURNAL_LINES).catch((je) => `(journal unavailable: ${(je as Error).message})`);
    const rollback = await rollBack(node, original, created ? backupPath : undefined, undoId, ctx);
    const message = `kubelet on ${node.name} did not come back with the new config: ${(e as Error).message}; ${rollback}`;
    return outcome(started, {
      status: 'failed',
      command,
      output: `${lines.join('\n')}\n${message}\nlast ${JOURNAL_LINES} lines of the kubelet's journal:\n${journal}`,
      message,
      hint: `the lines above are from \`journalctl -u kubelet\` on ${node.name}; fix the kubelet-config block at ${block.pos.file}:${block.pos.line}`,
    });
  }
}

function remaining(deadline: number): number {
  return Math.max(deadline - Date.now(), 5_000);
}

/**
 * Puts the config back as it was before this block and restarts the kubelet. When this block
 * made the backup, the backup itself is moved back and its undo dropped (nothing left to do).
 */
async function rollBack(node: NodeAccess, original: string, ownBackup: string | undefined, undoId: string | undefined, ctx: ExecContext): Promise<string> {
  try {
    if (ownBackup && undoId) {
      await node.restoreBackup(KUBELET_CONFIG_PATH, ownBackup);
      await ctx.dropUndo(undoId);
    } else {
      await node.writeFileAtomic(KUBELET_CONFIG_PATH, original);
    }
    await node.restartService(KUBELET_UNIT, { timeoutMs: 120_000 });
    return `the previous config was restored and the kubelet restarted`;
  } catch (e) {
    return `ROLLING BACK FAILED too (${(e as Error).message}): cleanup will try again`;
  }
}

async function waitForConfigz(client: KubeClient, nodeName: string, patch: Record<string, unknown>, timeoutMs: number, signal: AbortSignal): Promise<string[]> {
  const { configMismatches } = await import('../kube/config-merge.js');
  const deadline = Date.now() + timeoutMs;
  let mismatches: string[] = ['no answer from /configz yet'];
  while (!signal.aborted) {
    try {
      const body = JSON.parse(await client.getRaw(`/api/v1/nodes/${encodeURIComponent(nodeName)}/proxy/configz`, { signal }));
      mismatches = configMismatches(patch, body.kubeletconfig);
      if (!mismatches.length) return [];
    } catch (e) {
      mismatches = [`/configz: ${(e as Error).message}`];
    }
    if (Date.now() > deadline) break;
    await sleep(1000, undefined, { signal }).catch(() => undefined);
  }
  return mismatches;
}

/** Puts a node file's backup back, then restarts the service that reads it. */
export const restoreFileUndo: UndoHandler<Extract<Undo, { kind: 'restore-file' }>> = async (undo, opts) => {
  const { nodeFromRef } = await import('../node/from-ref.js');
  const node = nodeFromRef(undo.node, undefined, opts.tools);
  await node.restoreBackup(undo.path, undo.backupPath);
  let out = `restored ${undo.path} on ${node.describe()}`;
  if (undo.restartService) {
    opts.progress?.(`restarting ${undo.restartService} on ${node.describe()}`);
    await node.restartService(undo.restartService, { timeoutMs: 120_000, signal: opts.signal });
    out += `; ${undo.restartService} restarted and active`;
  }
  return out;
};

export const kubeletConfigBlock: BlockModule<KubeletConfigBlock> = {
  kind: 'kubelet-config',
  attrs: ['node'],
  mutates: true,
  describe: (block) => `kubelet-config on ${block.node}`,
  execute,
  undo: { 'restore-file': restoreFileUndo },
};
