import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { worstExitCode, type CliContext } from '../../src/cli/context.js';
import { formatError } from '../../src/cli/errors.js';
import { buildReporters } from '../../src/cli/reporters.js';
import { parseSshTarget, parseVar } from '../../src/cli/run-options.js';
import { LabError, UsageError } from '../../src/errors.js';
import { VERSION } from '../../src/version.js';
import { ROOT } from './built-cli.js';

function ctx(env: NodeJS.ProcessEnv = {}): CliContext {
  return { stdout: new PassThrough(), stderr: new PassThrough(), env, isTTY: false, color: false, colorStderr: false, cwd: '/tmp', signal: new AbortController().signal, debug: false, exitCode: 0 };
}

describe('cli helpers', () => {
  it('VERSION equals package.json version', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('worstExitCode: interrupted > usage/lab error > failed > passed', () => {
    expect([0, 1, 0].reduce(worstExitCode)).toBe(1);
    expect([1, 2, 0].reduce(worstExitCode)).toBe(2);
    expect([2, 130, 1].reduce(worstExitCode)).toBe(130);
    expect([0, 143].reduce(worstExitCode)).toBe(143);
  });

  it('--var K=V accumulates and rejects what is not a variable assignment', () => {
    expect(parseVar('B=x=y', parseVar('A=1', {}))).toEqual({ A: '1', B: 'x=y' });
    expect(parseVar('EMPTY=', {})).toEqual({ EMPTY: '' });
    for (const bad of ['novalue', '=v', '1A=v', 'A-B=v']) expect(() => parseVar(bad, {})).toThrow(InvalidArgumentError);
  });

  it('--ssh NODE=TARGET accumulates a node to target map and rejects a missing node or target', () => {
    expect(parseSshTarget('worker-1=root@10.0.0.6', parseSshTarget('worker-0=admin@10.0.0.5', {}))).toEqual({
      'worker-0': 'admin@10.0.0.5',
      'worker-1': 'root@10.0.0.6',
    });
    for (const bad of ['worker-0', '=root@h', 'worker-0=']) expect(() => parseSshTarget(bad, {})).toThrow(InvalidArgumentError);
  });

  it('buildReporters: terminal by default, files add junit/json, GitHub Actions adds github first', () => {
    expect(buildReporters({}, ctx()).map((r) => r.name)).toEqual(['terminal']);
    expect(buildReporters({ junit: 'j.xml', json: 'r.json' }, ctx()).map((r) => r.name)).toEqual(['terminal', 'junit', 'json']);
    expect(buildReporters({ reporter: ['dot', 'dot'] }, ctx({ GITHUB_ACTIONS: 'true' })).map((r) => r.name)).toEqual(['github', 'dot']);
    expect(() => buildReporters({ reporter: ['junit'] }, ctx())).toThrow(UsageError);
    expect(() => buildReporters({ reporter: ['fancy'] }, ctx())).toThrow(/unknown reporter "fancy"/);
  });

  it('formatError: one line, where, hint; stack only with debug', () => {
    const err = new LabError('lab', 'unknown attribute `x`', { pos: { file: 'l.md', line: 4, col: 2 }, hint: 'remove it' });
    expect(formatError(err, { color: false, debug: false })).toBe('kubelab: error: unknown attribute `x`\n  at l.md:4:2\n  hint: remove it\n');
    const bug = formatError(new TypeError('x is undefined'), { color: false, debug: false });
    expect(bug).toBe('kubelab: error: x is undefined\n  hint: this is a bug or an unexpected condition; rerun with --debug for a stack trace\n');
    expect(formatError(new TypeError('boom'), { color: false, debug: true })).toMatch(/TypeError: boom\n\s+at /);
    expect(formatError(err, { color: true, debug: false })).toContain('\x1b[31mkubelab: error:');
  });
});
