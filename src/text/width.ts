// How many terminal columns text takes: CJK, Hangul, fullwidth forms and emoji take two, combining
// marks and zero-width characters none. The learner screen wraps and cuts by these widths, so a
// line of Japanese or an emoji-decorated heading does not run past the edge of the screen.
// (The usual East Asian Width table, kept to the blocks course text meets; no dependency.)

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// East Asian Wide and Fullwidth blocks: Hangul Jamo, CJK radicals and punctuation (U+3000
// ideographic space included), kana, Bopomofo, Hangul compatibility Jamo, enclosed and
// compatibility CJK, ideographs, Yi, Hangul syllables, vertical and small forms, fullwidth ASCII
// and signs, Tangut, kana supplements, ideograph extensions B and later.
const WIDE =
  /^(?:[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6\u{16FE0}-\u{16FE4}\u{17000}-\u{18CFF}\u{1B000}-\u{1B2FF}\u{20000}-\u{2FFFD}\u{30000}-\u{3FFFD}]|\p{Emoji_Presentation}|\p{Regional_Indicator})/u;
// Nothing on screen: controls, combining marks on their own, format characters (ZWJ, ZWSP, BOM).
const ZERO = /^(?:\p{Cc}|\p{Mn}|\p{Me}|\p{Cf})/u;
// A text-style emoji turned into an emoji by VS16 (`✔️`, `1️⃣`) takes two columns.
const EMOJI_BY_SELECTOR = /^\p{Emoji}.*\uFE0F/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Columns one grapheme cluster takes: 0, 1 or 2. */
export function clusterWidth(cluster: string): number {
  if (cluster.length === 1 && cluster >= ' ' && cluster <= '~') return 1;
  if (WIDE.test(cluster) || EMOJI_BY_SELECTOR.test(cluster)) return 2;
  if (ZERO.test(cluster)) return 0;
  return 1;
}

/** The grapheme clusters of a text (what a terminal draws as one character). */
export function graphemes(text: string): string[] {
  if (PRINTABLE_ASCII.test(text)) return text.split('');
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

/** Columns a text without escape sequences takes on a terminal. */
export function textWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const { segment } of graphemeSegmenter.segment(text)) width += clusterWidth(segment);
  return width;
}
