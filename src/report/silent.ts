// No output at all (the exit code and any --junit/--json files still tell the result).
import type { Reporter } from './types.js';

export function createSilentReporter(): Reporter {
  return { name: 'silent' };
}
