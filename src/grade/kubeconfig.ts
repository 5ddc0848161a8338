// Each learner's checks see only their own cluster: a private kubeconfig holding just the
// learner's context (made current), its cluster and user, with relative file paths made
// absolute, and — for `--as` — kubectl's impersonation fields on the user (`as`, `as-groups`).
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { EnvironmentError } from '../errors.js';

export interface Impersonation {
  user: string;
  groups?: string[];
}

/** The kubeconfig a learner without one uses: $KUBECONFIG's first file, else ~/.kube/config. */
export function defaultKubeconfig(env: NodeJS.ProcessEnv): string {
  const first = env.KUBECONFIG?.split(delimiter).find((p) => p.trim());
  return first ?? resolve(homedir(), '.kube', 'config');
}

type Named<T> = { name: string } & T;
export interface RawConfig {
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
  contexts?: Named<{ context?: { cluster?: string; user?: string; namespace?: string } }>[];
  'current-context'?: string;
}

const CLUSTER_PATHS = ['certificate-authority'];
const USER_PATHS = ['client-certificate', 'client-key', 'tokenFile'];

function absolutize(obj: Record<string, unknown> | undefined, keys: string[], base: string): Record<string, unknown> {
  const out = { ...(obj ?? {}) };
  for (const k of keys) {
    const v = out[k];
    if (typeof v === 'string' && v && !isAbsolute(v)) out[k] = resolve(base, v);
  }
  return out;
}

/** Read and parse a kubeconfig (once per file for a whole grading: see grade.ts). */
export async function parseKubeconfig(kubeconfig: string): Promise<RawConfig> {
  if (!existsSync(kubeconfig)) {
    throw new EnvironmentError('no-kubeconfig', `kubeconfig ${kubeconfig} does not exist`, { hint: 'check the path in the roster (relative paths are relative to the roster file)' });
  }
  try {
    return (parseYaml(await readFile(kubeconfig, 'utf8')) ?? {}) as RawConfig;
  } catch (e) {
    throw new EnvironmentError('bad-kubeconfig', `kubeconfig ${kubeconfig} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, { hint: 'check the file' });
  }
}

/** The context to use in a parsed kubeconfig (the given one, else its current one), or say which are there. */
export function contextIn(config: RawConfig, kubeconfig: string, context: string | undefined): string {
  const name = context ?? config['current-context'];
  const contexts = (config.contexts ?? []).map((c) => c.name);
  if (!name) throw new EnvironmentError('no-current-context', `kubeconfig ${kubeconfig} has no current-context and no context was given`, { hint: contexts.length ? `name one of: ${contexts.join(', ')}` : 'the kubeconfig has no contexts' });
  if (!contexts.includes(name)) {
    throw new EnvironmentError('no-such-context', `context "${name}" is not in ${kubeconfig}`, { hint: contexts.length ? `known contexts: ${contexts.join(', ')}` : 'the kubeconfig has no contexts at all' });
  }
  return name;
}

/** Read a kubeconfig and find a context in it, or say which are there. */
export async function readContext(kubeconfig: string, context: string | undefined): Promise<{ config: RawConfig; context: string }> {
  const config = await parseKubeconfig(kubeconfig);
  return { config, context: contextIn(config, kubeconfig, context) };
}

/**
 * YAML of what learners of one kubeconfig share (its header, each cluster, each user with its
 * impersonation), made once per parsed kubeconfig: a grading writes a private file per learner,
 * and YAML output was about 1 ms of each.
 */
const sharedParts = new WeakMap<RawConfig, Map<string, string>>();

function part(config: RawConfig, key: string, make: () => Record<string, unknown>): string {
  let parts = sharedParts.get(config);
  if (!parts) sharedParts.set(config, (parts = new Map()));
  let text = parts.get(key);
  if (text === undefined) parts.set(key, (text = stringify(make())));
  return text;
}

/**
 * Build the private kubeconfig text for one learner from the parsed config (not changed after
 * parsing). Top-level keys are made one by one: a block mapping's entries, written one after the
 * other, are the same text as the whole mapping written at once.
 */
export function privateConfig(config: RawConfig, context: string, kubeconfigDir: string, as?: Impersonation): string {
  const ctx = config.contexts!.find((c) => c.name === context)!;
  const clusterName = ctx.context?.cluster;
  const userName = ctx.context?.user;
  const head = part(config, 'head', () => ({ apiVersion: 'v1', kind: 'Config', preferences: {} }));
  const clusters = part(config, JSON.stringify(['cluster', clusterName, kubeconfigDir]), () => {
    const cluster = config.clusters?.find((c) => c.name === clusterName);
    return { clusters: cluster ? [{ name: cluster.name, cluster: absolutize(cluster.cluster, CLUSTER_PATHS, kubeconfigDir) }] : [] };
  });
  const users = part(config, JSON.stringify(['user', userName, kubeconfigDir, as ?? null]), () => {
    const user = config.users?.find((u) => u.name === userName);
    const userFields = absolutize(user?.user, USER_PATHS, kubeconfigDir);
    if (as) {
      userFields.as = as.user;
      if (as.groups?.length) userFields['as-groups'] = as.groups;
    }
    return { users: [{ name: userName ?? 'kubelab-learner', user: userFields }] };
  });
  const rest = stringify({ contexts: [{ name: context, context: { ...ctx.context, user: userName ?? 'kubelab-learner' } }], 'current-context': context });
  return head + clusters + users + rest;
}

/** Write the learner's private kubeconfig (mode 0600) to `outPath`; returns the context used. */
export async function writePrivateKubeconfig(kubeconfig: string, context: string | undefined, outPath: string, as?: Impersonation): Promise<string> {
  const { config, context: name } = await readContext(kubeconfig, context);
  await writePrivateConfig(config, kubeconfig, name, outPath, as);
  return name;
}

/** writePrivateKubeconfig from an already parsed kubeconfig and a context known to be in it. */
export async function writePrivateConfig(config: RawConfig, kubeconfig: string, name: string, outPath: string, as?: Impersonation): Promise<void> {
  const ctx = config.contexts!.find((c) => c.name === name)!;
  if (!config.clusters?.some((c) => c.name === ctx.context?.cluster)) {
    throw new EnvironmentError('no-such-cluster', `context "${name}" in ${kubeconfig} names cluster "${ctx.context?.cluster ?? ''}", which the file does not define`, { hint: 'fix the kubeconfig' });
  }
  await writeFile(outPath, privateConfig(config, name, dirname(resolve(kubeconfig)), as), { mode: 0o600 });
}
