import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { kubeError, parseApiError } from '../../src/kube/errors.js';

const forbidden = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'nodes "x" is forbidden: User "alice" cannot get resource "nodes"',
  reason: 'Forbidden',
  code: 403,
});

describe('kubeError', () => {
  it('shows status, reason and the V1Status message, never the headers of ApiException.message', () => {
    const e = new ApiException(403, 'HTTP-Code: 403 Message: Unknown API Status Code! Headers: {"audit-id":"secret-ish"}', forbidden, { 'audit-id': 'secret-ish' });
    const k = kubeError('reading Node x', e);
    expect(k.message).toBe('reading Node x failed: HTTP 403 Forbidden: nodes "x" is forbidden: User "alice" cannot get resource "nodes"');
    expect(k.message).not.toContain('audit-id');
    expect(k.status).toBe(403);
    expect(k.reason).toBe('Forbidden');
    expect(k.hint).toMatch(/RBAC/);
  });
  it('reads an already parsed body and a non-JSON body', () => {
    expect(parseApiError({ code: 404, body: { reason: 'NotFound', message: 'x not found' } })).toEqual({ status: 404, reason: 'NotFound', message: 'x not found' });
    expect(parseApiError({ code: 502, body: 'Bad Gateway\n' })).toEqual({ status: 502, message: 'Bad Gateway' });
  });
  it('names network errors and hints that the cluster may be down', () => {
    const e = Object.assign(new Error('connect failed'), { cause: { code: 'ECONNREFUSED' } });
    const k = kubeError('listing nodes', e);
    expect(k.message).toBe('listing nodes failed: no answer: connect failed (ECONNREFUSED)');
    expect(k.code).toBe('kube-unreachable');
    expect(k.hint).toMatch(/cluster running/);
  });
});
