// Durations for people, in one place: messages, report timings, set-up progress, HTML pages.

export interface DurationFormat {
  /**
   * `words` (default), for messages ("timed out after 5s"): `250ms`, `5s`, `1.5s`, `2m`, `1m30s`.
   * `timing`, for columns of measured times (reports, set-up progress): one decimal under a
   * minute so that figures line up, `0.4s`, `12.3s`, then `2m05s`.
   */
  style?: 'words' | 'timing';
}

export function formatDuration(ms: number, format: DurationFormat = {}): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (format.style === 'timing') {
    if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
    return minutes(ms, true);
  }
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 59_950) {
    const s = Math.round(ms / 100) / 10;
    return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  }
  return minutes(ms, false);
}

function minutes(ms: number, always: boolean): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return s % 60 || always ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${m}m`;
}
