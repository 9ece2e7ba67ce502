/** Character classes that decide how the feature extractor splits text into tokens. */
export const CharClass = {
  /** Whitespace and control characters, which separate tokens and are dropped. */
  Space: 0,
  /** Letters, combining marks, digits and `_` of scripts that put spaces between words. */
  Word: 1,
  /** Han, kana, Hangul and Thai: scripts written without spaces, split into character n-grams. */
  Unspaced: 2,
  /** Punctuation and symbols: each code point is a token of its own. */
  Symbol: 3,
} as const;
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

const ASCII_CLASSES = buildAsciiClasses();

function buildAsciiClasses(): Uint8Array {
  const classes = new Uint8Array(128);
  for (let code = 0; code < 128; code++) {
    const ch = String.fromCharCode(code);
    if (code <= 0x20 || code === 0x7f) classes[code] = CharClass.Space;
    else if (/[A-Za-z0-9_]/.test(ch)) classes[code] = CharClass.Word;
    else classes[code] = CharClass.Symbol;
  }
  return classes;
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const SPACE_CHAR = /[\s\p{Cc}\p{Cf}]/u;

/**
 * Returns the class of a code point. Unspaced scripts are matched by Unicode block ranges
 * rather than script properties, because this runs once per character and the range checks
 * are much cheaper than a regular expression.
 */
export function classifyCodePoint(cp: number): CharClass {
  if (cp < 128) return ASCII_CLASSES[cp] as CharClass;
  if (isUnspaced(cp)) return CharClass.Unspaced;
  const ch = String.fromCodePoint(cp);
  if (WORD_CHAR.test(ch)) return CharClass.Word;
  if (SPACE_CHAR.test(ch)) return CharClass.Space;
  return CharClass.Symbol;
}

function isUnspaced(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK Unified Ideographs
    (cp >= 0x3400 && cp <= 0x4dbf) || // CJK Extension A
    (cp >= 0x20000 && cp <= 0x3134f) || // CJK Extensions B to G
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK Compatibility Ideographs
    (cp >= 0x3040 && cp <= 0x30ff && cp !== 0x30fb) || // Hiragana and Katakana, without the middle dot
    (cp >= 0x31f0 && cp <= 0x31ff) || // Katakana Phonetic Extensions
    (cp >= 0xff66 && cp <= 0xff9f) || // Halfwidth Katakana
    (cp >= 0xac00 && cp <= 0xd7af) || // Hangul Syllables
    (cp >= 0x1100 && cp <= 0x11ff) || // Hangul Jamo
    (cp >= 0x3130 && cp <= 0x318f) || // Hangul Compatibility Jamo
    (cp >= 0x0e01 && cp <= 0x0e4e) // Thai letters, vowel signs and tone marks
  );
}
