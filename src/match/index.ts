// PLACEHOLDER (replaced by the matcher module): exact comparison only.
import type { ExpectedOutput } from '../lab/model.js';

export interface ActualOutput {
  output: string;
  stdout: string;
  stderr: string;
}

export interface MatchResult {
  ok: boolean;
  /** Named captures (see docs/lab-format.md). */
  captures: Record<string, string>;
  /** Unified diff expected/actual when !ok. */
  diff?: string;
}

export function matchOutput(expected: ExpectedOutput, actual: ActualOutput): MatchResult {
  const text = expected.stream === 'stdout' ? actual.stdout : expected.stream === 'stderr' ? actual.stderr : actual.output;
  const ok = text.trimEnd() === expected.text.trimEnd();
  return { ok, captures: {}, diff: ok ? undefined : `-${expected.text}\n+${text}` };
}
