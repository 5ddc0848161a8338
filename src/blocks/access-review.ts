// ```access-review { as=... verb=get resource=nodes }```: one SubjectAccessReview per row
// (`metrics yes`), the answers printed as `kubectl auth can-i` would, differing rows failing.
// `namespace=` checks access in a namespace (a Role there can grant it). A verb or subresource the
// cluster does not serve is warned about: its review always answers `no`.
import type { V1SubjectAccessReview } from '@kubernetes/client-node';
import type { ExecContext, ExecOutcome } from '../engine/types.js';
import type { AccessReviewBlock, AccessSubject } from '../lab/model.js';
import type { ServedResource } from '../kube/discovery.js';
import { API_VERBS, KUBELET_SUBRESOURCES, SPECIAL_VERBS } from '../lab/rbac-names.js';
import type { BlockModule } from './types.js';
import { clientFor, outcome, requireCluster } from './cluster-context.js';

/** The SubjectAccessReview spec subject: a service account is the user the API server sees. */
export function subjectSpec(subject: AccessSubject): { user: string; groups: string[] } {
  switch (subject.kind) {
    case 'serviceaccount':
      return {
        user: `system:serviceaccount:${subject.namespace}:${subject.name}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${subject.namespace}`, 'system:authenticated'],
      };
    case 'user':
      return { user: subject.user, groups: subject.groups };
  }
}

export function reviewBody(subject: AccessSubject, verb: string, resource: string, subresource: string, namespace?: string): V1SubjectAccessReview {
  const [res, group] = splitResource(resource);
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      ...subjectSpec(subject),
      resourceAttributes: { verb, resource: res, group, ...(namespace ? { namespace } : {}), ...(subresource && subresource !== '-' ? { subresource } : {}) },
    },
  };
}

/** `deployments.apps` -> [deployments, apps]; `nodes` -> [nodes, ''] */
export function splitResource(resource: string): [string, string] {
  const dot = resource.indexOf('.');
  return dot > 0 ? [resource.slice(0, dot), resource.slice(dot + 1)] : [resource, ''];
}

/** A row's subresource as written: `-` is the resource itself. */
export const rowLabel = (subresource: string): string => subresource || '-';

/**
 * Names in the block that nothing serves, given discovery of its resource: such a review always
 * answers `no`, so a misspelling would pass a `no` row silently.
 */
export function unknownNames(block: Pick<AccessReviewBlock, 'verb' | 'resource' | 'rows'>, served: ServedResource): string[] {
  const [res, group] = splitResource(block.resource);
  const warnings: string[] = [];
  if (!served.groupServed) return [`API group \`${group}\` is not served by this cluster: every answer about \`${block.resource}\` is no`];
  if (!served.served) return [`resource \`${block.resource}\` is not served by this cluster: every answer is no`];
  const verbs = new Set([...API_VERBS, ...SPECIAL_VERBS, ...served.verbs]);
  if (!verbs.has(block.verb)) warnings.push(`verb \`${block.verb}\` is not one the API server knows for ${res} (${[...served.verbs].join(', ') || API_VERBS.join(', ')}): every answer is no`);
  const subresources = new Set([...served.subresources, ...(res === 'nodes' && group === '' ? KUBELET_SUBRESOURCES : [])]);
  for (const row of block.rows) {
    if (row.subresource && !subresources.has(row.subresource)) {
      warnings.push(`subresource \`${res}/${row.subresource}\` is not served (known: ${[...subresources].sort().join(', ') || 'none'}): its answer is always no`);
    }
  }
  return warnings;
}

/** The kubectl command that lists what the subject may do, with its groups and namespace. */
export function canIListCommand(subject: AccessSubject, namespace?: string): string {
  const spec = subjectSpec(subject);
  const groups = subject.kind === 'user' ? spec.groups.map((g) => ` --as-group=${g}`).join('') : '';
  return `kubectl auth can-i --list --as=${spec.user}${groups}${namespace ? ` -n ${namespace}` : ''}`;
}

async function execute(block: AccessReviewBlock, ctx: ExecContext): Promise<ExecOutcome> {
  const started = Date.now();
  const client = await clientFor(requireCluster(ctx, block));
  const who = subjectSpec(block.subject).user;
  const namespace = block.attrs.namespace;
  const where = namespace ? ` in ${namespace}` : '';
  const labels = block.rows.map((r) => rowLabel(r.subresource));
  const command = `access-review ${block.verb} ${block.resource}${where} as ${who}: ${labels.join(' ')}`;
  const width = Math.max(...labels.map((l) => l.length));
  const lines: string[] = [];
  const differ: string[] = [];
  // Names nothing serves are flagged (discovery runs beside the reviews).
  const { discoverResource } = await import('../kube/discovery.js');
  const [res, group] = splitResource(block.resource);
  const discovery = discoverResource(client, res, group, ctx.signal).catch(() => undefined);
  for (const [i, row] of block.rows.entries()) {
    const body = reviewBody(block.subject, block.verb, block.resource, row.subresource, namespace);
    const res = await client.call(`SubjectAccessReview of ${block.verb} ${block.resource}/${labels[i]}${where} as ${who}`, () => client.authz.createSubjectAccessReview({ body }));
    const allowed = res.status?.allowed === true;
    const why = res.status?.reason || res.status?.evaluationError || '';
    const line = `${labels[i]!.padEnd(width)} ${allowed ? 'yes' : 'no'}`;
    lines.push(line);
    ctx.onOutput?.('stdout', `${line}\n`);
    if (allowed !== row.allowed) {
      differ.push(`${labels[i]}: expected ${row.allowed ? 'yes' : 'no'}, got ${allowed ? 'yes' : 'no'}${why ? ` (${why})` : ''} (${block.pos.file}:${row.line})`);
    }
  }
  const served = await discovery;
  const warnings = served ? unknownNames(block, served).map((w) => `warning: ${w} (${block.pos.file}:${block.pos.line})`) : [];
  for (const w of warnings) {
    ctx.onOutput?.('stderr', `${w}\n`);
    ctx.progress(w);
  }
  const stdout = lines.join('\n') + '\n';
  const stderr = warnings.map((w) => `${w}\n`).join('');
  const expected = block.rows.map((r, i) => `${labels[i]!.padEnd(width)} ${r.allowed ? 'yes' : 'no'}`).join('\n') + '\n';
  const fields = { command, output: stdout + stderr, stdout, stderr, expected };
  if (differ.length) {
    return outcome(started, {
      status: 'failed',
      ...fields,
      message: `${differ.length} of ${block.rows.length} answers differ: ${differ.join('; ')}${warnings.length ? `; ${warnings.join('; ')}` : ''}`,
      hint: `check the RBAC objects this subject is bound to: ${canIListCommand(block.subject, namespace)}`,
    });
  }
  return outcome(started, { status: 'passed', ...fields });
}

export const accessReviewBlock: BlockModule<AccessReviewBlock> = {
  kind: 'access-review',
  attrs: ['as', 'verb', 'resource', 'groups', 'namespace'],
  mutates: false,
  describe: (block) => `access-review ${block.verb} ${block.resource}${block.attrs.namespace ? ` in ${block.attrs.namespace}` : ''} (${block.rows.length} row(s))`,
  execute,
};
