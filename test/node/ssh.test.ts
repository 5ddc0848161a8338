import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { shellQuote } from '../../src/node/process.js';
import { parseSystemctlShow } from '../../src/node/command-node.js';

describe('shellQuote', () => {
  it('round-trips any argv through a real sh, as ssh joins it', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/\0/g, '')), { maxLength: 4 }), (args) => {
        const line = ['printf', '%s\\0', ...args].map(shellQuote).join(' ');
        const out = args.length ? execFileSync('sh', ['-c', line], { encoding: 'utf8' }) : '';
        if (args.length) expect(out.split('\0').slice(0, -1)).toEqual(args);
      }),
      { numRuns: 40 },
    );
  });
});

describe('parseSystemctlShow', () => {
  it('reads KEY=VALUE lines', () => {
    expect(parseSystemctlShow('ActiveState=active\nSubState=running\nNRestarts=0\n')).toEqual({ ActiveState: 'active', SubState: 'running', NRestarts: '0' });
  });
});
