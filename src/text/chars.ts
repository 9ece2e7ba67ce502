/**
 * Unicode character classes for text measures, looked up by code point. Basic Multilingual
 * Plane code points use a table built once from the Unicode properties of the JS regex
 * engine, so hot loops test a byte instead of running a regex per character.
 */

const LETTER = 1; // \p{L}: what Python's str.isalpha() accepts
const NUMBER = 2; // \p{N}
const PUNCTUATION_OR_SYMBOL = 4; // \p{P} or \p{S}
const WHITESPACE = 8; // what JS \s matches
const SENTENCE_TERMINAL = 16; // \p{Sentence_Terminal}, plus U+2026 HORIZONTAL ELLIPSIS
const OTHER_SYMBOL = 32; // \p{So}: dingbats, emoji, `©`, `°`
const UPPER_CASE = 64; // \p{Lu} or \p{Lt}
const LOWER_CASE = 128; // \p{Ll}

let bmpTable: Uint8Array | null = null;

function buildBmpTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  // One string holding every BMP code point, with surrogates replaced by a space so that
  // no high/low pair combines into a supplementary character and shifts the indices.
  const units = new Uint16Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) units[cp] = cp >= 0xd800 && cp <= 0xdfff ? 0x20 : cp;
  let all = '';
  for (let start = 0; start < 0x10000; start += 0x1000) {
    all += String.fromCharCode(...units.subarray(start, start + 0x1000));
  }

  const mark = (pattern: RegExp, flag: number): void => {
    for (const match of all.matchAll(pattern)) table[match.index] = table[match.index]! | flag;
  };
  mark(/\p{L}/gu, LETTER);
  mark(/\p{N}/gu, NUMBER);
  mark(/[\p{P}\p{S}]/gu, PUNCTUATION_OR_SYMBOL);
  mark(/\p{Sentence_Terminal}/gu, SENTENCE_TERMINAL);
  mark(/\p{So}/gu, OTHER_SYMBOL);
  mark(/[\p{Lu}\p{Lt}]/gu, UPPER_CASE);
  mark(/\p{Ll}/gu, LOWER_CASE);
  table[0x2026] = table[0x2026]! | SENTENCE_TERMINAL;

  // Clear the surrogate slots that the placeholder spaces would otherwise mark.
  table.fill(0, 0xd800, 0xe000);
  mark(/\s/gu, WHITESPACE);
  table.fill(0, 0xd800, 0xe000);
  return table;
}

const supplementaryCache = new Map<number, number>();

function supplementaryFlags(cp: number): number {
  let flags = supplementaryCache.get(cp);
  if (flags === undefined) {
    const ch = String.fromCodePoint(cp);
    flags =
      (/\p{L}/u.test(ch) ? LETTER : 0) |
      (/\p{N}/u.test(ch) ? NUMBER : 0) |
      (/[\p{P}\p{S}]/u.test(ch) ? PUNCTUATION_OR_SYMBOL : 0) |
      (/\p{Sentence_Terminal}/u.test(ch) ? SENTENCE_TERMINAL : 0) |
      (/\p{So}/u.test(ch) ? OTHER_SYMBOL : 0) |
      (/[\p{Lu}\p{Lt}]/u.test(ch) ? UPPER_CASE : 0) |
      (/\p{Ll}/u.test(ch) ? LOWER_CASE : 0);
    // Only a few thousand supplementary code points are in use; the cap bounds memory anyway.
    if (supplementaryCache.size < 65_536) supplementaryCache.set(cp, flags);
  }
  return flags;
}

function flagsOf(cp: number): number {
  if (cp < 0x10000) {
    bmpTable ??= buildBmpTable();
    return bmpTable[cp]!;
  }
  return supplementaryFlags(cp);
}

/** True for a letter of any script (Unicode category L), as Python's `str.isalpha()`. */
export function isLetterCodePoint(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a);
  return (flagsOf(cp) & LETTER) !== 0;
}

/** True for a letter or number (Unicode categories L and N), close to Python's `str.isalnum()`. */
export function isAlphanumericCodePoint(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x30 && cp <= 0x39);
  return (flagsOf(cp) & (LETTER | NUMBER)) !== 0;
}

/** True for punctuation or a symbol (Unicode categories P and S), such as `,` `#` `€` `。` `•`. */
export function isPunctuationOrSymbolCodePoint(cp: number): boolean {
  return (flagsOf(cp) & PUNCTUATION_OR_SYMBOL) !== 0;
}

/** True for an other symbol (Unicode category So), such as `©`, `°`, `■` and emoji. */
export function isOtherSymbolCodePoint(cp: number): boolean {
  return cp >= 0xa0 && (flagsOf(cp) & OTHER_SYMBOL) !== 0;
}

/** True for a letter that is not lower case: upper or title case, or a letter of an uncased script such as Han. */
export function isUpperOrUncasedLetterCodePoint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a;
  const flags = flagsOf(cp);
  return (flags & LETTER) !== 0 && (flags & LOWER_CASE) === 0;
}

/** True for a letter that is not upper or title case: lower case, or a letter of an uncased script. */
export function isLowerOrUncasedLetterCodePoint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x61 && cp <= 0x7a;
  const flags = flagsOf(cp);
  return (flags & LETTER) !== 0 && (flags & UPPER_CASE) === 0;
}

/** True for whitespace, including line breaks and U+3000 IDEOGRAPHIC SPACE. */
export function isWhitespaceCodePoint(cp: number): boolean {
  if (cp < 0x80) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
  return (flagsOf(cp) & WHITESPACE) !== 0;
}

/**
 * True for a character that ends a sentence in some script: the Unicode Sentence_Terminal
 * property (`.` `!` `?` `。` `！` `？` `।` `؟` and others) plus `…`.
 */
export function isSentenceTerminalCodePoint(cp: number): boolean {
  return (flagsOf(cp) & SENTENCE_TERMINAL) !== 0;
}

/** Number of Unicode code points, the unit that Python's `len()` counts and thresholds assume. */
export function codePointLength(text: string, start = 0, end = text.length): number {
  let count = end - start;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < end) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** True when the text is empty or only whitespace. */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (!isWhitespaceCodePoint(text.charCodeAt(i))) return false;
  }
  return true;
}
