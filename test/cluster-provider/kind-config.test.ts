import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kindConfigNodeCount, withCgroupV1Patch } from '../../src/cluster/kind-config.js';
import { parseEnvFile } from '../../src/cluster/env.js';

const threeNodes = `# a comment that stays
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
  - role: worker
  - role: worker
`;

describe('withCgroupV1Patch', () => {
  it('adds a KubeletConfiguration patch with failCgroupV1: false, keeping the rest', () => {
    const out = withCgroupV1Patch(threeNodes);
    expect(out).toContain('# a comment that stays');
    const cfg = parse(out);
    expect(cfg.nodes).toHaveLength(3);
    expect(cfg.kubeadmConfigPatches).toHaveLength(1);
    expect(parse(cfg.kubeadmConfigPatches[0])).toEqual({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', failCgroupV1: false });
  });
  it('appends to existing patches and does not add it twice', () => {
    const withPatch = `${threeNodes}kubeadmConfigPatches:\n  - |\n    kind: ClusterConfiguration\n`;
    const once = withCgroupV1Patch(withPatch);
    expect(parse(once).kubeadmConfigPatches).toHaveLength(2);
    expect(parse(withCgroupV1Patch(once)).kubeadmConfigPatches).toHaveLength(2);
  });
  it('makes a whole config when the lab has none', () => {
    const cfg = parse(withCgroupV1Patch(undefined));
    expect(cfg.kind).toBe('Cluster');
    expect(cfg.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(cfg.kubeadmConfigPatches[0]).toContain('failCgroupV1: false');
  });
});

describe('kindConfigNodeCount', () => {
  it('counts nodes, one without a config', () => {
    expect(kindConfigNodeCount(threeNodes)).toBe(3);
    expect(kindConfigNodeCount(undefined)).toBe(1);
    expect(kindConfigNodeCount('kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n')).toBe(1);
  });
});

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines with export and quotes, skipping comments', () => {
    expect(parseEnvFile('# made by prepare.sh\nexport KUBELAB_KIND=/c/bin/kind\nKUBELAB_NODE_IMAGE="kubelab/node:v1.36.0"\n\nX=\'a b\'\n')).toEqual({
      KUBELAB_KIND: '/c/bin/kind',
      KUBELAB_NODE_IMAGE: 'kubelab/node:v1.36.0',
      X: 'a b',
    });
  });
});
