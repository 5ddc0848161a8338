// `kubelab update` end to end, in-process with real bash sessions (cluster provider none): it
// writes back only what is true (issue 8).
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kubelab-update-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FRONT = '---\ntitle: T\nid: t\ncluster: { provider: none }\n---\n\n# T\n\n';
const fence = (info: string, body: string) => `\`\`\`${info}\n${body}\n\`\`\`\n\n`;

/** A fresh directory holding `lab.md` with `text`. */
function labDir(name: string, text: string | Buffer): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmp, `${name}-`));
  const file = join(dir, 'lab.md');
  writeFileSync(file, text);
  return { dir, file };
}

async function update(dir: string, args: string[], signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['update', ...args], {
    stdout: new Writable({ write: (c, _e, cb) => ((stdout += String(c)), cb()) }),
    stderr: new Writable({ write: (c, _e, cb) => ((stderr += String(c)), cb()) }),
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', KUBELAB_STATE_DIR: join(dir, '.state') },
    isTTY: false,
    signal,
  });
  return { code, stdout, stderr };
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('kubelab update writes back only what is true', { timeout: 60_000 }, () => {
  it('never writes [REDACTED]: a secret block and output the redactor changed are left as they were, and listed', async () => {
    const src =
      `${FRONT}## Token\n\n${fence('sh', 'echo "token: abcdefgh12345"; echo new')}${fence('text', 'token: abc\nold')}` +
      `## Secret\n\n${fence('sh { secret }', 'echo hunter2secret')}${fence('text', 'old secret')}` +
      `## Other\n\n${fence('sh', 'echo fresh')}${fence('text', 'stale')}`;
    const { dir, file } = labDir('redacted', src);
    const r = await update(dir, ['lab.md']);
    const after = readFileSync(file, 'utf8');
    expect(after).not.toContain('[REDACTED]');
    expect(after).toBe(src.replace('stale', 'fresh'));
    expect(r.stdout).toContain(`not updated lab.md:${lineOf(src, '```text\ntoken: abc')}:1 (token/1): the output shows [REDACTED]`);
    expect(r.stdout).toMatch(new RegExp(`not updated lab\\.md:${lineOf(src, '```text\nold secret')}:1 \\(secret/1\\): the block is \`secret\``));
    expect(r.stdout).toContain('lab.md: 1 expected output updated, 2 not updated');
    expect(r.code).toBe(1);
  });

  it('a stale block whose capture lines still match sets its captures: one update fixes it and later blocks stay right', async () => {
    const src =
      `${FRONT}## Pods\n\n${fence('sh', 'echo "web-1 1/1 Running"; echo "restarts: 0"')}${fence('text', '{{pod}} 1/1 Running\nrestarts: 3')}` +
      `${fence('sh', 'echo "$pod"')}${fence('text', 'web-1')}` +
      `## Logs\n\n${fence('sh', 'echo "logs of $pod"')}${fence('text', 'logs of web-1')}`;
    const { dir, file } = labDir('captures', src);
    const first = await update(dir, ['lab.md']);
    const fixed = src.replace('restarts: 3', 'restarts: 0');
    // The capture line stays, the stale line changes, the blocks using $pod keep their (right) text.
    expect(readFileSync(file, 'utf8')).toBe(fixed);
    expect(first.stdout).not.toContain('not updated');
    expect(first.code).toBe(0);
  });

  it('does not rewrite blocks that ran without a capture the stale block could not take', async () => {
    const src =
      `${FRONT}## Pods\n\n${fence('sh', 'echo "web-1 1/1 Running"')}${fence('text', '{{pod}} 0/1 Pending')}` +
      `${fence('sh', 'echo "${pod:-unset}"')}${fence('text', 'web-1')}` +
      `## Logs\n\n${fence('sh', 'echo "logs of ${pod:-unset}"')}${fence('text', 'logs of web-1')}`;
    const { dir, file } = labDir('captures-lost', src);
    const first = await update(dir, ['lab.md']);
    expect(first.stdout).toContain(`not updated lab.md:${lineOf(src, '```text\nweb-1\n')}:1 (pods/2): it ran after pods/1`);
    expect(first.stdout).toContain('{{pod}}');
    expect(first.stdout).toMatch(/not updated lab\.md:\d+:1 \(logs\/1\)/);
    expect(first.code).toBe(1);
    // The blocks that use $pod were right and are still as the author wrote them.
    expect(readFileSync(file, 'utf8')).toContain('```text\nlogs of web-1\n```');
  });

  it('writes through a symlink to its target, keeping the mode, with no temp file left', async () => {
    const src = `${FRONT}## S\n\n${fence('sh', 'printf "start\\nfresh\\n"')}${fence('text', 'start\n...\nold')}`;
    const dir = mkdtempSync(join(tmp, 'symlink-'));
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'lab.md');
    writeFileSync(target, src, { mode: 0o640 });
    symlinkSync(join('real', 'lab.md'), join(dir, 'link.md'));
    const r = await update(dir, ['link.md']);
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'link.md')).isSymbolicLink()).toBe(true);
    // `...` stood for nothing and still does; the changed last line is replaced (not dropped).
    expect(readFileSync(target, 'utf8')).toBe(src.replace('start\n...\nold', 'start\n...\nfresh'));
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(dir, 'real'))).toEqual(['lab.md']);
    expect(readdirSync(dir).sort()).toEqual(['.state', 'link.md', 'real'].filter((n) => existsSync(join(dir, n))));
  });

  it('keeps the mode of a regular lab file (not reset by the umask)', async () => {
    const src = `${FRONT}## S\n\n${fence('sh', 'echo fresh')}${fence('text', 'old')}`;
    const { dir, file } = labDir('mode', src);
    chmodSync(file, 0o600);
    const r = await update(dir, ['lab.md']);
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(src.replace('old', 'fresh'));
    expect(statSync(file).mode & 0o7777).toBe(0o600);
  });

  it('writes nothing when interrupted during the Cleanup section', async () => {
    const mark = join(tmp, 'cleanup-started');
    const src = `${FRONT}## S\n\n${fence('sh', 'echo new')}${fence('text', 'old')}## Cleanup\n\n${fence('sh', 'touch "$MARK"; sleep 1')}`;
    const { dir, file } = labDir('interrupt', src);
    const controller = new AbortController();
    const running = update(dir, ['lab.md', '--var', `MARK=${mark}`], controller.signal);
    const started = Date.now();
    while (!existsSync(mark) && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(mark)).toBe(true);
    controller.abort('SIGINT');
    const r = await running;
    expect(readFileSync(file, 'utf8')).toBe(src);
    expect(r.stdout).toContain('lab.md: not updated (the run was interrupted)');
    expect(r.stdout).not.toMatch(/^updated /m);
    expect(r.code).toBe(130);
  });

  it('refuses a lab that is not UTF-8 before running it, with file:line', async () => {
    const mark = join(tmp, 'utf8-ran');
    const text = `${FRONT}Caf\u00e9 au lait.\n\n## S\n\n${fence('sh', `touch "${mark}"; echo new`)}${fence('text', 'old')}`;
    const bytes = Buffer.from(text, 'latin1');
    const { dir, file } = labDir('latin1', bytes);
    const r = await update(dir, ['lab.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kubelab: error: lab\.md:9:4: the lab is not valid UTF-8 \(byte 0xe9/);
    expect(r.stderr).toMatch(/hint: save it as UTF-8/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(mark)).toBe(false);
  });
});
