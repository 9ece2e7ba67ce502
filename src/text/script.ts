/**
 * Script classes that text measures need. Scripts written without spaces between words
 * (Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan) cannot be split into words on whitespace.
 */

/** True for a code point of a script that does not separate words with spaces. */
export function isSpacelessCodePoint(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK Unified Ideographs
    (cp >= 0x3400 && cp <= 0x4dbf) || // CJK Extension A
    (cp >= 0x20000 && cp <= 0x2ebef) || // CJK Extensions B-F
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK Compatibility Ideographs
    (cp >= 0x3040 && cp <= 0x30ff) || // Hiragana, Katakana
    (cp >= 0x31f0 && cp <= 0x31ff) || // Katakana Phonetic Extensions
    (cp >= 0x0e00 && cp <= 0x0eff) || // Thai, Lao
    (cp >= 0x1780 && cp <= 0x17ff) || // Khmer
    (cp >= 0x1000 && cp <= 0x109f) || // Myanmar
    (cp >= 0x0f00 && cp <= 0x0fff) // Tibetan
  );
}

/** True for a Han ideograph or kana. */
export function isCjkCodePoint(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2ebef) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x3040 && cp <= 0x30ff) ||
    (cp >= 0x31f0 && cp <= 0x31ff)
  );
}

/**
 * Share of letters (not digits, spaces or punctuation) that belong to spaceless scripts.
 * Returns 0 for text without letters.
 */
export function spacelessLetterRatio(text: string): number {
  let letters = 0;
  let spaceless = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (isSpacelessCodePoint(cp)) {
      spaceless++;
      letters++;
    } else if (/\p{L}/u.test(ch)) {
      letters++;
    }
  }
  return letters === 0 ? 0 : spaceless / letters;
}
