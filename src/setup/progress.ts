// Set-up progress as plain lines (the same on a terminal and in CI: a build prints a line every
// few seconds at most, so there is nothing to animate).
import { formatDuration } from '../format.js';
import type { Paint } from '../report/color.js';
import type { SetupEvent } from './types.js';

const FORMAT: { [K in SetupEvent['kind']]: (e: Extract<SetupEvent, { kind: K }>, paint: Paint) => string } = {
  'part-start': (e, paint) => `${paint('bold', `setup: ${e.part}`)} ${paint('dim', `(${e.detail})`)}`,
  log: (e, paint) => paint('dim', `  ${e.part}: ${e.line}`),
  'part-end': (e, paint) => `${paint('green', `setup: ${e.part} ${e.cached ? 'cached' : 'ready'}`)} in ${formatDuration(e.ms, { style: 'timing' })}: ${e.detail}`,
  wait: (e, paint) => paint('yellow', `setup: ${e.detail}`),
  done: (e, paint) => `${paint('green', `setup: ready in ${formatDuration(e.ms, { style: 'timing' })}`)}; wrote ${e.envFiles.join(', ')}`,
};

export function formatSetupEvent(event: SetupEvent, paint: Paint): string {
  return (FORMAT[event.kind] as (e: SetupEvent, p: Paint) => string)(event, paint);
}
