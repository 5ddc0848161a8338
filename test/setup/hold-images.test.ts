// Building one version's node image must not take another version's away from docker: the recipe
// removes every kubelab/node and kubelab/podnet image but its own, and holdOtherVersionsImages
// keeps the ones other versions recorded (a stopped container each) for the time of the build.
// Real docker, with tiny images of one tag each (as a node image has: docker only untags an image
// that has other tags, whatever uses it); skipped without docker.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setupAssetsDir } from '../../src/setup/assets.js';
import { layout } from '../../src/setup/cache.js';
import { holdOtherVersionsImages } from '../../src/setup/node-image.js';
import { createProc } from '../../src/setup/proc.js';

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const dockerHere = (() => {
  try {
    docker('version', '--format', '{{.Server.Version}}');
    return true;
  } catch {
    return false;
  }
})();
/** An empty image of its own (a distinct id), tagged `tag` only. */
function tinyImage(tag: string): void {
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], { input: `FROM scratch\nLABEL io.kubelab.test=${JSON.stringify(tag)}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
}
const cache = mkdtempSync(join(tmpdir(), 'kubelab-hold-'));
const key = `t${process.pid}`;
const other = `kubelab/node:v9.8.7-${key}`;
const otherPodnet = `kubelab/podnet:${key}`;
const same = `kubelab/node:v1.35.4-${key}`;
afterAll(() => {
  for (const image of [other, otherPodnet, same]) {
    try {
      docker('rmi', image);
    } catch {
      /* already gone */
    }
  }
  rmSync(cache, { recursive: true, force: true });
});

describe.runIf(dockerHere)('holdOtherVersionsImages', () => {
  it('keeps the node and podnet images other versions recorded while a build runs, not the built version\'s own', async () => {
    for (const image of [other, otherPodnet, same]) tinyImage(image);
    writeFileSync(join(cache, 'cluster-v9.8.7.env'), `KUBELAB_NODE_IMAGE=${other}\nKUBELAB_K8S_VERSION=v9.8.7\n`);
    writeFileSync(join(cache, 'cluster-v1.35.4.env'), `KUBELAB_NODE_IMAGE=${same}\nKUBELAB_K8S_VERSION=v1.35.4\n`);
    const ctx = { proc: createProc({ env: process.env }), layout: layout(cache), assets: setupAssetsDir(), isRoot: false, emit: () => {} };
    const release = await holdOtherVersionsImages(ctx, 'v1.35.4');
    try {
      // What the recipe's clean-up does to them: refused for the held ones.
      expect(() => docker('rmi', other)).toThrow(/container .* is using its referenced image|being used by|conflict/i);
      expect(() => docker('rmi', otherPodnet)).toThrow(/conflict|being used|is using/i);
      expect(docker('ps', '-a', '--filter', `label=io.kubelab.hold-image=${cache}`, '--format', '{{.Image}}').split('\n').filter(Boolean).sort()).toEqual([other, otherPodnet].sort());
    } finally {
      await release();
    }
    expect(docker('ps', '-aq', '--filter', `label=io.kubelab.hold-image=${cache}`).trim()).toBe('');
    docker('rmi', other);
    docker('rmi', same);
  });
});
