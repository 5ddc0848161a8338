// Set-up progress as plain lines (the same on a terminal and in CI: a build prints a line every
// few seconds at most, so there is nothing to animate).
import type { Paint } from '../report/color.js';
import type { SetupEvent } from './types.js';

/** `3m07s`, `12.4 s`, `0.3 s` */
export function formatMs(ms: number): string {
  if (ms >= 60_000) {
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  }
  return `${(ms / 1000).toFixed(1)} s`;
}

const FORMAT: { [K in SetupEvent['kind']]: (e: Extract<SetupEvent, { kind: K }>, paint: Paint) => string } = {
  'part-start': (e, paint) => `${paint('bold', `setup: ${e.part}`)} ${paint('dim', `(${e.detail})`)}`,
  log: (e, paint) => paint('dim', `  ${e.part}: ${e.line}`),
  'part-end': (e, paint) => `${paint('green', `setup: ${e.part} ${e.cached ? 'cached' : 'ready'}`)} in ${formatMs(e.ms)}: ${e.detail}`,
  wait: (e, paint) => paint('yellow', `setup: ${e.detail}`),
  done: (e, paint) => `${paint('green', `setup: ready in ${formatMs(e.ms)}`)}; wrote ${e.envFiles.join(', ')}`,
};

export function formatSetupEvent(event: SetupEvent, paint: Paint): string {
  return (FORMAT[event.kind] as (e: SetupEvent, p: Paint) => string)(event, paint);
}
