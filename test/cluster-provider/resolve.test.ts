import { describe, expect, it } from 'vitest';
import { resolveNodeName, type NodeInfo } from '../../src/cluster/resolve.js';

const kind: NodeInfo[] = [
  { name: 'kubelab-worker2', controlPlane: false },
  { name: 'kubelab-control-plane', controlPlane: true },
  { name: 'kubelab-worker', controlPlane: false },
];

describe('resolveNodeName', () => {
  it('takes an exact node name first', () => {
    expect(resolveNodeName('kubelab-worker2', kind).name).toBe('kubelab-worker2');
  });
  it('maps worker and worker-0 to the first worker by name, worker-N to the Nth', () => {
    expect(resolveNodeName('worker', kind).name).toBe('kubelab-worker');
    expect(resolveNodeName('worker-0', kind).name).toBe('kubelab-worker');
    expect(resolveNodeName('worker-1', kind).name).toBe('kubelab-worker2');
  });
  it('maps control-plane to the control plane', () => {
    expect(resolveNodeName('control-plane', kind)).toEqual({ name: 'kubelab-control-plane', controlPlane: true });
  });
  it('prefers a node really named worker-0 over the alias', () => {
    const nodes = [...kind, { name: 'worker-0', controlPlane: false }];
    expect(resolveNodeName('worker-0', nodes).name).toBe('worker-0');
  });
  it('says which nodes exist when nothing matches', () => {
    expect(() => resolveNodeName('worker-2', kind)).toThrow(/node "worker-2" is not in the cluster \(nodes: kubelab-worker2, kubelab-control-plane \(control-plane\), kubelab-worker\)/);
    expect(() => resolveNodeName('worker', [{ name: 'solo', controlPlane: true }])).toThrow(/nodes: solo \(control-plane\)/);
  });
});
