// The version table and what a user's --kubernetes means. Data in, data out.
import { describe, expect, it } from 'vitest';
import { SetupError } from '../../src/setup/errors.js';
import { DEFAULT_KUBERNETES, goAtLeast, KUBERNETES_RELEASES, parseGoVersion, resolveKubernetes, resolveKubernetesList } from '../../src/setup/versions.js';

const versions = (list: { version: string }[]) => list.map((r) => r.version);

describe('the version table', () => {
  it('holds the served releases, with the kind and Go each needs', () => {
    expect(KUBERNETES_RELEASES.map((r) => [r.version, r.kind, r.go])).toEqual([
      ['v1.35.4', 'v0.32.0', '1.25.0'],
      ['v1.36.1', 'v0.32.0', '1.26.0'],
      ['v1.36.3', 'v0.32.0', '1.26.0'],
      ['v1.37.2', 'v0.33.0', '1.26.0'],
    ]);
    expect(DEFAULT_KUBERNETES).toBe('v1.36.1');
  });

  it('has exactly one patch per minor that the minor alone means', () => {
    const minors = [...new Set(KUBERNETES_RELEASES.map((r) => r.minor))];
    for (const minor of minors) expect(KUBERNETES_RELEASES.filter((r) => r.minor === minor && r.forMinor)).toHaveLength(1);
    for (const r of KUBERNETES_RELEASES) expect(r.version.startsWith(`v${r.minor}.`)).toBe(true);
  });

  it('Go 1.26.8 (this machine) is new enough for every release, Go 1.25.9 only for v1.35', () => {
    expect(KUBERNETES_RELEASES.filter((r) => goAtLeast('go1.26.8', r.go))).toHaveLength(KUBERNETES_RELEASES.length);
    expect(versions(KUBERNETES_RELEASES.filter((r) => goAtLeast('go1.25.9', r.go)))).toEqual(['v1.35.4']);
  });
});

describe('resolveKubernetes', () => {
  it.each([
    ['1.36', 'v1.36.1'],
    ['v1.36', 'v1.36.1'],
    ['1.36.3', 'v1.36.3'],
    ['v1.36.3', 'v1.36.3'],
    [' 1.35 ', 'v1.35.4'],
    ['1.37', 'v1.37.2'],
    ['v1.37.2', 'v1.37.2'],
  ])('%s means %s', (asked, version) => {
    expect(resolveKubernetes(asked).version).toBe(version);
  });

  it('refuses a version that is not in the table, naming the ones there are', () => {
    for (const asked of ['1.34', 'v1.36.2', '1.38', '2.0']) {
      expect(() => resolveKubernetes(asked)).toThrow(SetupError);
      try {
        resolveKubernetes(asked);
      } catch (e) {
        const err = e as SetupError;
        expect(err.code).toBe('SETUP_UNKNOWN_VERSION');
        expect(err.exitCode).toBe(2);
        expect(err.message).toMatch(/is not one of the versions kubelab sets up/);
        expect(err.hint).toContain('v1.35.4, v1.36.1, v1.36.3, v1.37.2');
      }
    }
  });

  it('refuses what is no version at all', () => {
    for (const asked of ['', 'latest', '1', '1.36.x', 'v1.36.1-rc.0']) {
      expect(() => resolveKubernetes(asked)).toThrow(/is not a Kubernetes version/);
    }
  });
});

describe('resolveKubernetesList', () => {
  it('is the default with nothing asked', () => {
    expect(versions(resolveKubernetesList([]))).toEqual(['v1.36.1']);
  });

  it('takes repeated flags and comma lists, keeps the order, drops duplicates', () => {
    expect(versions(resolveKubernetesList(['1.37,1.35', '1.36', 'v1.36.1', '1.37.2']))).toEqual(['v1.37.2', 'v1.35.4', 'v1.36.1']);
  });

  it('all is every release', () => {
    expect(versions(resolveKubernetesList(['all']))).toEqual(versions([...KUBERNETES_RELEASES]));
  });

  it('fails on the first bad one', () => {
    expect(() => resolveKubernetesList(['1.36', '1.34'])).toThrow(/v1\.34 is not one of/);
  });
});

describe('Go versions', () => {
  it('parses go env GOVERSION and go.mod go lines', () => {
    expect(parseGoVersion('go1.26.8')).toEqual([1, 26, 8]);
    expect(parseGoVersion('1.25.0')).toEqual([1, 25, 0]);
    expect(parseGoVersion('go1.26')).toEqual([1, 26, 0]);
    expect(parseGoVersion('devel go1.27-abc')).toBeUndefined();
  });

  it('compares them', () => {
    expect(goAtLeast('go1.26.0', '1.26.0')).toBe(true);
    expect(goAtLeast('go1.25.9', '1.26.0')).toBe(false);
    expect(goAtLeast('go1.9.0', '1.17')).toBe(false);
    expect(goAtLeast('go1.17.1', '1.17')).toBe(true);
    expect(goAtLeast('go2.0.0', '1.26.0')).toBe(true);
  });
});
