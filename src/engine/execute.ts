// executeBlock: the one path every block takes, in `run`, `update`, `learn`, `grade` and cleanup.
// It owns what is the same for every kind: retry (`retry=`), the timeout of typed blocks, an
// exception turned into an `error` result with the block's position, captures set in the shell
// and the vars, and redaction of everything the result carries. The kind's module (src/blocks/)
// does one attempt.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Block, Step } from '../lab/model.js';
import type { BlockResult } from '../model/report.js';
import type { ExecContext, ExecOutcome } from './types.js';
import { createExecContext, type BlockSession } from './context.js';
import { blockModule } from '../blocks/registry.js';
import { KubelabError, formatPos } from '../errors.js';
import { formatDuration } from '../format.js';
import { REDACTED } from './redact.js';

const FIRST_RETRY_DELAY_MS = 200;
const MAX_RETRY_DELAY_MS = 5_000;

export interface ExecuteOptions {
  phase?: ExecContext['phase'];
}

/** A result for a block that did not run (`skip`, hint, an earlier failure, not selected). */
export function skippedResult(block: Block, message?: string): BlockResult {
  return {
    id: block.id,
    kind: block.kind,
    name: block.attrs.name,
    pos: block.pos,
    status: 'skipped',
    command: blockModule(block).describe(block),
    timedOut: false,
    attempts: 0,
    durationMs: 0,
    output: '',
    stdout: '',
    stderr: '',
    message,
    points: block.attrs.points,
  };
}

export async function executeBlock(session: BlockSession, step: Step | undefined, block: Block, opts: ExecuteOptions = {}): Promise<BlockResult> {
  const mod = blockModule(block);
  const execute = (session.executors?.[block.kind] ?? mod.execute) as (b: Block, c: ExecContext) => Promise<ExecOutcome>;
  const phase = opts.phase ?? 'step';
  const started = performance.now();
  const retryMs = block.attrs.retry ?? 0;
  const deadline = started + retryMs;
  let delay = FIRST_RETRY_DELAY_MS;
  let attempts = 0;
  let out: ExecOutcome;
  for (;;) {
    attempts++;
    out = await attempt(session, step, block, phase, execute, mod.ownsTimeout === true);
    if (out.status !== 'failed' || out.timedOut || out.aborted || session.signal.aborted || retryMs <= 0) break;
    if (performance.now() + delay > deadline) break;
    session.progress(session.redactor.redact(`${block.id}: not yet (${out.message ?? 'failed'}); retrying in ${formatDuration(delay)}`));
    await sleep(delay, undefined, { signal: session.signal }).catch(() => undefined);
    if (session.signal.aborted) break;
    delay = Math.min(Math.round(delay * 1.6), MAX_RETRY_DELAY_MS);
  }
  const durationMs = performance.now() - started;
  if (out.status !== 'passed' && attempts > 1) out.message = `${out.message ?? 'failed'} (after ${attempts} attempts in ${formatDuration(durationMs)})`;

  const secret = block.attrs.secret;
  const outputOnly = out.status === 'failed' && !out.timedOut && !out.aborted && out.diff !== undefined;
  // Captures of a block that did not pass are kept only where the session's policy says so.
  if (out.captures && out.status !== 'passed' && !(outputOnly && session.capturesOnOutputMismatch)) out = { ...out, captures: undefined };
  if (out.captures) {
    for (const [name, value] of Object.entries(out.captures)) {
      if (secret) session.redactor.addSecret(value);
      session.vars[name] = value;
      await session.shell.setEnv(name, value);
    }
    session.captured?.(out.captures, secret);
  }
  if (secret && out.status !== 'passed') {
    // What did not match is unknown, so none of it may be shown: it may be the secret itself.
    const hidden = out.output || out.stdout || out.stderr ? `${REDACTED} (the output of a secret block is never shown)\n` : '';
    out = { ...out, output: hidden, stdout: hidden, stderr: '', diff: undefined, captures: undefined, hint: 'the output of a `secret` block is not shown; run its command by hand to see it' };
  }
  return redactResult(session, block, { ...out, durationMs }, attempts);
}

async function attempt(session: BlockSession, step: Step | undefined, block: Block, phase: ExecContext['phase'], execute: (b: Block, c: ExecContext) => Promise<ExecOutcome>, ownsTimeout: boolean): Promise<ExecOutcome> {
  const started = performance.now();
  const timeoutMs = block.attrs.timeout ?? session.lab.timeout;
  // A typed block is stopped through its signal when its time is up; the shell stops an `sh`
  // block itself (it kills the block's processes and keeps the shell's state).
  const timer = ownsTimeout ? undefined : AbortSignal.timeout(timeoutMs);
  const signal = timer ? AbortSignal.any([session.signal, timer]) : session.signal;
  const ctx = createExecContext(session, step, block, phase, signal);
  try {
    return await execute(block, ctx);
  } catch (e) {
    const base = { command: blockModule(block).describe(block), exitCode: null, signal: null, durationMs: performance.now() - started, output: '', stdout: '', stderr: '' };
    if (session.signal.aborted) return { ...base, status: 'failed', timedOut: false, aborted: true, message: 'interrupted' };
    if (timer?.aborted) {
      return { ...base, status: 'failed', timedOut: true, message: `timed out after ${formatDuration(timeoutMs)}`, hint: 'raise the block\'s timeout (`timeout=5m`) or the lab\'s default' };
    }
    const ke = e instanceof KubelabError ? e : undefined;
    return {
      ...base,
      status: 'error',
      timedOut: false,
      message: `${e instanceof Error ? e.message : String(e)}${ke?.pos ? '' : ` (${formatPos(block.pos)})`}`,
      hint: ke?.hint,
    };
  }
}

function redactResult(session: BlockSession, block: Block, out: ExecOutcome, attempts: number): BlockResult {
  const r = session.redactor;
  const { aborted: _aborted, notice: _notice, ...fields } = out;
  const captures = out.captures && (block.attrs.secret ? Object.fromEntries(Object.keys(out.captures).map((k) => [k, REDACTED])) : out.captures);
  return {
    ...fields,
    id: block.id,
    kind: block.kind,
    name: block.attrs.name,
    pos: block.pos,
    points: block.attrs.points,
    attempts,
    command: r.redact(out.command),
    output: r.redact(out.output),
    stdout: r.redact(out.stdout),
    stderr: r.redact(out.stderr),
    diff: r.redact(out.diff),
    message: r.redact(out.message),
    hint: r.redact(out.hint),
    captures: captures && Object.fromEntries(Object.entries(captures).map(([k, v]) => [k, r.redact(v)])),
  };
}
