/**
 * Sentence counting for line- and document-level rules. countTokenSentences follows spaCy's
 * sentencizer over word tokens, which is what datatrove's C4 filter counts. countSentences
 * is a scanner over character classes that needs whitespace after an ASCII terminal. Neither
 * uses `Intl.Segmenter`, because ICU's English sentence breaks (Node 20, ICU 78) split
 * after "Mr.".
 */

import { isAlphanumericCodePoint, isSentenceTerminalCodePoint, isWhitespaceCodePoint } from './chars.js';
import { isDatatroveTerminalCodePoint } from './words.js';

// Lower-case words that take a dot without ending a sentence.
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'no', 'fig', 'vol', 'approx', 'inc', 'ltd', 'co',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

/** True for closing quotes and brackets that may follow a terminal, as in `."` or `。」`. */
function isClosingMark(unit: number): boolean {
  switch (unit) {
    case 0x22: // "
    case 0x27: // '
    case 0x29: // )
    case 0x5d: // ]
    case 0x7d: // }
    case 0xbb: // »
    case 0x2019: // ’
    case 0x201d: // ”
    case 0x300d: // 」
    case 0x300f: // 』
    case 0xff09: // ）
      return true;
    default:
      return false;
  }
}

/** True for letters with inner dots and short pieces, such as `e.g`, `U.S` or `Ph.D`, but not `example.com`. */
function isLetterDotAbbreviation(word: string): boolean {
  if (!word.includes('.')) return false;
  for (const piece of word.split('.')) {
    if (piece.length > 3 || !/^[\p{L}]*$/u.test(piece)) return false;
  }
  return true;
}

/**
 * True when the dot at `dot` belongs to an abbreviation or initial (`Mr.`, `e.g.`, `J.`)
 * or is followed by a lower-case word, so it does not end a sentence.
 */
/** Two or more full stops, or one or more U+2026 characters, and nothing else. */
const ELLIPSIS_RUN = /^(?:\.{2,}|\u2026+)$/;

function nextWordStartsLowerCase(text: string, from: number): boolean {
  let next = from;
  while (next < text.length && isWhitespaceCodePoint(text.charCodeAt(next))) next++;
  const unit = text.charCodeAt(next);
  return unit >= 0x61 && unit <= 0x7a;
}

function isNonFinalDot(text: string, dot: number, after: number): boolean {
  let wordStart = dot;
  while (wordStart > 0) {
    const unit = text.charCodeAt(wordStart - 1);
    if (isWhitespaceCodePoint(unit) || isClosingMark(unit) || unit === 0x28) break;
    wordStart--;
  }
  const word = text.slice(wordStart, dot);
  if (word.length === 1 && word >= 'A' && word <= 'Z') return true;
  if (isLetterDotAbbreviation(word)) return true;
  if (ABBREVIATIONS.has(word.toLowerCase())) return true;

  let next = after;
  while (next < text.length && isWhitespaceCodePoint(text.charCodeAt(next))) next++;
  const nextUnit = text.charCodeAt(next);
  return nextUnit >= 0x61 && nextUnit <= 0x7a;
}

/**
 * Counts the sentences of `text`. A sentence ends at a run of terminals (`.` `!` `?` `…`
 * `。` `！` `？` and the other Unicode sentence terminals), optionally followed by closing
 * quotes or brackets. ASCII terminals must be followed by whitespace or the end of the text,
 * so `3.5` and `example.com` do not split, while full-width terminals end a sentence
 * directly because Chinese and Japanese put no space after them. Text after the last
 * terminal counts as one more sentence when it contains a letter or digit.
 * Returns 0 for text without letters or digits.
 */
export function countSentences(text: string): number {
  let count = 0;
  let hasContent = false;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const unit = text.charCodeAt(i);
    const cp = unit >= 0xd800 && unit <= 0xdbff ? text.codePointAt(i)! : unit;
    const width = cp > 0xffff ? 2 : 1;

    if (!isSentenceTerminalCodePoint(cp)) {
      if (!hasContent && isAlphanumericCodePoint(cp)) hasContent = true;
      i += width;
      continue;
    }

    let asciiOnly = cp < 0x80;
    let j = i + width;
    while (j < length) {
      const runUnit = text.charCodeAt(j);
      if (!isSentenceTerminalCodePoint(runUnit)) break;
      if (runUnit >= 0x80) asciiOnly = false;
      j++;
    }
    const singleDot = unit === 0x2e && j === i + 1;
    const ellipsis = ELLIPSIS_RUN.test(text.slice(i, j));
    while (j < length && isClosingMark(text.charCodeAt(j))) j++;

    let ends = hasContent;
    if (ends && asciiOnly) {
      const followedBySpace = j >= length || isWhitespaceCodePoint(text.charCodeAt(j));
      ends = followedBySpace && !(singleDot && isNonFinalDot(text, i, j));
    }
    // A trailing-off "..." or "…" before a lower-case word continues the same sentence.
    if (ends && ellipsis && nextWordStartsLowerCase(text, j)) ends = false;
    if (ends) {
      count++;
      hasContent = false;
    }
    i = j;
  }
  return hasContent ? count + 1 : count;
}

/** True for a token that is one sentence terminal of datatrove's list, such as `.` or `。`. */
function isTerminalToken(token: string): boolean {
  const cp = token.codePointAt(0);
  return cp !== undefined && token.length === (cp > 0xffff ? 2 : 1) && isDatatroveTerminalCodePoint(cp);
}

/** True when every character of `token` is punctuation (Unicode category P), as spaCy's `is_punct`. */
function isPunctuationToken(token: string): boolean {
  return /^\p{P}+$/u.test(token);
}

/**
 * Counts sentences over word tokens by the rule of spaCy's sentencizer (3.8). A token that
 * is a single terminal marks the end of a sentence. The next sentence starts at the first
 * later token that is neither punctuation nor a terminal. So `."` ends a sentence, and
 * `...` (one token) does not. Neither does the dot of `Mr.` or `U.S.`, which stays on the
 * word. Returns 0 for no tokens.
 */
export function countTokenSentences(tokens: readonly string[]): number {
  if (tokens.length === 0) return 0;
  let count = 1;
  let afterTerminal = false;
  for (const token of tokens) {
    const terminal = isTerminalToken(token);
    if (afterTerminal && !terminal && !isPunctuationToken(token)) {
      count++;
      afterTerminal = false;
    } else if (terminal) {
      afterTerminal = true;
    }
  }
  return count;
}
