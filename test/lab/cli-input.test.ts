// Lab files that must not pass any command: no steps (empty, prose only, binary), invalid UTF-8,
// captures and vars the lab's bash cannot take. In-process CLI, real shells; nothing gets to run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLabSource, firstInvalidUtf8 } from '../../src/lab/source.js';
import { expectUsageError, runCliCaptured } from '../cli/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-input-'));
const env = { ...process.env, KUBELAB_STATE_DIR: join(dir, 'state') };
const write = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const F = '```';

describe('a lab with nothing to run is refused by every command, at file:1', () => {
  const labs = {
    empty: write('empty.md', ''),
    prose: write('prose.md', '# Notes\n\nJust prose, no steps.\n'),
    binary: write('binary.md', Uint8Array.from([0, 1, 2, 3, 0x7f, 0, 10, 0, 0x1b, 0x5b])),
    'steps without blocks': write('headings.md', '## One\n\nRead this.\n\n## Two\n\n```yaml\na: 1\n```\n'),
  };
  for (const [what, path] of Object.entries(labs)) {
    it(`${what}: run, update, list and learn exit 2 with the position and what a step is; lint reports it`, async () => {
      for (const argv of [['run', path], ['update', path], ['list', path], ['learn', path, '--plain']]) {
        const r = await runCliCaptured(argv, { env, stdin: ['quit\n'] });
        expectUsageError(r, new RegExp(`${path.replaceAll('.', '\\.')}:1: .*has no steps to learn, run or grade`));
        expect(r.stderr).toMatch(/hint: a step is a level-2 heading \(`## Step title`\) with a `sh` block/);
        expect(r.stdout).toBe('');
      }
      const lint = await runCliCaptured(['lint', path], { env });
      expect(lint.code).toBe(2);
      expect(lint.stdout).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')}:1:1: error: .*has no steps`, 'm'));
    });
  }

  it('a lab with one block still runs', async () => {
    const r = await runCliCaptured(['run', write('one.md', `## Step\n\n${F}sh\necho hi\n${F}\n`)], { env });
    expect(r.code).toBe(0);
  });
});

describe('a lab that is not UTF-8 is refused at the first bad byte, and never rewritten', () => {
  const latin1 = Buffer.concat([Buffer.from(`## Step\n\n${F}sh\necho caf`), Buffer.from([0xe9]), Buffer.from(`\n${F}\n\n${F}text\ncafe\n${F}\n`)]);

  it('run, update, list, learn and lint exit 2 with file:line:col', async () => {
    const path = write('latin1.md', latin1);
    for (const argv of [['run', path], ['update', path], ['list', path], ['learn', path, '--plain']]) {
      const r = await runCliCaptured(argv, { env, stdin: ['quit\n'] });
      expectUsageError(r, new RegExp(`${path.replaceAll('.', '\\.')}:4:9: the lab is not valid UTF-8 \\(byte 0xe9`));
      expect(r.stderr).toMatch(/hint: save it as UTF-8/);
    }
    const lint = await runCliCaptured(['lint', path, write('ok.md', `## S\n\n${F}sh\ntrue\n${F}\n`)], { env });
    expect(lint.code).toBe(2);
    expect(lint.stdout).toMatch(/latin1\.md:4:9: error: the lab is not valid UTF-8/);
    expect(lint.stderr).toMatch(/2 labs: 1 error/);
    // `update` would have written U+FFFD for the byte: the file is untouched.
    expect(readFileSync(path).equals(latin1)).toBe(true);
  });

  it('finds the first invalid sequence: stray continuation, overlong, surrogate, truncated, past U+10FFFF', () => {
    const at = (...bytes: number[]) => firstInvalidUtf8(Uint8Array.from(bytes));
    expect(at(0x61, 0xc3, 0xa9, 0x62)).toBe(4);
    expect(at(0x61, 0x80)).toBe(1);
    expect(at(0xc0, 0xaf)).toBe(0);
    expect(at(0xe0, 0x80, 0xaf)).toBe(0);
    expect(at(0xed, 0xa0, 0x80)).toBe(0);
    expect(at(0x61, 0xe2, 0x82)).toBe(1);
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0);
    expect(at(0xf0, 0x9f, 0x9a, 0x80, 0xff)).toBe(4);
    expect(() => decodeLabSource(Uint8Array.from([0x0d, 0x0a, 0xf0, 0x9f, 0x9a, 0x80, 0x20, 0xff]), 'x.md')).toThrow(/^x\.md:2:4: the lab is not valid UTF-8 \(byte 0xff at offset 7\)$/);
    // A BOM stays in the text (`update` writes the file back with it).
    expect(decodeLabSource(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]), 'x.md')).toBe('\ufeffa');
  });
});

describe('names the lab\'s bash cannot take', () => {
  it('a capture named UID lints as an error at the capture, and run refuses the lab before running anything', async () => {
    const path = write('uid.md', `## Step\n\n${F}sh\necho "uid 1000"\n${F}\n\n${F}text\nuid {{UID}}\n${F}\n`);
    const lint = await runCliCaptured(['lint', path], { env });
    expect(lint.code).toBe(2);
    expect(lint.stdout).toMatch(/uid\.md:8:5: error: expected output: capture UID: UID is a read-only bash variable/);
    expect(lint.stdout).toMatch(/hint: rename the capture/);
    const run = await runCliCaptured(['run', path], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/uid\.md:8:5: expected output: capture UID/);
  });

  it('front-matter vars and --var names too', async () => {
    const path = write('vars.md', `---\nvars:\n  RANDOM: "4"\n---\n## Step\n\n${F}sh\necho "$RANDOM"\n${F}\n`);
    const lint = await runCliCaptured(['lint', path], { env });
    expect(lint.stdout).toMatch(/vars\.md:3:3: error: var RANDOM is a bash variable bash sets or reads itself/);
    const ok = write('ok-var.md', `## Step\n\n${F}sh\necho "$PPID"\n${F}\n`);
    const run = await runCliCaptured(['run', ok, '--var', 'PPID=1'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PPID is a read-only bash variable/);
  });
});
