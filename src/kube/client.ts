// The one Kubernetes client of kubelab: loads the run's kubeconfig (never trusting the
// localhost:8080 fallback of client-node), makes the typed APIs, wraps every error.
import https from 'node:https';
import { existsSync } from 'node:fs';
import type { RequestContext } from '@kubernetes/client-node';
import type WebSocket from 'ws';
import { AuthorizationV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, Watch } from './client-node.js';
import { sharedAgent } from './agents.js';
import { EnvironmentError } from '../errors.js';
import { kubeError, KubeError } from './errors.js';

export interface KubeClientOptions {
  /** kubeconfig file; default $KUBECONFIG's first file or ~/.kube/config. */
  kubeconfigPath?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
}

/** A KubeConfig whose requests reuse kept-open connections (src/kube/agents.ts) instead of a new one each. */
class KeptConnectionsKubeConfig extends KubeConfig {
  override async applyToHTTPSOptions(opts: https.RequestOptions | WebSocket.ClientOptions): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    opts.agent = sharedAgent(opts.agent, this.getCurrentCluster()?.server);
  }
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const agent = context.getAgent();
    if (agent) context.setAgent(sharedAgent(agent, this.getCurrentCluster()?.server));
  }
}

/** Loads a kubeconfig and checks that it names a usable cluster, or says how to fix it. */
export function loadKubeConfig(opts: KubeClientOptions = {}): KubeConfig {
  const kc = new KeptConnectionsKubeConfig();
  const where = opts.kubeconfigPath ?? 'the default kubeconfig ($KUBECONFIG or ~/.kube/config)';
  if (opts.kubeconfigPath) {
    if (!existsSync(opts.kubeconfigPath)) {
      throw new EnvironmentError('no-kubeconfig', `kubeconfig ${opts.kubeconfigPath} does not exist`, {
        hint: 'create a cluster (`kind create cluster`) or point --context/KUBECONFIG at a cluster you have',
      });
    }
    try {
      kc.loadFromFile(opts.kubeconfigPath);
    } catch (e) {
      throw new EnvironmentError('bad-kubeconfig', `cannot read kubeconfig ${opts.kubeconfigPath}: ${(e as Error).message}`, { cause: e });
    }
  } else {
    try {
      kc.loadFromDefault();
    } catch (e) {
      throw new EnvironmentError('bad-kubeconfig', `cannot read ${where}: ${(e as Error).message}`, {
        hint: 'fix or unset KUBECONFIG, or pass --context NAME of a cluster you have',
        cause: e,
      });
    }
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new EnvironmentError('no-such-context', `kubeconfig context "${opts.context}" is not in ${where}`, {
        hint: known.length ? `known contexts: ${known.join(', ')}` : 'the kubeconfig has no contexts at all',
      });
    }
    kc.setCurrentContext(opts.context);
  }
  const current = kc.getCurrentContext();
  const ctx = current ? kc.getContextObject(current) : null;
  const cluster = kc.getCurrentCluster();
  // client-node's loadFromDefault() falls back to a made-up cluster at localhost:8080.
  if (!current || !ctx || !cluster || !cluster.server || current === 'loaded-context') {
    throw new EnvironmentError('no-current-context', `${where} has no usable current context`, {
      hint: 'create a cluster (`kubelab run` with a kind lab does), or select one: `kubectl config use-context NAME`, or pass --context NAME',
    });
  }
  return kc;
}

export class KubeClient {
  readonly core: CoreV1Api;
  readonly authz: AuthorizationV1Api;
  readonly objects: KubernetesObjectApi;
  constructor(readonly kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.authz = kc.makeApiClient(AuthorizationV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  static load(opts: KubeClientOptions = {}): KubeClient {
    return new KubeClient(loadKubeConfig(opts));
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  /** Runs one API call; failures become a KubeError saying `what` failed, with status and reason. */
  async call<T>(what: string, fn: () => Promise<T>, hint?: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw kubeError(what, e, hint);
    }
  }

  /** GET a raw API path (`/api/v1/nodes/x/proxy/configz`), as kubectl get --raw does. */
  async getRaw(path: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
    // Keep the API server's own path prefix, if any.
    const base = new URL(this.server);
    const fullPath = `${base.pathname.replace(/\/$/, '')}${path}`;
    const options: https.RequestOptions = { method: 'GET', hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'), port: base.port, path: fullPath, headers: {} };
    await this.kc.applyToHTTPSOptions(options);
    return new Promise((resolve, reject) => {
      const req = https.request({ ...options, signal: opts.signal, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve(body);
          else reject(kubeError(`GET ${path}`, { code, body }));
        });
        res.on('error', (e) => reject(kubeError(`GET ${path}`, e)));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 30_000} ms`)));
      req.on('error', (e) => reject(kubeError(`GET ${path}`, e)));
      req.end();
    });
  }

  watch(): Watch {
    return new Watch(this.kc);
  }
}

export { KubeError };
