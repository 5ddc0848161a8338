// The `existing` provider against kubeconfigs that cannot work: it must fail before any step, saying why.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProvider } from '../../src/cluster/index.js';
import type { Lab } from '../../src/lab/model.js';
import { parse } from 'yaml';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-existing-'));
const saved = process.env.KUBECONFIG;
afterEach(() => (saved === undefined ? delete process.env.KUBECONFIG : (process.env.KUBECONFIG = saved)));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lab: Lab = { file: join(dir, 'lab.md'), source: '', title: 't', id: 't', cluster: { provider: 'existing' }, vars: {}, timeout: 1000, steps: [], cleanup: [] };
const config = `apiVersion: v1
kind: Config
clusters:
- name: dead
  cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true }
users:
- name: u
  user: { token: t }
contexts:
- name: dead-ctx
  context: { cluster: dead, user: u }
current-context: dead-ctx
`;

describe('existing provider', () => {
  it('fails with the API error when the cluster does not answer, after writing a private kubeconfig copy', async () => {
    const f = join(dir, 'kc.yaml');
    writeFileSync(f, config);
    process.env.KUBECONFIG = f;
    const stateDir = join(dir, 'state');
    const err = await getProvider('existing').setup(lab, { stateDir }, async () => 'x').catch((e) => e);
    expect(err.code).toBe('kube-unreachable');
    expect(err.message).toMatch(/^listing nodes failed: no answer/);
    const copy = join(stateDir, 'kubeconfigs', 'existing-dead-ctx.yaml');
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(copy, 'utf8'))['current-context']).toBe('dead-ctx');
  });
  it('names the known contexts when --context is wrong', async () => {
    const f = join(dir, 'kc2.yaml');
    writeFileSync(f, config);
    process.env.KUBECONFIG = f;
    await expect(getProvider('existing').setup(lab, { stateDir: join(dir, 's2'), context: 'prod' }, async () => 'x')).rejects.toThrow(/context "prod" is not in .*\n?/);
  });
  it('none gives no cluster', async () => {
    expect(await getProvider('none').setup(lab, { stateDir: dir }, async () => 'x')).toBeUndefined();
  });
});
