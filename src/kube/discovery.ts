// What the API server serves for one resource, from discovery (`/api/v1`, `/apis/GROUP/VERSION`):
// whether it knows the resource, its verbs and its subresources. access-review uses it to flag a
// verb or subresource nobody serves (`gett`, `nodes/metricz`), which would otherwise simply pass
// as `no`.
import type { KubeClient } from './client.js';

export interface ServedResource {
  /** The resource is served (in the group's preferred version). */
  served: boolean;
  /** The API group was found at all. */
  groupServed: boolean;
  verbs: ReadonlySet<string>;
  subresources: ReadonlySet<string>;
}

interface ResourceList {
  resources?: { name?: string; verbs?: string[] }[];
}

/** Discovery of `resource` in `group` ('' for the core group); undefined when discovery cannot be read. */
export async function discoverResource(client: KubeClient, resource: string, group: string, signal?: AbortSignal): Promise<ServedResource | undefined> {
  const none: ServedResource = { served: false, groupServed: false, verbs: new Set(), subresources: new Set() };
  let listPath = '/api/v1';
  try {
    if (group) {
      const g = JSON.parse(await client.getRaw(`/apis/${group}`, { timeoutMs: 10_000, signal })) as { preferredVersion?: { groupVersion?: string } };
      const gv = g.preferredVersion?.groupVersion;
      if (!gv) return none;
      listPath = `/apis/${gv}`;
    }
  } catch (e) {
    if ((e as { status?: number }).status === 404) return none;
    return undefined;
  }
  let list: ResourceList;
  try {
    list = JSON.parse(await client.getRaw(listPath, { timeoutMs: 10_000, signal })) as ResourceList;
  } catch {
    return undefined;
  }
  const verbs = new Set<string>();
  const subresources = new Set<string>();
  let served = false;
  for (const r of list.resources ?? []) {
    if (!r.name) continue;
    if (r.name === resource) {
      served = true;
      for (const v of r.verbs ?? []) verbs.add(v);
    } else if (r.name.startsWith(`${resource}/`)) {
      subresources.add(r.name.slice(resource.length + 1));
      for (const v of r.verbs ?? []) verbs.add(v);
    }
  }
  return { served, groupServed: true, verbs, subresources };
}
