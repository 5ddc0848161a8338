// set -x in the lab's shell traces commands as the learner's own bash prints them ("+ cmd", not
// "++ cmd"): each case is compared with what `bash -c` prints for the same commands. Real bash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openShell } from '../../src/engine/shell.js';
import type { Shell } from '../../src/engine/types.js';

let dir: string;
let sh: Shell;
const env = { ...(process.env as Record<string, string>) };
delete env.PS4;
delete env.BASH_XTRACEFD;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubelab-xtrace-')));
  sh = await openShell({ cwd: dir, env });
});
afterAll(async () => {
  await sh.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What bash itself prints for `set -x` then these commands (stdout and stderr merged). */
function bashSays(commands: string, setup = ''): string {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', `exec 2>&1; ${setup}\nset -x\n${commands}`], { cwd: dir, env, encoding: 'utf8' });
  return r.stdout;
}

const cases: Record<string, [string, string?]> = {
  simple: ['echo traced'],
  'several commands': ['a=1; echo "$a"; true && echo ok; [[ -n $a ]]'],
  'an eval inside the block': [`eval 'echo in-eval'`],
  'a command substitution': ['echo "$(echo inner)"'],
  'a nested substitution': ['echo "$(echo "$(echo deep)")"'],
  'a function': ['f() { echo in-f; }; f'],
  'a custom PS4': ['echo custom', `PS4='>> '`],
  'a unicode PS4 with expansions': ['echo u', `PS4='→ \${FUNCNAME[0]:-top}: '`],
  'a child bash -x (PS4 not exported)': [`bash --norc -xc 'echo child'`],
  'a multi-line argument': [`echo "a\nb"`],
  'PS4 itself': ['echo "[$PS4]"'],
  'a block with an exec redirection': ['exec 3>&1; echo hi >&3'],
};

describe('xtrace', () => {
  for (const [name, [commands, setup]] of Object.entries(cases)) {
    it(`looks as in bash: ${name}`, async () => {
      await sh.run(`${setup ?? `PS4='+ '`}; set -x`);
      const r = await sh.run(commands, { mergeStreams: true });
      await sh.run('set +x');
      expect(r.output).toBe(bashSays(commands, setup));
    });
  }

  it('set -x turned on inside the block itself', async () => {
    await sh.run(`PS4='+ '`);
    const r = await sh.run('set -x; echo same-block; set +x', { mergeStreams: true });
    expect(r.output).toBe(bashSays('echo same-block; set +x'));
  });

  it('separate streams: the trace in stderr, as bash writes it', async () => {
    await sh.run('set -x');
    const r = await sh.run('echo out');
    await sh.run('set +x');
    expect(r).toMatchObject({ stdout: 'out\n', stderr: '+ echo out\n' });
  });

  it('PS4 changed by a block stays as the block set it, and is saved as such', async () => {
    await sh.run(`PS4='## '`);
    expect((await sh.run('echo "$PS4"')).stdout).toBe('## \n');
    const snap = await sh.snapshot!();
    expect(snap).not.toContain('KLx');
    expect(snap.split('\n').filter((l) => l.includes('PS4'))).toEqual(['PS4=\\##\\ ']);
    await sh.run(`PS4='+ '`);
  });

  it('output with the marker bytes but no marker passes untouched', async () => {
    const r = await sh.run(`printf '\\035\\035x\\035KL\\036y\\035'`);
    expect(r.stdout).toBe('\x1d\x1dx\x1dKL\x1ey\x1d');
  });
});

describe('xtrace to a file of the lab (BASH_XTRACEFD)', () => {
  it('gets no marker bytes', async () => {
    await sh.run(`exec 7>${dir}/trace.log; BASH_XTRACEFD=7`);
    expect((await sh.run('set -x; echo to-file; set +x')).stdout).toBe('to-file\n');
    const r = await sh.run(`unset BASH_XTRACEFD; exec 7>&-; cat ${dir}/trace.log`);
    // (Still one level deeper there: bash writes the file itself.)
    expect(r.stdout).toMatch(/^\+\+? echo to-file\n/);
    expect(r.stdout).not.toContain('\x1d');
    expect(r.stdout).not.toContain('\x1e');
  });

  it('a PS4 the lab builds from the current one does not nest markers', async () => {
    await sh.run(`PS4="$PS4"'x '`);
    const r = await sh.run('set -x; echo n; set +x', { mergeStreams: true });
    expect(r.output).toBe('+ x echo n\nn\n+ x set +x\n');
    await sh.run(`PS4='+ '`);
  });
});
