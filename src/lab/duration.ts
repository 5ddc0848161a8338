// Durations in lab attributes and front matter: `500ms`, `90s`, `2m`, `1h`, or combined `1m30s`.

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(text) ? text.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) : null;
  if (!parts) return undefined;
  let total = 0;
  for (const part of parts) {
    const unit = part.endsWith('ms') ? 'ms' : (part.at(-1) as 's' | 'm' | 'h');
    total += Number(part.slice(0, part.length - unit.length)) * UNIT_MS[unit];
  }
  return Math.round(total);
}
