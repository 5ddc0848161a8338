// Terminal escape sequences in program output and in our own styled text: one pattern for
// stripping them (matching, reports) and for stepping over them (the learner screen's wrapping).
//
// Why not util.stripVTControlCharacters here: on Node 20 (our oldest supported) its pattern only
// knows OSC strings made of URL-ish characters, so a window title with a space
// (`ESC ] 0 ; my title BEL`) or a hyperlink (`ESC ] 8 ; ; https://… ST`) leaves part of itself
// behind, and a CSI with an intermediate byte (`ESC [ 2 SP q`, cursor shape) leaves ` q`.
// Simple CSI-only cases (a tool's progress colours) do use the built-in.

/**
 * ESC-introduced sequences: CSI (`ESC [ … final`), OSC/DCS/SOS/PM/APC strings (ended by BEL or
 * ST), two-byte charset selections (`ESC ( B`) and other two-byte escapes; plus the 8-bit C1 CSI
 * (0x9b). An unterminated string runs to the end of the line, as a terminal would hide it.
 * Global: use with replace/matchAll only (never .exec/.test, which keep lastIndex).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const ANSI_PATTERN = /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[()*+][0-~]|\x1b[ -/]*[0-~]/g;

/** Text without ANSI/VT escape sequences (colours, cursor moves, hyperlinks, window titles). */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') || text.includes('\x9b') ? text.replace(ANSI_PATTERN, '') : text;
}
