import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Impersonation, privateConfig, readContext, writePrivateKubeconfig } from '../../src/grade/kubeconfig.js';

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

describe('privateConfig', () => {
  // Learners of one kubeconfig share its cluster and user parts, written once per parsed config.
  const config = parse(KUBECONFIG.replace('- name: bob\n', '- name: carol\n  context: { cluster: c1, user: u1, namespace: carol }\n- name: bob\n'));

  it('is one YAML document, the same text as the whole mapping written at once', () => {
    const cases: [string, Impersonation?][] = [['alice'], ['bob', { user: 'jane', groups: ['g1', 'g2'] }], ['carol']];
    for (const [context, as] of cases) {
      const text = privateConfig(config, context, '/course', as);
      expect(stringify(parse(text))).toBe(text);
      expect(Object.keys(parse(text))).toEqual(['apiVersion', 'kind', 'preferences', 'clusters', 'users', 'contexts', 'current-context']);
    }
  });

  it('gives each learner their own context from the shared parts, and each --as its own user', () => {
    const alice = parse(privateConfig(config, 'alice', '/course'));
    const carol = parse(privateConfig(config, 'carol', '/course'));
    const carolAs = parse(privateConfig(config, 'carol', '/course', { user: 'jane' }));
    const elsewhere = parse(privateConfig(config, 'carol', '/other'));
    expect([alice['current-context'], carol['current-context']]).toEqual(['alice', 'carol']);
    expect(carol.contexts).toEqual([{ name: 'carol', context: { cluster: 'c1', user: 'u1', namespace: 'carol' } }]);
    expect(carol.clusters).toEqual(alice.clusters);
    expect(carol.users[0].user).toEqual({ 'client-certificate': '/course/certs/u1.crt', 'client-key': '/abs/u1.key' });
    expect(carolAs.users[0].user).toEqual({ 'client-certificate': '/course/certs/u1.crt', 'client-key': '/abs/u1.key', as: 'jane' });
    expect(elsewhere.clusters[0].cluster['certificate-authority']).toBe('/other/certs/ca.crt');
    expect(parse(privateConfig(config, 'carol', '/course')).users[0].user.as).toBeUndefined();
  });
});
