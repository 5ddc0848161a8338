import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { isCgroupV1, parseClusterEnv, readClusterEnv, withCgroupV1Patch, ClusterSetupError } from './cluster.js';

describe('withCgroupV1Patch', () => {
  it('adds a kubeadmConfigPatches list when the config has none', () => {
    const out = withCgroupV1Patch('kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n');
    expect(out).toBe(
      [
        'kind: Cluster',
        'apiVersion: kind.x-k8s.io/v1alpha4',
        'nodes:',
        '  - role: control-plane',
        'kubeadmConfigPatches:',
        '  - |',
        '    kind: KubeletConfiguration',
        '    apiVersion: kubelet.config.k8s.io/v1beta1',
        '    # kubelet 1.35+ refuses cgroup v1 hosts unless told otherwise',
        '    failCgroupV1: false',
        '',
      ].join('\n'),
    );
  });

  it('joins an existing list with its indentation', () => {
    const config = ['kind: Cluster', 'kubeadmConfigPatches:', '- |', '  kind: ClusterConfiguration', 'nodes:', '- role: control-plane'].join('\n');
    const out = withCgroupV1Patch(config).split('\n');
    expect(out.slice(1, 7)).toEqual([
      'kubeadmConfigPatches:',
      '- |',
      '  kind: KubeletConfiguration',
      '  apiVersion: kubelet.config.k8s.io/v1beta1',
      '  # kubelet 1.35+ refuses cgroup v1 hosts unless told otherwise',
      '  failCgroupV1: false',
    ]);
    expect(out.slice(7, 9)).toEqual(['- |', '  kind: ClusterConfiguration']);
  });
});

describe('cluster.env', () => {
  it('parses KEY=value lines', () => {
    expect(parseClusterEnv('A_1=x:y/z\n# note\n\nB=\n')).toEqual({ A_1: 'x:y/z', B: '' });
  });

  it('tells to run cluster:prepare when the file is missing', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kubelab-cache-'));
    expect(() => readClusterEnv({ KUBELAB_CACHE: cache })).toThrow(ClusterSetupError);
    expect(() => readClusterEnv({ KUBELAB_CACHE: cache })).toThrow(/npm run cluster:prepare/);
  });

  it('reads the values when the binaries exist', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kubelab-cache-'));
    const kind = join(cache, 'kind');
    const kubectl = join(cache, 'kubectl');
    writeFileSync(kind, '');
    writeFileSync(kubectl, '');
    writeFileSync(
      join(cache, 'cluster.env'),
      `KUBELAB_NODE_IMAGE=img:1\nKUBELAB_KIND=${kind}\nKUBELAB_KUBECTL=${kubectl}\nKUBELAB_PAUSE_IMAGE=pause:1\n`,
    );
    expect(readClusterEnv({ KUBELAB_CACHE: cache })).toEqual({ nodeImage: 'img:1', kind, kubectl, pauseImage: 'pause:1' });
  });
});

describe('isCgroupV1', () => {
  it('looks for cgroup.controllers at the cgroup root', () => {
    const v2 = mkdtempSync(join(tmpdir(), 'cgroup-'));
    writeFileSync(join(v2, 'cgroup.controllers'), 'cpu memory\n');
    const v1 = mkdtempSync(join(tmpdir(), 'cgroup-'));
    mkdirSync(join(v1, 'memory'));
    expect(isCgroupV1(v2)).toBe(false);
    expect(isCgroupV1(v1)).toBe(true);
  });
});
