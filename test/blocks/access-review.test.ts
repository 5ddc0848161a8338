import { describe, expect, it } from 'vitest';
import { canIListCommand, reviewBody, rowLabel, subjectSpec, unknownNames } from '../../src/blocks/access-review.js';
import { objectLabel } from '../../src/kube/objects.js';

describe('access-review subjects', () => {
  it('turns a service account into the user and groups the API server gives it', () => {
    expect(subjectSpec({ kind: 'serviceaccount', namespace: 'kauthz', name: 'metrics-reader' })).toEqual({
      user: 'system:serviceaccount:kauthz:metrics-reader',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kauthz', 'system:authenticated'],
    });
  });
  it('builds a SubjectAccessReview for a subresource, and for a group-qualified resource', () => {
    expect(reviewBody({ kind: 'user', user: 'alice', groups: ['dev'] }, 'get', 'nodes', 'configz').spec).toEqual({
      user: 'alice',
      groups: ['dev'],
      resourceAttributes: { verb: 'get', resource: 'nodes', group: '', subresource: 'configz' },
    });
    expect(reviewBody({ kind: 'user', user: 'a', groups: [] }, 'list', 'deployments.apps', '-').spec?.resourceAttributes).toEqual({ verb: 'list', resource: 'deployments', group: 'apps' });
  });
});

describe('objectLabel', () => {
  it('names objects as kubectl prints them', () => {
    expect(objectLabel({ apiVersion: 'v1', kind: 'Namespace', name: 'kauthz' })).toBe('namespace/kauthz');
    expect(objectLabel({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'x' })).toBe('clusterrole.rbac.authorization.k8s.io/x');
  });
});

describe('access-review: names nothing serves, the can-i hint, the namespace', () => {
  const served = { served: true, groupServed: true, verbs: new Set(['get', 'list', 'watch', 'create', 'delete', 'patch', 'update']), subresources: new Set(['status', 'proxy']) };
  it('flags a verb and a subresource the cluster does not serve, and knows the kubelet\'s subresources', () => {
    const w = unknownNames({ verb: 'gett', resource: 'nodes', rows: [{ subresource: 'metricz', allowed: false, line: 3 }, { subresource: 'metrics', allowed: false, line: 4 }, { subresource: '', allowed: false, line: 5 }] }, served);
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^verb `gett` is not one the API server knows for nodes/);
    expect(w[1]).toMatch(/^subresource `nodes\/metricz` is not served/);
    expect(unknownNames({ verb: 'get', resource: 'nodes', rows: [{ subresource: 'configz', allowed: true, line: 3 }] }, served)).toEqual([]);
  });
  it('says when the resource or its group is not served at all', () => {
    expect(unknownNames({ verb: 'get', resource: 'nodez', rows: [] }, { ...served, served: false })[0]).toMatch(/^resource `nodez` is not served/);
    expect(unknownNames({ verb: 'get', resource: 'widgets.example.com', rows: [] }, { ...served, served: false, groupServed: false })[0]).toMatch(/^API group `example.com` is not served/);
  });
  it('the hint lists what the subject may do with its groups and namespace', () => {
    expect(canIListCommand({ kind: 'user', user: 'alice', groups: ['dev', 'ops'] }, 'team')).toBe('kubectl auth can-i --list --as=alice --as-group=dev --as-group=ops -n team');
    expect(canIListCommand({ kind: 'serviceaccount', namespace: 'kauthz', name: 'r' })).toBe('kubectl auth can-i --list --as=system:serviceaccount:kauthz:r');
  });
  it('a namespaced review carries the namespace; `-` is shown as `-`', () => {
    expect(reviewBody({ kind: 'user', user: 'a', groups: [] }, 'get', 'pods', '', 'team').spec?.resourceAttributes).toEqual({ verb: 'get', resource: 'pods', group: '', namespace: 'team' });
    expect(rowLabel('')).toBe('-');
    expect(rowLabel('log')).toBe('log');
  });
});
