import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellPathEnv as shellPathOf, toolEnv } from '../../src/cluster/env.js';
import { loadConfig } from '../../src/config.js';

const shellPathEnv = (env: Record<string, string>) => shellPathOf(loadConfig(env));

function cacheWith(lines: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-env-'));
  writeFileSync(join(dir, 'cluster.env'), lines);
  return dir;
}

describe('cluster env', () => {
  it('the config holds the precedence: defaults <- cluster.env <- environment <- flags', () => {
    const cache = cacheWith('KUBELAB_KIND=/c/kind\nKUBELAB_NODE_IMAGE=from-file\n');
    const c = loadConfig({ KUBELAB_CACHE: cache, KUBELAB_NODE_IMAGE: 'from-env', KUBELAB_STATE_DIR: '/s/env', HOME: '/h' }, { stateDir: 'flag' }, '/cwd');
    expect(c).toMatchObject({ cacheDir: cache, stateDir: '/cwd/flag', nodeImage: 'from-env', tools: { kind: '/c/kind', kubectl: 'kubectl', docker: 'docker', ssh: 'ssh' } });
    expect(loadConfig({ HOME: '/h' }).stateDir).toBe('/h/.local/state/kubelab');
    expect(loadConfig({ HOME: '/h', XDG_STATE_HOME: '/x' }).stateDir).toBe('/x/kubelab');
  });

  it('puts the prepared kubectl directory first on the lab shell PATH', () => {
    const cache = cacheWith('KUBELAB_KUBECTL=/opt/kl/bin/kubectl\nKUBELAB_NODE_IMAGE=kubelab/node:x\n');
    expect(shellPathEnv({ KUBELAB_CACHE: cache, PATH: '/usr/bin:/bin' })).toEqual({ PATH: '/opt/kl/bin:/usr/bin:/bin' });
    expect(toolEnv({ KUBELAB_CACHE: cache }).nodeImage).toBe('kubelab/node:x');
  });

  it('leaves PATH alone when no kubectl was prepared or it is a bare name', () => {
    expect(shellPathEnv({ KUBELAB_CACHE: join(tmpdir(), 'kubelab-no-such-cache'), PATH: '/usr/bin' })).toEqual({});
    expect(shellPathEnv({ KUBELAB_CACHE: cacheWith('KUBELAB_KUBECTL=kubectl\n'), PATH: '/usr/bin' })).toEqual({});
  });

  it('an environment variable wins over cluster.env', () => {
    const cache = cacheWith('KUBELAB_KUBECTL=/opt/kl/bin/kubectl\n');
    expect(shellPathEnv({ KUBELAB_CACHE: cache, KUBELAB_KUBECTL: '/srv/k/kubectl', PATH: '/bin' })).toEqual({ PATH: '/srv/k:/bin' });
  });
});
