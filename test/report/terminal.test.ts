import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTerminalReporter } from '../../src/report/terminal.js';
import { colorEnabled } from '../../src/report/color.js';
import { capture, play } from './capture.js';
import { sampleRun } from './events.js';

const ESC = '\x1b[';

describe('terminal reporter, plain (not a TTY)', () => {
  it('prints one line per step start and end, the failure with file:line, diff and output tail, and the summary', async () => {
    const out = capture();
    const { events } = sampleRun();
    await play(createTerminalReporter({ stream: out, isTTY: false, env: {} }), events);
    const text = out.text();
    expect(text).not.toContain(ESC); // no colour, no cursor movement
    expect(text).toContain('[1/3] Create a file …\n');
    expect(text).toMatch(/\[1\/3\] Create a file … ✓ 0\.1s\n/);
    expect(text).toMatch(/\[2\/3\] Check <it> & "quote" … ✗ 0\.1s\n/);
    expect(text).toContain('[3/3] Never … – skipped\n');
    // the failure: where, what, diff, output tail, hint
    expect(text).toContain('labs/demo.md:20 check-it/1');
    expect(text).toContain('$ cat out.txt');
    expect(text).toContain('output differs from lab.md:22');
    expect(text).toContain('      -hello\n');
    expect(text).toContain('      +hullo <b>\n');
    expect(text).toContain('│ warn: odd');
    expect(text).toContain('hint: run `kubelab update`');
    // cleanup: both shown, the failure with its message
    expect(text).toContain('✓ cleanup block cleanup/1');
    expect(text).toContain('cleanup failed: restore /etc/x on kind-worker labs/demo.md:40');
    expect(text).toContain('no such file');
    // summary
    expect(text).toContain('FAILED Demo lab (labs/demo.md)');
    expect(text).toContain('steps: 1 passed, 1 failed, 1 skipped · cleanup: 1 ok, 1 FAILED · 2.5s');
    // the failure details come after their own step's line, before the next step's
    expect(text.indexOf('output differs')).toBeGreaterThan(text.indexOf('[2/3] Check <it> & "quote" … ✗'));
    expect(text.indexOf('labs/demo.md:20 check-it/1')).toBeGreaterThan(text.indexOf('[2/3] Check <it> & "quote" … ✗'));
    expect(text.indexOf('output differs')).toBeLessThan(text.indexOf('[3/3] Never'));
  });

  it('colours the diff when colour is on: removals red, additions green', async () => {
    const out = capture();
    await play(createTerminalReporter({ stream: out, isTTY: false, color: true, env: {} }), sampleRun().events);
    const text = out.text();
    expect(text).toContain(`${ESC}31m-hello${ESC}39m`);
    expect(text).toContain(`${ESC}32m+hullo <b>${ESC}39m`);
    expect(text).not.toContain('\r'); // still no live line
  });

  it('shows only the last 20 lines of a long output and says how many there were', async () => {
    const out = capture();
    const { events } = sampleRun();
    const long = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    for (const e of events) if (e.kind === 'block-end' && e.result.status === 'failed') e.result.output = long;
    await play(createTerminalReporter({ stream: out, isTTY: false, env: {} }), events);
    const text = out.text();
    expect(text).toContain('output (last 20 of 50 lines):');
    expect(text).toContain('│ line 50\n');
    expect(text).toContain('│ line 31\n');
    expect(text).not.toContain('│ line 30\n');
  });

  it('prints a run error with where and what to do', async () => {
    const out = capture();
    const { lab, report } = sampleRun();
    const failed = { ...report, steps: [], cleanup: [], status: 'error' as const, exitCode: 2, error: { code: 'cluster', message: 'docker is not running', hint: 'start docker', pos: { file: lab.file, line: 3 } } };
    await play(createTerminalReporter({ stream: out, isTTY: false, env: {} }), [{ kind: 'run-end', report: failed }]);
    expect(out.text()).toContain('error: docker is not running\n  at labs/demo.md:3\n  hint: start docker\n');
    expect(out.text()).toContain('ERROR Demo lab');
  });
});

describe('terminal reporter, live (TTY)', () => {
  it('draws a redrawn spinner line and clears it before writing results', async () => {
    const out = capture({ isTTY: true, columns: 60 });
    await play(createTerminalReporter({ stream: out, env: {} }), sampleRun().events);
    const text = out.text();
    expect(text).toContain('\r\x1b[2K⠋ [1/3] Create a file');
    // every finished-step line starts on a cleared line, not after the spinner text
    expect(text.split('\r\x1b[2K').some((drawn) => /^\[1\/3\] Create a file … .*✓/.test(drawn))).toBe(true);
    // no drawn line is wider than the terminal
    for (const drawn of text.split('\r\x1b[2K')) {
      const line = stripVTControlCharacters(drawn.split('\n')[0]!);
      if (line.startsWith('⠋')) expect(line.length).toBeLessThan(60);
    }
    expect(stripVTControlCharacters(text)).toContain('FAILED Demo lab');
  });

  it('does not cut the live line to nothing when the terminal reports 0 columns', async () => {
    const out = capture({ isTTY: true, columns: 0 });
    await play(createTerminalReporter({ stream: out, env: {} }), sampleRun().events);
    expect(out.text()).toContain('⠋ [1/3] Create a file\r');
  });

  it('falls back to plain lines when CI=true even on a TTY', async () => {
    const out = capture({ isTTY: true });
    await play(createTerminalReporter({ stream: out, env: { CI: 'true', NO_COLOR: '1' } }), sampleRun().events);
    expect(out.text()).not.toContain('\r');
    expect(out.text()).toContain('[1/3] Create a file …\n');
  });
});

describe('colorEnabled', () => {
  it('follows NO_COLOR, FORCE_COLOR, then the TTY', () => {
    expect(colorEnabled({ isTTY: true, env: {} })).toBe(true);
    expect(colorEnabled({ isTTY: false, env: {} })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: '' } })).toBe(true);
    expect(colorEnabled({ isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(colorEnabled({ isTTY: true, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(colorEnabled({ isTTY: false, env: { FORCE_COLOR: '1' }, color: false })).toBe(false);
  });
});

describe('terminal reporter, details and words', () => {
  it('prints a failed block after its step line also on a TTY, and a run of one step says "1 step"', async () => {
    const out = capture({ isTTY: true, columns: 100 });
    const { events } = sampleRun();
    await play(createTerminalReporter({ stream: out, env: { NO_COLOR: '1' } }), events);
    const text = out.text();
    const stepLine = text.indexOf('[2/3] Check <it> & "quote" … ✗');
    expect(stepLine).toBeGreaterThan(-1);
    expect(text.indexOf('check-it/1')).toBeGreaterThan(stepLine);

    const one = capture();
    const single = sampleRun();
    const l = { ...single.lab, steps: single.lab.steps.slice(0, 1) };
    await play(createTerminalReporter({ stream: one, isTTY: false, env: {} }), [{ kind: 'run-start', lab: l, runId: 'r', total: 1, startedAt: single.report.startedAt }]);
    expect(one.text()).toContain('(labs/demo.md, 1 step)');
    expect(one.text()).not.toContain('1 steps');
  });

  it('shows what a cleanup block ran (its command, first line, shortened), not `cleanup block cleanup/1`', async () => {
    const out = capture();
    const { lab, events } = sampleRun();
    const long = `kubectl delete namespace demo-with-a-rather-long-name --wait=true --timeout=120s --ignore-not-found\necho second line`;
    lab.cleanup.push({ kind: 'sh', id: 'cleanup/1', pos: { file: lab.file, line: 50 }, attrs: lab.steps[0]!.blocks[0]!.attrs, command: long });
    const flagged = { ...lab.steps[0]!.blocks[0]!, id: 'create-a-file/2', command: 'rm -f out.txt' };
    lab.steps[0]!.blocks.push(flagged);
    const extra = [
      { kind: 'cleanup-end' as const, result: { label: 'cleanup block create-a-file/2', source: 'undo' as const, status: 'failed' as const, durationMs: 5, message: 'exit code 1' } },
    ];
    const at = events.findIndex((e) => e.kind === 'run-end');
    await play(createTerminalReporter({ stream: out, isTTY: false, env: {} }), [...events.slice(0, at), ...extra, ...events.slice(at)]);
    const text = out.text();
    expect(text).not.toContain('cleanup block cleanup/1');
    expect(text).toContain('✓ kubectl delete namespace demo-with-a-rather-long-name');
    expect(text).toMatch(/✓ kubectl delete namespace \S+ --wait=true[^\n]*… /);
    expect(text).not.toContain('second line');
    expect(text).toContain('cleanup failed: rm -f out.txt');
    // an undo keeps its own label
    expect(text).toContain('cleanup failed: restore /etc/x on kind-worker');
  });

  it('bounds a huge output before showing its tail, and says how much was not shown', async () => {
    const out = capture();
    const { events } = sampleRun();
    const huge = 'x'.repeat(100) + '\n' + Array.from({ length: 30_000 }, (_, i) => `line ${i + 1} ${'y'.repeat(60)}`).join('\n') + '\n';
    for (const e of events) if (e.kind === 'block-end' && e.result.status === 'failed') e.result.output = huge;
    await play(createTerminalReporter({ stream: out, isTTY: false, env: {} }), events);
    const text = out.text();
    expect(text).toContain(`│ line 30000 ${'y'.repeat(60)}\n`);
    expect(text).toMatch(/output \(last 20 lines; more than \d+\.\d MB before them not shown\):/);
  });
});

describe('terminal reporter, steps that never started', () => {
  it('lists them before the summary', async () => {
    const out = capture();
    const { events } = sampleRun();
    // the runner emits no step-start/step-end for steps it does not reach
    const trimmed = events.filter((e) => !((e.kind === 'step-start' || e.kind === 'step-end') && e.step.index === 2) && !(e.kind.startsWith('block') && 'step' in e && e.step.index === 2));
    await play(createTerminalReporter({ stream: out, isTTY: false, env: {} }), trimmed);
    const text = out.text();
    expect(text).toContain('[3/3] Never … – not run\n');
    expect(text.indexOf('– not run')).toBeLessThan(text.indexOf('FAILED Demo lab'));
    expect(text).not.toContain('[3/3] Never … – skipped');
  });
});
