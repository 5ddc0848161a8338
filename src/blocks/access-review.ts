// ```access-review { as=... verb=get resource=nodes }```: one SubjectAccessReview per row
// (`metrics yes`), the answers printed as `kubectl auth can-i` would, differing rows failing.
import type { V1SubjectAccessReview } from '@kubernetes/client-node';
import type { ExecContext, ExecOutcome } from '../engine/types.js';
import type { AccessReviewBlock, AccessSubject } from '../lab/model.js';
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

export function reviewBody(subject: AccessSubject, verb: string, resource: string, subresource: string): V1SubjectAccessReview {
  const [res, group] = splitResource(resource);
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      ...subjectSpec(subject),
      resourceAttributes: { verb, resource: res, group, ...(subresource && subresource !== '-' ? { subresource } : {}) },
    },
  };
}

/** `deployments.apps` -> [deployments, apps]; `nodes` -> [nodes, ''] */
function splitResource(resource: string): [string, string] {
  const dot = resource.indexOf('.');
  return dot > 0 ? [resource.slice(0, dot), resource.slice(dot + 1)] : [resource, ''];
}

async function execute(block: AccessReviewBlock, ctx: ExecContext): Promise<ExecOutcome> {
  const started = Date.now();
  const client = await clientFor(requireCluster(ctx, block));
  const who = subjectSpec(block.subject).user;
  const command = `access-review ${block.verb} ${block.resource} as ${who}: ${block.rows.map((r) => r.subresource).join(' ')}`;
  const width = Math.max(...block.rows.map((r) => r.subresource.length));
  const lines: string[] = [];
  const differ: string[] = [];
  for (const row of block.rows) {
    const body = reviewBody(block.subject, block.verb, block.resource, row.subresource);
    const res = await client.call(`SubjectAccessReview of ${block.verb} ${block.resource}/${row.subresource} as ${who}`, () => client.authz.createSubjectAccessReview({ body }));
    const allowed = res.status?.allowed === true;
    const why = res.status?.reason || res.status?.evaluationError || '';
    const line = `${row.subresource.padEnd(width)} ${allowed ? 'yes' : 'no'}`;
    lines.push(line);
    ctx.onOutput?.('stdout', `${line}\n`);
    if (allowed !== row.allowed) {
      differ.push(`${row.subresource}: expected ${row.allowed ? 'yes' : 'no'}, got ${allowed ? 'yes' : 'no'}${why ? ` (${why})` : ''} (${block.pos.file}:${row.line})`);
    }
  }
  const output = lines.join('\n') + '\n';
  const expected = block.rows.map((r) => `${r.subresource.padEnd(width)} ${r.allowed ? 'yes' : 'no'}`).join('\n') + '\n';
  if (differ.length) {
    return outcome(started, {
      status: 'failed',
      command,
      output,
      expected,
      message: `${differ.length} of ${block.rows.length} answers differ: ${differ.join('; ')}`,
      hint: `check the RBAC objects this subject is bound to: kubectl auth can-i --list --as=${who}`,
    });
  }
  return outcome(started, { status: 'passed', command, output, expected });
}

export const accessReviewBlock: BlockModule<AccessReviewBlock> = {
  kind: 'access-review',
  attrs: ['as', 'verb', 'resource', 'groups'],
  mutates: false,
  describe: (block) => `access-review ${block.verb} ${block.resource} (${block.rows.length} row(s))`,
  execute,
};
