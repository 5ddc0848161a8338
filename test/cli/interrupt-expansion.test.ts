// SIGINT while a block is inside a command substitution (`"$(kubectl ...)"`, as labs/71's
// `can-i` loop): the shell exits from within the expansion and is replaced, the dead shell's
// children are reaped, and the run goes on to its cleanup and exits 130. It used to exit 0 at
// that point, skipping its cleanup: the reap's wait was the only thing left keeping Node alive,
// and it was unref'd. Found by test/e2e/lab71-interrupt.e2e.test.ts. Spawns the built CLI (dist/,
// `npx tsc -p .` first).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, ROOT } from './built-cli.js';

const CLI = join(ROOT, 'dist/src/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'kubelab-int-expansion-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SIGINT inside a command substitution', () => {
  it('still cleans up and exits 130', async () => {
    const lab = join(tmp, 'lab.md');
    const marker = join(tmp, 'in-expansion');
    const cleaned = join(tmp, 'cleaned');
    writeFileSync(
      lab,
      `---\ntitle: Expansion\nid: expansion\ncluster: { provider: none }\n---\n\n# Expansion\n\n## Loop\n\n\`\`\`sh\nfor i in 1 2 3; do printf '%s\\n' "$(touch ${marker}; sleep 5; echo $i)"; done\n\`\`\`\n\n## Cleanup\n\n\`\`\`sh\ntouch ${cleaned}\n\`\`\`\n`,
    );
    const state = join(tmp, 'state');
    const child = spawn(process.execPath, [CLI, 'run', lab], { cwd: ROOT, env: cliEnv({ KUBELAB_STATE_DIR: state }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    // A wait, not a speed check: until the block is inside the substitution.
    const deadline = Date.now() + 60_000;
    while (!existsSync(marker) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(marker), out).toBe(true);
    child.kill('SIGINT');
    const code = await closed;
    expect(code, out).toBe(130);
    expect(existsSync(cleaned), out).toBe(true);
    expect(readdirSync(join(state, 'journals')).filter((f) => f.endsWith('.json'))).toEqual([]);
  }, 90_000);
});
