// Generic objects: server-side apply, existence checks, deletes that wait for namespaces to go.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { KubernetesObjectApi, PatchStrategy } from './client-node.js';
import type { ObjectRef } from '../engine/types.js';
import type { KubeClient } from './client.js';
import { KubeError, kubeError, parseApiError } from './errors.js';

/** client-node's (unexported) action names of specUriPath. */
type KubernetesApiAction = 'create' | 'delete' | 'patch' | 'read' | 'list' | 'replace';

export const FIELD_MANAGER = 'kubelab';

/** KubernetesObjectApi that also says whether a kind is namespaced (its discovery is protected). */
export class ObjectApi extends KubernetesObjectApi {
  static forConfig(kc: KubeConfig): ObjectApi {
    const api = kc.makeApiClient(ObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    const r = await this.resource(apiVersion, kind);
    if (!r) throw new Error(`the cluster does not know ${kind} in ${apiVersion}`);
    return r.namespaced;
  }
  get namespace(): string {
    return this.defaultNamespace;
  }
  /**
   * The client lowercases the whole request path, names included, so `advk-Upper` was asked for
   * as `advk-upper` (a different object, or a name/URL mismatch on apply). Names and namespaces
   * keep their case here, as kubectl sends them; the API server judges whether they are valid.
   */
  protected override async specUriPath(spec: KubernetesObject, action: KubernetesApiAction): Promise<string> {
    const parts = (await super.specUriPath(spec, action)).split('/');
    const resource = await this.resource(spec.apiVersion ?? 'v1', spec.kind!);
    const at = this.apiVersionPath(spec.apiVersion ?? 'v1').split('/').length;
    const { name, namespace } = spec.metadata ?? {};
    if (resource?.namespaced && namespace && parts[at] === 'namespaces') parts[at + 1] = encodeURIComponent(namespace);
    if (action !== 'create' && action !== 'list' && name) parts[parts.length - 1] = encodeURIComponent(name);
    return parts.join('/');
  }
}

/** `clusterrole.rbac.authorization.k8s.io/name`, as kubectl names objects. */
export function objectLabel(ref: ObjectRef): string {
  const slash = ref.apiVersion.indexOf('/');
  const group = slash > 0 ? ref.apiVersion.slice(0, slash) : '';
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function header(ref: ObjectRef): KubernetesObject & { metadata: { name: string; namespace?: string } } {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
}

/** The object's reference, with the namespace filled in for namespaced kinds. */
export async function refOf(api: ObjectApi, obj: Record<string, unknown>): Promise<ObjectRef> {
  const apiVersion = obj.apiVersion;
  const kind = obj.kind;
  const meta = (obj.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof meta.name !== 'string' || !meta.name) {
    throw new Error('every document needs apiVersion, kind and metadata.name');
  }
  let namespaced: boolean;
  try {
    namespaced = await api.isNamespaced(apiVersion, kind);
  } catch (e) {
    throw kubeError(`looking up ${kind} (${apiVersion})`, e, 'check apiVersion and kind: `kubectl api-resources` lists what the cluster serves');
  }
  const ref: ObjectRef = { apiVersion, kind, name: meta.name };
  if (namespaced) ref.namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : api.namespace;
  return ref;
}

export async function objectExists(api: ObjectApi, ref: ObjectRef): Promise<boolean> {
  try {
    await api.read(header(ref));
    return true;
  } catch (e) {
    if (parseApiError(e).status === 404) return false;
    throw kubeError(`reading ${describeRef(ref)}`, e);
  }
}

export async function serverSideApply(api: ObjectApi, obj: Record<string, unknown>, ref: ObjectRef): Promise<void> {
  const body = { ...obj, metadata: { ...(obj.metadata as object), ...(ref.namespace ? { namespace: ref.namespace } : {}) } } as KubernetesObject;
  try {
    await api.patch(body, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  } catch (e) {
    throw kubeError(`applying ${describeRef(ref)}`, e);
  }
}

/**
 * Deletes objects in the given order; a missing one is fine. Then waits (watching the clock, up
 * to timeoutMs) until every deleted Namespace is gone, so a next run can create it again.
 */
export async function deleteObjects(client: KubeClient, refs: ObjectRef[], opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string[]> {
  const api = ObjectApi.forConfig(client.kc);
  const lines: string[] = [];
  const failures: string[] = [];
  const waitFor: ObjectRef[] = [];
  for (const ref of refs) {
    try {
      await api.delete(header(ref), undefined, undefined, undefined, undefined, 'Background');
      lines.push(`${objectLabel(ref)} deleted`);
      if (ref.kind === 'Namespace') waitFor.push(ref);
    } catch (e) {
      if (parseApiError(e).status === 404) lines.push(`${objectLabel(ref)} already gone`);
      else failures.push(kubeError(`deleting ${describeRef(ref)}`, e).message);
    }
  }
  // Every namespace is polled at once, every 200 ms: the wait ends as the last one is gone.
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  await Promise.all(
    waitFor.map(async (ref) => {
      while (await objectExists(api, ref)) {
        if (Date.now() > deadline || opts.signal?.aborted) {
          failures.push(`${describeRef(ref)} is still terminating`);
          return;
        }
        await sleep(200, undefined, opts.signal ? { signal: opts.signal } : undefined).catch(() => undefined);
      }
    }),
  );
  if (failures.length) throw new KubeError('delete-failed', failures.join('; '), { hint: 'delete them by hand with kubectl delete, then re-run' });
  return lines;
}
