import { describe, expect, it } from 'vitest';
import { reviewBody, subjectSpec } from '../../src/blocks/access-review.js';
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
