// ```kubelet-config { node=worker }```: merge YAML into a node's kubelet config, restart the
// kubelet, and check that its new process came back with the new values; roll back by itself when
// not. Its undo kind `restore-file` puts a node file's backup back (and restarts the service).
import type { ExecContext, ExecOutcome } from '../engine/types.js';
import type { KubeletConfigBlock } from '../lab/model.js';
import type { NodeAccess, ReadyProbe } from '../node/types.js';
import type { Undo } from '../model/undo.js';
import type { KubeClient } from '../kube/client.js';
import type { BlockModule, UndoHandler } from './types.js';
import { clientFor, outcome, requireCluster } from './cluster-context.js';
import { formatDuration } from '../format.js';

export const KUBELET_CONFIG_PATH = '/var/lib/kubelet/config.yaml';
export const KUBELET_UNIT = 'kubelet';
const JOURNAL_LINES = 20;
/** A rollback or an undo gets this long for the kubelet to come back with the old config. */
const RESTORE_TIMEOUT_MS = 120_000;
/** The kubelet's own line for a field it does not know (it then decodes leniently and runs on). */
const STRICT_DECODING = /strict decoding error|unknown field/i;
/** The kubelet's last line before it exits at start (e.g. a value out of range). */
const COMMAND_FAILED = /"command failed" err=/;

/** The kubelet's journal shows it refused part of its config: `line` is the kubelet's own words. */
class KubeletRefused extends Error {
  constructor(
    readonly line: string,
    /** It exited (the config as a whole refused), rather than running on without the field. */
    readonly exited = false,
  ) {
    super(line);
  }
}

/** A restarted kubelet that died: its journal's `command failed` line ends the wait at once. */
function kubeletCrash(node: NodeAccess) {
  return async (invocationIds: string[], signal?: AbortSignal) => {
    const text = await node.journal(KUBELET_UNIT, 200, { invocationId: invocationIds, signal }).catch(() => '');
    const line = text.split('\n').find((l) => COMMAND_FAILED.test(l));
    if (line) throw new KubeletRefused(line, true);
  };
}

async function execute(block: KubeletConfigBlock, ctx: ExecContext): Promise<ExecOutcome> {
  const started = Date.now();
  const deadline = started + ctx.timeoutMs;
  const cluster = requireCluster(ctx, block);
  const node = await cluster.node(block.node);
  const client = await clientFor(cluster);
  const [{ createTwoFilesPatch }, { mergeYamlText }] = await Promise.all([import('diff'), import('../kube/config-merge.js')]);
  const command = `kubelet-config on ${node.name}: ${Object.keys(block.patch).join(', ')}`;
  const lines: string[] = [];
  let merged: string;
  const say = (l: string) => {
    lines.push(l);
    ctx.onOutput?.('stdout', `${l}\n`);
  };

  let waitingFor = `the kubelet config on ${node.name} to be read and backed up`;
  // The block's own time is up: say what was still missing, not that the kubelet failed.
  const timedOut = (config: 'unchanged' | 'changed') => {
    const message = `the block's timeout (${formatDuration(ctx.timeoutMs)}) ran out while waiting for ${waitingFor}; ${config === 'changed' ? `the new config stays on ${node.name} until cleanup puts the previous one back` : 'the config was not changed'}`;
    return outcome(started, {
      status: 'failed',
      timedOut: true,
      command,
      output: `${lines.join('\n')}\n${message}\n`,
      message,
      hint: `raise the block's timeout at ${block.pos.file}:${block.pos.line} (\`timeout=60s\`): a kubelet restart and its check take a few seconds, more on a busy machine`,
    });
  };

  let original: string;
  let owned: Awaited<ReturnType<typeof ownBackup>>;
  try {
    original = (await node.readFile(KUBELET_CONFIG_PATH)).toString('utf8');
    try {
      merged = mergeYamlText(original, block.patch);
    } catch (e) {
      return outcome(started, { status: 'failed', command, output: '', message: `${node.name}:${KUBELET_CONFIG_PATH}: ${(e as Error).message}` });
    }
    owned = await ownBackup(node, ctx, say, cluster);
  } catch (e) {
    if (ctx.signal.aborted && isTimeout(ctx.signal.reason)) return timedOut('unchanged');
    throw e;
  }
  if ('refused' in owned) {
    return outcome(started, { status: 'failed', command, output: `${owned.refused}\n`, message: owned.refused, hint: owned.hint });
  }
  const { backupPath, undoId } = owned;

  const diff = createTwoFilesPatch(KUBELET_CONFIG_PATH, KUBELET_CONFIG_PATH, original, merged, 'before', 'after', { context: 1 });
  say(`${node.name}: ${KUBELET_CONFIG_PATH} (backup ${backupPath})`);
  for (const l of diff.split('\n').filter((l) => /^[+-][^+-]/.test(l))) say(l);

  waitingFor = 'the new config to be written';
  try {
    await node.writeFileAtomic(KUBELET_CONFIG_PATH, merged);
    ctx.progress(`restarting the kubelet on ${node.name}`);
    const restart = await node.restartService(KUBELET_UNIT, {
      timeoutMs: Math.max(deadline - Date.now(), 1),
      signal: ctx.signal,
      ready: kubeletProbe(client, node, block.patch),
      onCrash: kubeletCrash(node),
      onWaiting: (what) => {
        waitingFor = what;
        ctx.progress(`waiting for ${what}`);
      },
    });
    say(`kubelet restarted on ${node.name} (pid ${restart.status.mainPid}, ready after ${formatDuration(restart.durationMs)})`);
    if (restart.how) say(restart.how);
    return outcome(started, { status: 'passed', command, output: lines.join('\n') + '\n' });
  } catch (e) {
    // Only the block's deadline ends a restart wait (its timeout is the block's remaining time).
    const outOfTime = ctx.signal.aborted ? isTimeout(ctx.signal.reason) : (e as { code?: string }).code === 'service-not-ready';
    if (ctx.signal.aborted && !outOfTime) throw e;
    if (outOfTime) return timedOut('changed');
    const journal = await node.journal(KUBELET_UNIT, JOURNAL_LINES).catch((je) => `(journal unavailable: ${(je as Error).message})`);
    const rollback = await rollBack(node, client, original, backupPath, undoId, ctx);
    const refused = e instanceof KubeletRefused ? e.line : undefined;
    const why = !refused
      ? `kubelet on ${node.name} did not come back with the new config: ${(e as Error).message}`
      : (e as KubeletRefused).exited
        ? `kubelet on ${node.name} did not come back with the new config: it exited at start: ${kubeletError(refused)}`
        : `the kubelet refused a field of the new config: ${kubeletError(refused)}`;
    const message = `${why}; ${rollback}`;
    return outcome(started, {
      status: 'failed',
      command,
      output: `${refused ? `${refused.trim()}\n` : ''}${lines.join('\n')}\n${message}\nlast ${JOURNAL_LINES} lines of the kubelet's journal:\n${journal}`,
      message,
      hint: refused && !(e as KubeletRefused).exited
        ? `an unknown or misspelt field: fix the kubelet-config block at ${block.pos.file}:${block.pos.line}`
        : `the lines above are from \`journalctl -u kubelet\` on ${node.name}; fix the kubelet-config block at ${block.pos.file}:${block.pos.line}`,
    });
  }
}

function isTimeout(reason: unknown): boolean {
  return (reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
}

/** `err="strict decoding error: unknown field \"x\""` out of a journal line, else the line. */
function kubeletError(line: string): string {
  const m = /err="((?:[^"\\]|\\.)*)"/.exec(line);
  return m ? m[1]!.replace(/\\"/g, '"') : line.trim();
}

const restoreOf = (node: NodeAccess, backupPath?: string) => {
  const ref = JSON.stringify(node.ref);
  return (u: Undo) => u.kind === 'restore-file' && u.path === KUBELET_CONFIG_PATH && JSON.stringify(u.node) === ref && (backupPath === undefined || u.backupPath === backupPath);
};

/**
 * A backup of the config that this run owns. One restore per file: the journal knows whether
 * this run (or a crashed one it continues) already made and registered it. A backup that no
 * unfinished journal of this state dir restores is not ours (a crash before its undo was
 * journaled, a hand copy, another tool): it is moved aside, never restored, and the config as it
 * is now backed up. One that another unfinished run still restores is refused.
 */
export async function ownBackup(node: NodeAccess, ctx: ExecContext, say: (l: string) => void, cluster: { kubeconfigPath: string; context?: string }): Promise<{ backupPath: string; undoId?: string } | { refused: string; hint: string }> {
  let backup = await node.backup(KUBELET_CONFIG_PATH);
  if (!backup.created) {
    if (ctx.isUndoPending(restoreOf(node, backup.backupPath))) return { backupPath: backup.backupPath };
    const other = ctx.undoPendingElsewhere?.(restoreOf(node, backup.backupPath));
    if (other) {
      return {
        refused: `${backup.backupPath} on ${node.name} belongs to an unfinished run of ${other}: its cleanup restores it; nothing was changed`,
        hint: 'run `kubelab cleanup` to finish that run first',
      };
    }
    const aside = await node.moveAside(backup.backupPath);
    const note = `${node.name}: ${backup.backupPath} was already there and no run in this state dir made it: kept it aside as ${aside}, not restored`;
    say(note);
    ctx.progress(note);
    backup = await node.backup(KUBELET_CONFIG_PATH);
    if (!backup.created) throw new Error(`${backup.backupPath} on ${node.name} came back while it was moved aside: is another run editing this node?`);
  }
  // Journaled before the config changes, with the backup's hash: the undo can tell a restore
  // that already happened from a backup that went missing.
  const undoId = await ctx.registerUndo({
    kind: 'restore-file',
    label: `restore ${KUBELET_CONFIG_PATH} on ${node.name}`,
    node: node.ref,
    path: KUBELET_CONFIG_PATH,
    backupPath: backup.backupPath,
    sha256: backup.sha256,
    restartService: KUBELET_UNIT,
    healthz: { kubeconfig: cluster.kubeconfigPath, ...(cluster.context ? { context: cluster.context } : {}), nodeName: node.name },
  });
  return { backupPath: backup.backupPath, undoId };
}

const proxy = (nodeName: string, what: string) => `/api/v1/nodes/${encodeURIComponent(nodeName)}/proxy/${what}`;

/**
 * The restarted kubelet is ready when its new process shows the new values in /configz and the
 * node is Ready. /configz is a debugging handler: `enableDebuggingHandlers: false` turns it off
 * (404), and then /healthz and the node's Ready condition are what can be checked. A field the
 * kubelet does not know does not stop it (it decodes leniently and logs `strict decoding
 * error`): its journal says so at once, which ends the wait.
 */
function kubeletProbe(client: KubeClient, node: NodeAccess, patch: Record<string, unknown>): ReadyProbe {
  const looked = new Set<string>();
  const refusal = async (invocationId: string, signal?: AbortSignal) => {
    if (!invocationId || looked.has(invocationId)) return;
    looked.add(invocationId);
    const text = await node.journal(KUBELET_UNIT, 500, { invocationId, signal }).catch(() => '');
    const line = text.split('\n').find((l) => STRICT_DECODING.test(l));
    if (line) throw new KubeletRefused(line);
  };
  const nodeReady = async (): Promise<string | undefined> => {
    const { isNodeReady, describeReadiness } = await import('../kube/nodes.js');
    const n = await client.call(`reading node ${node.name}`, () => client.core.readNode({ name: node.name }));
    return isNodeReady(n) ? undefined : `node ${node.name} to be Ready (${describeReadiness(n)})`;
  };
  return async (status, signal) => {
    const { configMismatches } = await import('../kube/config-merge.js');
    let body: { kubeletconfig?: unknown };
    try {
      body = JSON.parse(await client.getRaw(proxy(node.name, 'configz'), { signal, timeoutMs: 5_000 }));
    } catch (e) {
      if ((e as { status?: number }).status !== 404) return { ready: false, waitingFor: `the kubelet on ${node.name} to answer /configz (${(e as Error).message})` };
      await refusal(status.invocationId, signal);
      try {
        await client.getRaw(proxy(node.name, 'healthz'), { signal, timeoutMs: 5_000 });
      } catch (he) {
        return { ready: false, waitingFor: `the kubelet on ${node.name} to answer /healthz (${(he as Error).message})` };
      }
      const notReady = await nodeReady();
      if (notReady) return { ready: false, waitingFor: notReady };
      return {
        ready: true,
        how: `/configz is not served (404: \`enableDebuggingHandlers: false\` turns it off), so the new values cannot be read back: checked instead that the kubelet runs (pid ${status.mainPid}), answers /healthz and ${node.name} is Ready`,
      };
    }
    const mismatches = configMismatches(patch, body.kubeletconfig);
    if (mismatches.length) {
      await refusal(status.invocationId, signal);
      return { ready: false, waitingFor: `/configz on ${node.name} to show ${mismatches.join('; ')}` };
    }
    const notReady = await nodeReady();
    if (notReady) return { ready: false, waitingFor: notReady };
    return { ready: true, how: `configz on ${node.name} shows ${Object.keys(patch).join(', ')}; ${node.name} is Ready` };
  };
}

/**
 * The kubelet answers /healthz through the API server (it came back, whatever its config). When
 * the API server itself does not answer (no HTTP status at all), the kubelet's process staying up
 * for a second has to do, as it does for a restart without a probe.
 */
function healthzProbe(client: KubeClient, nodeName: string): ReadyProbe {
  let seen: { pid: number; at: number } | undefined;
  return async (status, signal) => {
    if (seen?.pid !== status.mainPid) seen = { pid: status.mainPid, at: Date.now() };
    try {
      await client.getRaw(proxy(nodeName, 'healthz'), { signal, timeoutMs: 5_000 });
      return { ready: true };
    } catch (e) {
      if ((e as { status?: number }).status === undefined && Date.now() - seen.at >= 1_000) {
        return { ready: true, how: `the API server does not answer (${(e as Error).message}): the kubelet stayed up 1 s` };
      }
      return { ready: false, waitingFor: `the kubelet on ${nodeName} to answer /healthz (${(e as Error).message})` };
    }
  };
}

/**
 * Puts the config back as it was before this block and restarts the kubelet. When this block
 * made the backup, the backup itself is moved back and, once the kubelet runs on it, its undo is
 * dropped (nothing left to do).
 */
async function rollBack(node: NodeAccess, client: KubeClient, original: string, backupPath: string, undoId: string | undefined, ctx: ExecContext): Promise<string> {
  try {
    if (undoId) await node.restoreBackup(KUBELET_CONFIG_PATH, backupPath);
    else await node.writeFileAtomic(KUBELET_CONFIG_PATH, original);
    await node.restartService(KUBELET_UNIT, { timeoutMs: RESTORE_TIMEOUT_MS, ready: healthzProbe(client, node.name) });
    // Dropped only once the kubelet runs the old config again: a crash before this leaves the undo,
    // which finds the backup already moved back and restarts the kubelet.
    if (undoId) await ctx.dropUndo(undoId);
    return `the previous config was restored and the kubelet restarted`;
  } catch (e) {
    return `ROLLING BACK FAILED too (${(e as Error).message}): cleanup will try again`;
  }
}

/**
 * Puts a node file's backup back, then restarts the service that reads it. Idempotent: when the
 * backup was already moved back (an interrupt after it), the file holding the recorded bytes
 * counts as restored, and the service is restarted all the same.
 */
export const restoreFileUndo: UndoHandler<Extract<Undo, { kind: 'restore-file' }>> = async (undo, opts) => {
  const { nodeFromRef } = await import('../node/from-ref.js');
  const node = nodeFromRef(undo.node, undefined, opts.tools);
  const done = await node.restoreBackup(undo.path, undo.backupPath, { sha256: undo.sha256 });
  let out = `restored ${undo.path} on ${node.describe()}`;
  if (done === 'already-restored') {
    out = `${undo.path} on ${node.describe()} already holds the backed-up bytes (the backup was moved back before)`;
    opts.progress?.(out);
  }
  if (undo.restartService) {
    opts.progress?.(`restarting ${undo.restartService} on ${node.describe()}`);
    await node.restartService(undo.restartService, { timeoutMs: RESTORE_TIMEOUT_MS, signal: opts.signal, ready: await undoProbe(undo) });
    out += `; ${undo.restartService} restarted and active`;
  }
  return out;
};

/** The kubelet's /healthz when the undo knows the cluster (and its kubeconfig still loads), else none. */
async function undoProbe(undo: Extract<Undo, { kind: 'restore-file' }>): Promise<ReadyProbe | undefined> {
  if (!undo.healthz) return undefined;
  try {
    const { KubeClient } = await import('../kube/client.js');
    return healthzProbe(KubeClient.load({ kubeconfigPath: undo.healthz.kubeconfig, context: undo.healthz.context }), undo.healthz.nodeName);
  } catch {
    return undefined;
  }
}

export const kubeletConfigBlock: BlockModule<KubeletConfigBlock> = {
  kind: 'kubelet-config',
  attrs: ['node'],
  mutates: true,
  describe: (block) => `kubelet-config on ${block.node}`,
  execute,
  undo: { 'restore-file': restoreFileUndo },
};
