// Reporter registry: name → factory. The CLI's --reporter, --junit and --json map onto these.
import { UsageError } from '../errors.js';
import { createDotReporter } from './dot.js';
import { createGithubReporter } from './github.js';
import { createJsonReporter } from './json.js';
import { createJunitReporter } from './junit.js';
import { createSilentReporter } from './silent.js';
import { createTerminalReporter } from './terminal.js';
import type { Reporter, ReporterOptions } from './types.js';

export const REPORTERS = {
  terminal: createTerminalReporter,
  junit: createJunitReporter,
  json: createJsonReporter,
  github: createGithubReporter,
  dot: createDotReporter,
  silent: createSilentReporter,
} as const satisfies Record<string, (opts: ReporterOptions) => Reporter>;

export type ReporterName = keyof typeof REPORTERS;

export function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(REPORTERS, name);
}

/** Build a reporter by name. Throws UsageError for an unknown name or a file reporter without a file. */
export function createReporter(name: string, opts: ReporterOptions = {}): Reporter {
  if (!isReporterName(name)) {
    throw new UsageError('unknown-reporter', `unknown reporter "${name}"`, { hint: `use one of: ${Object.keys(REPORTERS).join(', ')}` });
  }
  return REPORTERS[name](opts);
}

export { dispatch } from './types.js';
export type { Reporter, ReporterOptions } from './types.js';
