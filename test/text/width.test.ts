import { describe, expect, it } from 'vitest';
import { graphemes, textWidth } from '../../src/text/width.js';

describe('textWidth', () => {
  it.each([
    ['ascii', 'kubectl get pods', 16],
    ['CJK ideographs', '日本語', 6],
    ['Hangul', '한국어', 6],
    ['kana and an ideographic space', 'ポッド\u3000一覧', 12],
    ['fullwidth forms', 'ｋｕｂｅ', 8],
    ['an emoji', '✅ done', 7],
    ['a ZWJ family', '👨‍👩‍👧', 2],
    ['a flag', '🇯🇵', 2],
    ['a text symbol made emoji by VS16', '✔️', 2],
    ['a text symbol', '✔ ✓ → …', 7],
    ['combining accents', 'e\u0301te\u0301', 3],
    ['zero-width characters', 'a\u200bb\u2060c', 3],
  ])('%s', (_what, text, width) => {
    expect(textWidth(text)).toBe(width);
  });
});

describe('graphemes', () => {
  it('keeps a cluster whole', () => {
    expect(graphemes('a👨‍👩‍👧é')).toEqual(['a', '👨‍👩‍👧', 'é']);
  });
});
