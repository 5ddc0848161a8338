import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeConfig } from '../../src/kube/client.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-kc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kubeconfig = (current: string) => `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: { server: https://127.0.0.1:6443, insecure-skip-tls-verify: true }
users:
- name: u1
  user: { token: abc }
contexts:
- name: one
  context: { cluster: c1, user: u1 }
- name: two
  context: { cluster: c1, user: u1 }
current-context: "${current}"
`;

describe('loadKubeConfig', () => {
  it('loads the current context', () => {
    const f = join(dir, 'ok.yaml');
    writeFileSync(f, kubeconfig('one'));
    const kc = loadKubeConfig({ kubeconfigPath: f });
    expect(kc.getCurrentContext()).toBe('one');
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
  });
  it('switches to a given context and lists the known ones when it does not exist', () => {
    const f = join(dir, 'ok2.yaml');
    writeFileSync(f, kubeconfig('one'));
    expect(loadKubeConfig({ kubeconfigPath: f, context: 'two' }).getCurrentContext()).toBe('two');
    expect(() => loadKubeConfig({ kubeconfigPath: f, context: 'three' })).toThrow(/context "three" is not in/);
  });
  it('fails loudly, with a fix, when there is no current context', () => {
    const f = join(dir, 'none.yaml');
    writeFileSync(f, kubeconfig(''));
    expect(() => loadKubeConfig({ kubeconfigPath: f })).toThrow(/has no usable current context/);
  });
  it('fails when the file is missing', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: join(dir, 'missing.yaml') })).toThrow(/does not exist/);
  });
  it('does not fall back to localhost:8080 when no kubeconfig exists at all', () => {
    const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
    delete process.env.KUBECONFIG;
    process.env.HOME = join(dir, 'empty-home');
    try {
      expect(() => loadKubeConfig()).toThrow(/no usable current context/);
      process.env.KUBECONFIG = join(dir, 'nowhere.yaml');
      expect(() => loadKubeConfig()).toThrow(/cannot read the default kubeconfig.*ENOENT/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
