import { Writable } from 'node:stream';
import { dispatch } from '../../src/report/types.js';
import type { Reporter } from '../../src/report/types.js';
import type { RunEvent } from '../../src/engine/types.js';

/** A writable that keeps what is written to it. */
export function capture(extra: { isTTY?: boolean; columns?: number } = {}): Writable & { text(): string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { text(): string; isTTY?: boolean; columns?: number };
  Object.assign(w, extra);
  w.text = () => chunks.join('');
  return w;
}

export async function play(reporter: Reporter, events: RunEvent[]): Promise<void> {
  for (const e of events) await dispatch([reporter], e);
}
