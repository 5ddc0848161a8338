import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readContext, writePrivateKubeconfig } from '../../src/grade/kubeconfig.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: alice
clusters:
- name: c1
  cluster: { server: 'https://10.0.0.1:6443', certificate-authority: certs/ca.crt }
- name: c2
  cluster: { server: 'https://10.0.0.2:6443', insecure-skip-tls-verify: true }
users:
- name: u1
  user: { client-certificate: certs/u1.crt, client-key: /abs/u1.key }
- name: u2
  user: { token: secret-token }
contexts:
- name: alice
  context: { cluster: c1, user: u1, namespace: alice }
- name: bob
  context: { cluster: c2, user: u2 }
- name: broken
  context: { cluster: nope, user: u2 }
`;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-kc-'));
  const file = join(dir, 'config');
  writeFileSync(file, KUBECONFIG);
  return { dir, file };
}

describe('writePrivateKubeconfig', () => {
  it('keeps only the learner context, its cluster and user, with absolute paths, mode 0600', async () => {
    const { dir, file } = setup();
    const out = join(dir, 'private');
    expect(await writePrivateKubeconfig(file, undefined, out)).toBe('alice');
    const cfg = parse(readFileSync(out, 'utf8'));
    expect(cfg['current-context']).toBe('alice');
    expect(cfg.contexts).toEqual([{ name: 'alice', context: { cluster: 'c1', user: 'u1', namespace: 'alice' } }]);
    expect(cfg.clusters).toEqual([{ name: 'c1', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority': join(dir, 'certs/ca.crt') } }]);
    expect(cfg.users[0].user).toEqual({ 'client-certificate': join(dir, 'certs/u1.crt'), 'client-key': '/abs/u1.key' });
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('adds kubectl impersonation fields for --as', async () => {
    const { dir, file } = setup();
    const out = join(dir, 'private');
    await writePrivateKubeconfig(file, 'bob', out, { user: 'jane', groups: ['grader'] });
    const cfg = parse(readFileSync(out, 'utf8'));
    expect(cfg.users[0].user).toEqual({ token: 'secret-token', as: 'jane', 'as-groups': ['grader'] });
    expect(cfg.contexts.map((c: { name: string }) => c.name)).toEqual(['bob']);
  });

  it('explains a missing file, context or cluster', async () => {
    const { dir, file } = setup();
    await expect(readContext(join(dir, 'nope'), 'x')).rejects.toMatchObject({ code: 'no-kubeconfig' });
    await expect(readContext(file, 'carol')).rejects.toMatchObject({ code: 'no-such-context', hint: 'known contexts: alice, bob, broken' });
    await expect(writePrivateKubeconfig(file, 'broken', join(dir, 'p'))).rejects.toMatchObject({ code: 'no-such-cluster' });
  });
});
