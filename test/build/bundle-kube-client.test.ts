// The bundled Kubernetes client: holds the package instead of loading it, exports the same values
// as the package, and they work (a kubeconfig read, an API client made, a request built).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pkg from '@kubernetes/client-node';
import { bundleKubeClient, loadsPackage } from '../../build/bundle-kube-client.js';

const SOURCE = join(import.meta.dirname, '../../src/kube/client-node.ts');
const dir = mkdtempSync(join(tmpdir(), 'kubelab-bundle-'));
const compiled = join(dir, 'client-node.js');
const bundled = join(dir, 'bundled.js');
let mod: Record<string, unknown>;

beforeAll(async () => {
  // What tsc makes of the module, then what the build makes of that.
  writeFileSync(compiled, ts.transpileModule(readFileSync(SOURCE, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
  expect(await bundleKubeClient(compiled, bundled)).toBe('bundled');
  mod = (await import(pathToFileURL(bundled).href)) as Record<string, unknown>;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundleKubeClient', () => {
  it('turns the re-export into a module that no longer loads the package', () => {
    expect(loadsPackage(readFileSync(compiled, 'utf8'))).toBe(true);
    const text = readFileSync(bundled, 'utf8');
    expect(loadsPackage(text)).toBe(false);
    // Only Node's own modules are left to load.
    const imports = [...text.matchAll(/\bimport\s*(?:[\w$]+|\{[^}]*\}|\*\s*as\s*[\w$]+)\s*from\s*["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(imports).toEqual(expect.arrayContaining(['node:https', 'node:module']));
    expect(imports.filter((s) => !isBuiltin(s))).toEqual([]);
  });

  it('leaves a bundled module alone', async () => {
    expect(await bundleKubeClient(bundled, join(dir, 'again.js'))).toBe('already');
  });

  it('exports what src/kube/client-node.ts re-exports, of the same shape as the package', () => {
    const names = /export \{([^}]*)\}/.exec(readFileSync(SOURCE, 'utf8'))![1]!.split(',').map((s) => s.trim());
    expect(names.length).toBeGreaterThan(3);
    expect(Object.keys(mod).sort()).toEqual([...names].sort());
    for (const name of names) expect(typeof mod[name], name).toBe(typeof (pkg as Record<string, unknown>)[name]);
    expect(mod.PatchStrategy).toEqual(pkg.PatchStrategy);
  });

  it('reads a kubeconfig and builds requests like the package', async () => {
    const KubeConfig = mod.KubeConfig as typeof pkg.KubeConfig;
    const CoreV1Api = mod.CoreV1Api as typeof pkg.CoreV1Api;
    const yaml = `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster: { server: 'https://127.0.0.1:1' }\nusers:\n- name: u\n  user: { token: secret-token }\ncontexts:\n- name: c\n  context: { cluster: k, user: u, namespace: ns1 }\n`;
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:1');
    expect(kc.getContextObject('c')?.namespace).toBe('ns1');
    const opts: { headers?: Record<string, string> } = {};
    await kc.applyToHTTPSOptions(opts);
    expect(opts.headers?.Authorization).toBe('Bearer secret-token');
    // A request to a port nothing listens on fails as a network error, as the package's does.
    const api = kc.makeApiClient(CoreV1Api);
    const err = await api.readNode({ name: 'n1' }).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as { code?: unknown }).code ?? (err as { cause?: { code?: unknown } }).cause?.code ?? err!.message)).toMatch(/ECONNREFUSED/);
  });
});
