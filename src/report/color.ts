// Colour for terminal reporters and CLI messages. Whether to colour is decided here, once, and
// passed in; plain SGR codes are used because node:util styleText checks process.stdout itself
// (not the stream a reporter writes to) on newer Node versions.

export type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'gray' | 'bold' | 'dim';

export type Paint = (style: Style, text: string) => string;

/**
 * NO_COLOR (any non-empty value) turns colour off; FORCE_COLOR turns it on (`0`/`false` off);
 * otherwise colour follows whether the stream is a TTY. An explicit `color` wins over both.
 */
export function colorEnabled(opts: { color?: boolean; isTTY?: boolean; env?: NodeJS.ProcessEnv }): boolean {
  if (opts.color !== undefined) return opts.color;
  const env = opts.env ?? process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return opts.isTTY === true;
}

const SGR: Record<Style, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
};

export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => (text === '' ? text : `\x1b[${SGR[style][0]}m${text}\x1b[${SGR[style][1]}m`) : (_style, text) => text;
}

/** Colour a unified diff: removals red, additions green, hunk headers cyan. */
export function paintDiff(diff: string, paint: Paint): string {
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('---') || line.startsWith('+++')) return paint('bold', line);
      if (line.startsWith('-')) return paint('red', line);
      if (line.startsWith('+')) return paint('green', line);
      if (line.startsWith('@@')) return paint('cyan', line);
      return line;
    })
    .join('\n');
}
