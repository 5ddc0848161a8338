// Node readiness, watched (not polled with sleeps): list once, then follow the watch from the
// list's resourceVersion until every node the caller waits for is Ready.
import type { V1Node } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeError } from './errors.js';
import type { KubeClient } from './client.js';

export function isNodeReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** `Ready=False (KubeletNotReady: container runtime network not ready)` for messages. */
export function describeReadiness(node: V1Node): string {
  const c = node.status?.conditions?.find((x) => x.type === 'Ready');
  if (!c) return 'no Ready condition yet';
  return `Ready=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`;
}

export interface WaitNodesOptions {
  /** Wait for these nodes only (default: all). */
  names?: string[];
  /** Wait until at least this many nodes exist (a cluster still joining its workers). */
  minCount?: number;
  /** Only a Ready condition whose lastHeartbeatTime is at or after this counts (a restarted kubelet). */
  heartbeatAfter?: Date;
  timeoutMs: number;
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

export async function waitForNodesReady(client: KubeClient, opts: WaitNodesOptions): Promise<V1Node[]> {
  const nodes = new Map<string, V1Node>();
  const wanted = () => (opts.names ? opts.names.map((n) => nodes.get(n)).filter((n): n is V1Node => !!n) : [...nodes.values()]);
  const ready = (n: V1Node) => {
    if (!isNodeReady(n)) return false;
    if (!opts.heartbeatAfter) return true;
    const c = n.status?.conditions?.find((x) => x.type === 'Ready');
    const t = c?.lastHeartbeatTime ?? c?.lastTransitionTime;
    // Heartbeats have second precision.
    return !!t && new Date(t).getTime() >= Math.floor(opts.heartbeatAfter.getTime() / 1000) * 1000;
  };
  const done = () => {
    const w = wanted();
    const need = opts.names ? opts.names.length : Math.max(opts.minCount ?? 1, 1);
    return w.length >= need && w.every(ready);
  };
  const summary = () =>
    [...nodes.values()].map((n) => `${n.metadata?.name}: ${ready(n) ? 'Ready' : describeReadiness(n)}`).join('; ') || 'no nodes yet';

  const deadline = Date.now() + opts.timeoutMs;
  let lastReported = '';
  while (Date.now() < deadline) {
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    const list = await client.call('listing nodes', () => client.core.listNode());
    nodes.clear();
    for (const n of list.items) if (n.metadata?.name) nodes.set(n.metadata.name, n);
    if (done()) return wanted();
    const now = summary();
    if (now !== lastReported) opts.progress?.(`waiting for nodes: ${now}`);
    lastReported = now;

    // Follow the watch until done, the watch ends (the server closes watches after a while),
    // the timeout or an abort.
    const result = await new Promise<'done' | 'ended' | 'timeout' | 'aborted'>((resolve) => {
      let controller: AbortController | undefined;
      let settled = false;
      const finish = (r: 'done' | 'ended' | 'timeout' | 'aborted') => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        controller?.abort();
        resolve(r);
      };
      const timer = setTimeout(() => finish('timeout'), Math.max(deadline - Date.now(), 0));
      const onAbort = () => finish('aborted');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      client
        .watch()
        .watch(
          '/api/v1/nodes',
          { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
          (phase, obj: V1Node) => {
            const name = obj?.metadata?.name;
            if (!name || phase === 'BOOKMARK') return;
            if (phase === 'DELETED') nodes.delete(name);
            else nodes.set(name, obj);
            const s = summary();
            if (s !== lastReported) opts.progress?.(`waiting for nodes: ${s}`);
            lastReported = s;
            if (done()) finish('done');
          },
          () => finish('ended'),
        )
        .then(
          (c) => {
            controller = c;
            if (settled) c.abort();
          },
          () => finish('ended'),
        );
    });
    if (result === 'done') return wanted();
    if (result === 'aborted') throw abortReason(opts.signal!);
    if (result === 'timeout') break;
    // 'ended': list again and watch again (a short pause so a refused watch does not spin; an
    // abort ends it at once).
    await sleep(Math.min(500, Math.max(deadline - Date.now(), 0)), undefined, { signal: opts.signal }).catch(() => undefined);
  }
  throw new KubeError('nodes-not-ready', `nodes not Ready within ${Math.round(opts.timeoutMs / 1000)} s: ${summary()}`, {
    hint: 'look at the kubelet: `kubectl describe node NAME`, or `journalctl -u kubelet` on the node',
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(`aborted (${String(signal.reason)})`);
}
