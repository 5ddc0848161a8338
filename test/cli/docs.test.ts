// docs/cli.md stays true to the code: every command and every flag the CLI defines is documented,
// and README.md shows the commands the brief promises.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import type { CliContext } from '../../src/cli/context.js';
import { ROOT } from './built-cli.js';

const ctx: CliContext = { stdout: new PassThrough(), stderr: new PassThrough(), env: {}, isTTY: false, color: false, colorStderr: false, cwd: ROOT, signal: new AbortController().signal, debug: false, exitCode: 0 };

describe('docs/cli.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
  const program = buildProgram(ctx);

  it('has a section for every command, listing each of its flags', () => {
    expect(program.commands.length).toBeGreaterThanOrEqual(5);
    for (const cmd of program.commands) {
      const heading = doc.indexOf(`## kubelab ${cmd.name()}`);
      expect(heading, `section for ${cmd.name()}`).toBeGreaterThan(-1);
      const next = doc.indexOf('\n## ', heading + 1);
      let section = doc.slice(heading, next === -1 ? undefined : next);
      // `update` documents its flags as "the same flags" as `run`.
      if (section.includes('same flags')) section += doc.slice(doc.indexOf('## kubelab run'), doc.indexOf('\n## ', doc.indexOf('## kubelab run') + 1));
      for (const opt of cmd.options) {
        const flag = opt.long ?? opt.short!;
        expect(section.includes(`\`${flag}`) || section.includes(`${flag} `) || section.includes(`[${flag}`), `${cmd.name()} ${flag}`).toBe(true);
      }
    }
    for (const opt of program.options) expect(doc).toContain(opt.long!);
  });

  it('lists every exit code the CLI uses', () => {
    for (const code of ['| 0 |', '| 1 |', '| 2 |', '| 130 |', '| 143 |']) expect(doc).toContain(code);
  });
});

describe('README.md', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  it('says how to install, run a lab and test, and links the docs', () => {
    expect(readme).toContain('npm install');
    expect(readme).toContain('npx kubelab run labs/71-node-log-kubelet-authz.md');
    expect(readme).toMatch(/```sh\nnpm test\n```/);
    for (const d of ['docs/lab-format.md', 'docs/cli.md', 'docs/report-schema.md', 'docs/testing.md']) expect(readme).toContain(`](${d})`);
  });
});
