import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/engine/redact.js';

const r = () => new Redactor();

describe('Redactor', () => {
  it('redacts JWT-like tokens anywhere in a line', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.Zm9vYmFyYmF6cXV4cXV1eA';
    expect(r().redact(`token is ${jwt}, done`)).toBe('token is [REDACTED], done');
  });

  it('redacts kubeconfig credentials and token fields, keeps the keys', () => {
    const kubeconfig = ['users:', '- name: admin', '  user:', '    client-certificate-data: LS0tLS1CRUdJTi', '    client-key-data: LS0tLS1CRUdJTiBSU0E=', '    token: abcdef123456', 'current-context: kind'].join('\n');
    const out = r().redact(kubeconfig);
    expect(out).toContain('client-certificate-data: [REDACTED]');
    expect(out).toContain('client-key-data: [REDACTED]');
    expect(out).toContain('token: [REDACTED]');
    expect(out).toContain('current-context: kind');
    expect(out).not.toContain('abcdef123456');
    expect(r().redact('{"token":"s3cr3t-value","kind":"x"}')).toBe('{"token":"[REDACTED]","kind":"x"}');
  });

  it('redacts Authorization headers and --token flags', () => {
    expect(r().redact('> Authorization: Bearer abc.def-123')).toBe('> Authorization: Bearer [REDACTED]');
    expect(r().redact('kubectl --token=abc123 get pods')).toBe('kubectl --token=[REDACTED] get pods');
  });

  it('keeps the shell quotes around a redacted header or flag value', () => {
    const r = new Redactor();
    expect(r.redact('curl -H "Authorization: Bearer abc.def-123" "https://10.0.0.2:10250/metrics"')).toBe(
      'curl -H "Authorization: Bearer [REDACTED]" "https://10.0.0.2:10250/metrics"',
    );
    expect(r.redact("kubectl --token='s3cr3t-value' get pods")).toBe("kubectl --token='[REDACTED]' get pods");
  });

  it('redacts PEM private keys, also cut-off ones, and keeps certificates', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----';
    expect(r().redact(`before\n${key}\nafter`)).toBe('before\n-----BEGIN RSA PRIVATE KEY-----\n[REDACTED]\n-----END RSA PRIVATE KEY-----\nafter');
    expect(r().redact('-----BEGIN PRIVATE KEY-----\nMIIEv')).toBe('-----BEGIN PRIVATE KEY-----\n[REDACTED]\n');
    const cert = '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----';
    expect(r().redact(cert)).toBe(cert);
  });

  it('redacts secret values given to it, and their base64 forms', () => {
    const red = r();
    red.addSecret('hunter2-pass');
    const b64 = Buffer.from('hunter2-pass\n').toString('base64');
    expect(red.redact(`pw=hunter2-pass; again hunter2-pass; ${b64}`)).toBe('pw=[REDACTED]; again [REDACTED]; [REDACTED]');
    expect(red.redact(Buffer.from('hunter2-pass').toString('base64'))).toBe('[REDACTED]');
  });

  it('ignores very short secrets (they would blank out ordinary text) and leaves plain text alone', () => {
    const red = r();
    red.addSecret('ab');
    const text = 'pod/web-1 created\nabba';
    expect(red.redact(text)).toBe(text);
  });

  it('redacts regex-special secrets literally', () => {
    const red = r();
    red.addSecret('a.b*c(d)');
    expect(red.redact('x a.b*c(d) y aXbbc(d)')).toBe('x [REDACTED] y aXbbc(d)');
  });
});
