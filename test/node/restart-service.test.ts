// restartService's wait, against a stand-in systemctl (a script keeping the unit's state in a
// file) reached through a stand-in ssh: it ends as soon as the probe says ready, catches a crash
// loop, names what it waited for when time runs out, and an abort ends it at once.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshNodeAccess } from '../../src/node/ssh.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(dir, 'bin');
mkdirSync(bin);
const fakeSsh = join(dir, 'ssh');
writeFileSync(fakeSsh, `#!/bin/sh\nwhile [ "$1" != "--" ]; do shift; done\nshift\nPATH='${bin}':$PATH exec sh -c "$*"\n`);
chmodSync(fakeSsh, 0o755);

// The unit's behaviour is the file $dir/mode: `healthy` (up at once) or `crash` (every look at
// it finds one more systemd restart).
const state = join(dir, 'state');
writeFileSync(
  join(bin, 'systemctl'),
  `#!/bin/sh
mode=$(cat '${dir}/mode')
[ -f '${state}' ] || echo "pid=100 restarts=0" > '${state}'
. '${state}' 2>/dev/null || true
eval "$(tr ' ' '\\n' < '${state}')"
case $1 in
  restart) pid=$((pid + 1)); restarts=0 ;;
  show)
    if [ "$mode" = crash ]; then restarts=$((restarts + 1)); pid=$((pid + 1)); fi
    printf 'ActiveState=active\\nSubState=running\\nNRestarts=%s\\nMainPID=%s\\nInvocationID=inv%s\\n' "$restarts" "$pid" "$pid" ;;
esac
echo "pid=$pid restarts=$restarts" > '${state}'
`,
);
chmodSync(join(bin, 'systemctl'), 0o755);
const node = new SshNodeAccess('n1', 'root@node-1', [], fakeSsh);
const mode = (m: string) => writeFileSync(join(dir, 'mode'), m);

describe('restartService', () => {
  it('ends at the first ready answer of the new process, with its pid', async () => {
    mode('healthy');
    const seen: number[] = [];
    const r = await node.restartService('kubelet', {
      timeoutMs: 20_000,
      ready: async (s) => {
        seen.push(s.mainPid);
        return seen.length < 3 ? { ready: false, waitingFor: 'configz' } : { ready: true, how: 'configz shows it' };
      },
    });
    expect(r.how).toBe('configz shows it');
    expect(seen).toHaveLength(3);
    expect(r.status.mainPid).toBe(seen[0]);
    expect(r.status.invocationId).toBe(`inv${seen[0]}`);
  });

  it('stops a crash loop instead of waiting it out', async () => {
    mode('crash');
    await expect(node.restartService('kubelet', { timeoutMs: 20_000, ready: async () => ({ ready: true }) })).rejects.toThrow(/keeps crashing: systemd restarted it [3-9] times/);
  });

  it('tells onCrash which runs died as soon as systemd restarts the unit, and stops when it throws', async () => {
    mode('crash');
    const told: string[][] = [];
    const err = await node
      .restartService('kubelet', {
        timeoutMs: 20_000,
        ready: async () => ({ ready: false, waitingFor: 'configz' }),
        onCrash: async (ids) => {
          told.push(ids);
          throw new Error('it exited at start: invalid configuration');
        },
      })
      .catch((e) => e);
    expect(err.message).toBe('it exited at start: invalid configuration');
    expect(told).toHaveLength(1);
    expect(told[0]!.length).toBeGreaterThanOrEqual(2);
    expect(told[0]!.every((id) => /^inv\d+$/.test(id))).toBe(true);
  });

  it('says what it was still waiting for when its time runs out', async () => {
    mode('healthy');
    const err = await node.restartService('kubelet', { timeoutMs: 1_500, ready: async () => ({ ready: false, waitingFor: '/configz to show x: want 1, got 2' }) }).catch((e) => e);
    expect(err.code).toBe('service-not-ready');
    expect(err.message).toMatch(/kubelet on ssh root@node-1: 1\.5 s ran out while waiting for \/configz to show x: want 1, got 2 \(unit active\/running, pid \d+\)/);
    expect(err.waitingFor).toBe('/configz to show x: want 1, got 2');
  });

  it('ends at once when its signal is aborted', async () => {
    mode('healthy');
    const ac = new AbortController();
    let asked = 0;
    const t0 = Date.now();
    const p = node.restartService('kubelet', {
      timeoutMs: 60_000,
      signal: ac.signal,
      ready: async () => {
        if (++asked === 1) setTimeout(() => ac.abort(new Error('SIGINT')), 50);
        return { ready: false, waitingFor: 'never' };
      },
    });
    await expect(p).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(asked).toBe(1);
  });
});
