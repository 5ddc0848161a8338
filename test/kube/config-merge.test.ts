import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { configMismatches, mergeYamlText, parseGoDuration } from '../../src/kube/config-merge.js';

const kubeletConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
# kind sets the driver
cgroupDriver: systemd
evictionHard:
  imagefs.available: 0%
  nodefs.available: 0%
kind: KubeletConfiguration
`;

describe('mergeYamlText', () => {
  it('adds a top-level key and keeps every other line, comments included', () => {
    const out = mergeYamlText(kubeletConfig, { enableSystemLogQuery: true });
    expect(out).toBe(`${kubeletConfig}enableSystemLogQuery: true\n`);
  });
  it("keeps the file's sequence indentation and long lines (kubeadm writes `- x` flush under the key)", () => {
    const flush = `clusterDNS:\n- 10.96.0.10\nstaticPodPath: /etc/kubernetes/manifests\nlong: ${'x '.repeat(60)}end\n`;
    expect(mergeYamlText(flush, { enableSystemLogQuery: true })).toBe(`${flush}enableSystemLogQuery: true\n`);
    const indented = 'clusterDNS:\n  - 10.96.0.10\n';
    expect(mergeYamlText(indented, { a: 1 })).toBe(`${indented}a: 1\n`);
  });
  it("changes exactly one line of a real kind node's kubelet config", () => {
    const real = readFileSync(new URL('../fixtures/actions/kind-kubelet-config.yaml', import.meta.url), 'utf8');
    const merged = mergeYamlText(real, { enableSystemLogQuery: true });
    const changed = createTwoFilesPatch('a', 'b', real, merged).split('\n').filter((l) => /^[+-][^+-]/.test(l));
    expect(changed).toEqual(['+enableSystemLogQuery: true']);
  });
  it('merges nested maps key by key and replaces scalars', () => {
    const out = parse(mergeYamlText(kubeletConfig, { authentication: { webhook: { cacheTTL: '2m0s' } }, cgroupDriver: 'cgroupfs' }));
    expect(out.authentication).toEqual({ anonymous: { enabled: false }, webhook: { cacheTTL: '2m0s', enabled: true } });
    expect(out.cgroupDriver).toBe('cgroupfs');
  });
  it('replaces lists and removes keys set to null', () => {
    const out = parse(mergeYamlText('a: [1, 2]\nb: 1\n', { a: [3], b: null }));
    expect(out).toEqual({ a: [3] });
  });
  it('is idempotent and the result always contains the patch (property)', () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.boolean(), fc.string({ maxLength: 5 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
    })).v;
    const patchArb = fc.dictionary(key, value, { maxKeys: 3 });
    fc.assert(
      fc.property(patchArb, patchArb, (base, patch) => {
        const once = mergeYamlText(mergeYamlText('x: 1\n', base as Record<string, unknown>), patch as Record<string, unknown>);
        expect(mergeYamlText(once, patch as Record<string, unknown>)).toBe(once);
        expect(configMismatches(patch as Record<string, unknown>, parse(once))).toEqual([]);
        expect(parse(once).x).toBe(1);
      }),
      { numRuns: 100 },
    );
  });
  it('refuses a config that is not a YAML mapping', () => {
    expect(() => mergeYamlText('- a\n- b\n', { x: 1 })).toThrow(/not a YAML mapping/);
    expect(() => mergeYamlText('a: [\n', { x: 1 })).toThrow(/not valid YAML/);
  });
});

describe('configMismatches', () => {
  it('lists what the running config does not show, with the path', () => {
    expect(configMismatches({ enableSystemLogQuery: true, authentication: { webhook: { enabled: true } } }, { enableSystemLogQuery: false, authentication: { webhook: {} } })).toEqual([
      'enableSystemLogQuery: want true, got false',
      'authentication.webhook.enabled: want true, got nothing',
    ]);
  });
  it('compares durations by length, as the kubelet normalises them', () => {
    expect(configMismatches({ syncFrequency: '1m', cacheTTL: '90s' }, { syncFrequency: '1m0s', cacheTTL: '1m30s' })).toEqual([]);
    expect(configMismatches({ syncFrequency: '1m' }, { syncFrequency: '2m0s' })).toHaveLength(1);
  });
});

describe('parseGoDuration', () => {
  it('parses Go durations and rejects other strings', () => {
    expect(parseGoDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('systemd')).toBeUndefined();
    expect(parseGoDuration('5m garbage')).toBeUndefined();
  });
});
