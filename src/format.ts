// Durations in words for messages: `250ms`, `5s`, `1.5s`, `2m`, `1m30s`.
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) {
    const s = Math.round(ms / 100) / 10;
    return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  }
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return s % 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${m}m`;
}
