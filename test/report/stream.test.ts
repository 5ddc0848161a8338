// safeStream: a stream that fails (EPIPE, EIO) or was destroyed drops what it is given instead
// of crashing the process with an unhandled 'error' event.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isBroken, safeStream } from '../../src/report/stream.js';
import { createTerminalReporter } from '../../src/report/terminal.js';
import { play } from './capture.js';
import { sampleRun } from './events.js';

function failingAfter(n: number): Writable & { written: string[] } {
  const written: string[] = [];
  const w = new Writable({
    write(chunk, _e, cb) {
      if (written.length >= n) return cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      written.push(String(chunk));
      cb();
    },
  }) as Writable & { written: string[] };
  w.written = written;
  return w;
}

describe('safeStream', () => {
  it('passes writes and properties through until the stream fails, then drops writes without an unhandled error', async () => {
    const raw = failingAfter(1);
    Object.assign(raw, { isTTY: true, columns: 77 });
    const s = safeStream(raw);
    expect((s as unknown as { columns: number }).columns).toBe(77);
    expect((s as unknown as { isTTY: boolean }).isTTY).toBe(true);
    s.write('one\n');
    s.write('two\n'); // fails: EPIPE
    await new Promise((r) => setTimeout(r, 10));
    expect(isBroken(s)).toBe(true);
    expect(() => s.write('three\n')).not.toThrow();
    expect(raw.written).toEqual(['one\n']);
    expect(safeStream(s)).toBe(s);
  });

  it('a reporter writing to a closed stream goes through a whole run', async () => {
    const raw = failingAfter(2);
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      await play(createTerminalReporter({ stream: raw, isTTY: false, env: {} }), sampleRun().events);
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors).toEqual([]);
    expect(raw.written).toHaveLength(2);
  });

  it('a destroyed stream is broken from the start', () => {
    const raw = failingAfter(10);
    raw.destroy();
    const s = safeStream(raw);
    expect(isBroken(s)).toBe(true);
    expect(() => s.write('x')).not.toThrow();
  });
});
