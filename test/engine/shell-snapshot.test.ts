// Shell.snapshot() and openShell({ restore }): a later shell (kubelab cleanup after a crash, learn
// resuming a lab) gets the variables, functions, options and working directory. Real bash.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openShell } from '../../src/engine/shell.js';
import type { Shell } from '../../src/engine/types.js';

const shells: Shell[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(shells.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(restore?: string): Promise<{ sh: Shell; dir: string }> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-snap-')));
  dirs.push(dir);
  const sh = await openShell({ cwd: dir, env: { ...(process.env as Record<string, string>), FROM_ENV: 'first' }, ...(restore === undefined ? {} : { restore }) });
  shells.push(sh);
  return { sh, dir };
}

const SETUP = String.raw`
plain=$'line one\nline "two" it'"'"'s $HOME \\ `+"`x`"+String.raw` é 日本 😀'
export EXPORTED='exp value'
declare -a arr=('a b' $'c\nd' '' "'q'")
declare -A map=(['key with space']=v1 [$'k\n2']='v "2"' [é]=日)
declare -i num=42
declare -l lower=ABC
readonly RO=fixed
greet() { printf 'hi %s\n' "$1"; }
alias ll='ls -l'
shopt -s extglob nullglob
set -o noclobber -o pipefail
umask 027
trap 'echo bye' EXIT
mkdir -p "sub dir/ü" && cd "sub dir/ü"
`;
const CHECK = 'declare -p plain EXPORTED arr map num lower RO; declare -f greet; alias ll; shopt -p extglob nullglob; [[ -o noclobber && -o pipefail ]] && echo opts; umask; trap -p EXIT; pwd';

describe('snapshot and restore', () => {
  it('round-trips variables (newlines, quotes, unicode), arrays, functions, options, traps and cwd', async () => {
    const a = await open();
    expect((await a.sh.run(SETUP)).exitCode).toBe(0);
    const before = await a.sh.run(CHECK);
    expect(before.exitCode).toBe(0);
    expect(before.stdout).toContain(`${a.dir}/sub dir/ü\n`);
    const snap = await a.sh.snapshot!();
    const b = await open(snap);
    const after = await b.sh.run(CHECK);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stderr).toBe('');
    // Values seen by commands, not only declare -p's rendering.
    const values = 'printf "%s|" "$plain" "${arr[@]}" "${map[key with space]}" "$((num + 1))"; bash -c \'printf "%s" "$EXPORTED"\'';
    const v = await b.sh.run(values);
    expect(v.stdout).toBe((await a.sh.run(values)).stdout);
    expect(v.stdout).toBe(`line one\nline "two" it's $HOME \\\\ \`x\` é 日本 😀|a b|c\nd||'q'|v1|43|exp value`);
    expect((await b.sh.run('greet you')).stdout).toBe('hi you\n');
  });

  it("holds no kubelab internals or bash's own special variables", async () => {
    const a = await open();
    const snap = await a.sh.snapshot!();
    expect(snap).not.toMatch(/__kl_|^trap \(\)/m);
    expect(snap).not.toMatch(/^declare [-a-zA-Z]* (BASHOPTS|BASH_VERSINFO|EUID|PPID|UID|SHELLOPTS|RANDOM|SECONDS|LINENO|FUNCNAME)=/m);
    expect(snap).toContain('FROM_ENV');
  });

  it('works under set -euo pipefail and set -x, and the snapshot block leaves no trace', async () => {
    const a = await open();
    await a.sh.run('set -euo pipefail; set -x; v=1');
    const snap = await a.sh.snapshot!();
    const b = await open(snap);
    const r = await b.sh.run('echo "$v" "$-"');
    expect(r.stdout).toMatch(/^1 \S*u/);
    expect(r.stderr).toMatch(/echo 1/);
  });

  it('the restored shell wins over the cwd and env it was opened with', async () => {
    const a = await open();
    const elsewhere = join(a.dir, 'elsewhere');
    mkdirSync(elsewhere);
    await a.sh.run(`cd ${elsewhere}; FROM_ENV=changed`);
    const b = await open(await a.sh.snapshot!());
    expect((await b.sh.run('pwd; echo $FROM_ENV')).stdout).toBe(`${elsewhere}\nchanged\n`);
  });
});
