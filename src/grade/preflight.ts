// Before running a learner's checks: is their kubeconfig there, does it have the context, does
// the API server answer? Each failure is an EnvironmentError that becomes the learner's error
// row; a quick /version call keeps an unreachable cluster from costing every check a timeout.
import { EnvironmentError, KubelabError } from '../errors.js';
import { KubeClient } from '../kube/client.js';
import { parseApiError } from '../kube/errors.js';

export async function checkReachable(kubeconfig: string, context: string, timeoutMs: number): Promise<void> {
  let client: KubeClient;
  try {
    client = KubeClient.load({ kubeconfigPath: kubeconfig, context });
  } catch (e) {
    if (e instanceof KubelabError) throw e;
    throw new EnvironmentError('bad-kubeconfig', `cannot use context "${context}" of ${kubeconfig}: ${(e as Error).message}`);
  }
  const server = client.server;
  try {
    await client.getRaw('/version', { timeoutMs });
  } catch (e) {
    const p = parseApiError((e as { cause?: unknown }).cause ?? e);
    // An answer of any HTTP status means the server is up (e.g. 401/403 for /version is rare but not "unreachable").
    if ((e as { status?: number }).status) return;
    throw new EnvironmentError('unreachable', `the API server of context "${context}" (${server}) did not answer within ${timeoutMs} ms: ${p.message ?? (e as Error).message}`, {
      hint: 'is the learner\'s cluster running? check with `kubectl --context ' + context + ' cluster-info`',
      cause: e,
    });
  }
}
