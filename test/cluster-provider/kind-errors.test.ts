import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { kindErrorLines } from '../../src/cluster/kind.js';

describe('kindErrorLines', () => {
  it("keeps kind's and kubeadm's error lines, not the Go stack trace", () => {
    const stderr = readFileSync(new URL('../fixtures/cluster-provider/kind-create-failed.txt', import.meta.url), 'utf8');
    const lines = kindErrorLines(stderr);
    expect(lines[0]).toMatch(/^ERROR: failed to create cluster: failed to init node with kubeadm/);
    expect(lines.some((l) => l.startsWith('error: error execution phase wait-control-plane'))).toBe(true);
    expect(lines.some((l) => /\.go:\d+|^k8s\.io\/|^github\.com\/|^runtime\./.test(l))).toBe(false);
  });
  it('falls back to the last meaningful lines when none says error', () => {
    expect(kindErrorLines('Creating cluster "x" ...\n \u2713 Ensuring node image\nsomething odd\n')).toEqual(['Creating cluster "x" ...', 'something odd']);
  });
});
