// Output streams that can go away under us: `kubelab run LAB | head -1` closes the pipe (EPIPE),
// a closed terminal gives EIO, a consumer may destroy a stream it handed us. Writing to such a
// stream must never crash kubelab (an unhandled 'error' event kills Node with a stack trace, and
// the run's cleanup with it): once a stream fails, later writes are dropped silently and the run
// goes on. Every writer (reporters, the CLI's messages, progress lines) goes through safeStream.
import type { EventEmitter } from 'node:events';

interface StreamState {
  broken: boolean;
}

const states = new WeakMap<object, StreamState>();
/** Guarded stream → the stream it guards. */
const targets = new WeakMap<object, NodeJS.WritableStream>();

function stateOf(stream: NodeJS.WritableStream): StreamState {
  let state = states.get(stream);
  if (!state) {
    const s: StreamState = { broken: false };
    state = s;
    states.set(stream, s);
    // One listener per stream, however many reporters share it.
    (stream as unknown as EventEmitter).on?.('error', () => (s.broken = true));
  }
  return state;
}

/** Whether writes to `stream` have failed (or it was closed), so output there is being dropped. */
export function isBroken(stream: NodeJS.WritableStream): boolean {
  const target = (targets.get(stream) ?? stream) as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  return stateOf(target).broken || target.destroyed === true || target.writableEnded === true;
}

/**
 * The same stream (isTTY, columns, events all pass through), except that `write` never throws and
 * never makes the stream emit an unhandled error: after a failure it drops what it is given.
 */
export function safeStream<S extends NodeJS.WritableStream>(stream: S): S {
  if (targets.has(stream)) return stream;
  const state = stateOf(stream);
  const write = (chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
    const callback = typeof encoding === 'function' ? encoding : typeof cb === 'function' ? cb : undefined;
    if (isBroken(stream)) {
      if (callback) queueMicrotask(() => (callback as () => void)());
      return true;
    }
    try {
      return (stream.write as (...args: unknown[]) => boolean)(chunk, ...(encoding === undefined ? [] : [encoding]), ...(cb === undefined ? [] : [cb]));
    } catch {
      state.broken = true;
      return true;
    }
  };
  const proxy = new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') return write;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  targets.set(proxy, stream);
  return proxy;
}
