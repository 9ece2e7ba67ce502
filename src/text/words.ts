/**
 * Word tokenization for quality measures. Space-delimited text is split on whitespace, and
 * punctuation at either end of a word becomes its own token, roughly as NLTK's Treebank
 * tokenizer does for English. Runs of Han, kana, Thai and other spaceless scripts go through
 * ICU dictionary segmentation (`Intl.Segmenter`), so Chinese yields dictionary words.
 */

import { isLetterCodePoint, isPunctuationOrSymbolCodePoint, isWhitespaceCodePoint } from './chars.js';
import { isSpacelessCodePoint } from './script.js';

const segmenters = new Map<string, Intl.Segmenter>();

/** Returns a cached word segmenter for `lang`, or for the default locale when the tag is invalid. */
function wordSegmenter(lang: string | null | undefined): Intl.Segmenter {
  const key = lang ?? '';
  let segmenter = segmenters.get(key);
  if (segmenter === undefined) {
    try {
      segmenter = new Intl.Segmenter(lang ?? undefined, { granularity: 'word' });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
    }
    segmenters.set(key, segmenter);
  }
  return segmenter;
}

/** True when code unit `unit` could start a spaceless-script character: all such scripts start at U+0E00 or lie in the astral planes. */
function mayBeSpaceless(unit: number): boolean {
  return unit >= 0x0e00;
}

/**
 * Splits `text` into word and punctuation tokens, whitespace dropped.
 *
 * A whitespace-separated chunk without spaceless-script characters is split Treebank-style.
 * Leading and trailing punctuation become separate tokens, and a run of dots stays one token
 * (`...`). A trailing dot stays on abbreviations with inner dots (`U.S.`, `e.g.`). English
 * contractions are split (`don't` gives `do` + `n't`). A chunk of only punctuation is one
 * token (`--`, `•`). A chunk with spaceless-script characters is segmented by ICU for `lang`,
 * and its punctuation segments are kept as tokens.
 */
export function tokenizeWords(text: string, lang?: string | null): string[] {
  const tokens: string[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    while (i < length && isWhitespaceCodePoint(text.charCodeAt(i))) i++;
    if (i >= length) break;

    const start = i;
    let spaceless = false;
    while (i < length) {
      const unit = text.charCodeAt(i);
      if (isWhitespaceCodePoint(unit)) break;
      if (!spaceless && mayBeSpaceless(unit)) spaceless = isSpacelessCodePoint(text.codePointAt(i)!);
      i++;
    }

    if (spaceless) segmentChunk(text.slice(start, i), lang, tokens);
    else splitChunk(text, start, i, tokens);
  }
  return tokens;
}

function segmentChunk(chunk: string, lang: string | null | undefined, tokens: string[]): void {
  // ICU returns each dot of `......` as its own segment; join them as the Treebank path does.
  let dotsStart = -1;
  for (const segment of wordSegmenter(lang).segment(chunk)) {
    // The chunk contains no whitespace, so every segment is a word or punctuation.
    if (segment.segment === '.' && dotsStart !== -1) {
      tokens[tokens.length - 1] += '.';
      continue;
    }
    dotsStart = segment.segment === '.' ? tokens.length : -1;
    tokens.push(segment.segment);
  }
}

/** Returns the index after the punctuation token that starts at `i`: a run of dots, or one code point. */
function punctuationTokenEnd(text: string, i: number, end: number): number {
  if (text.charCodeAt(i) === 0x2e) {
    let j = i + 1;
    while (j < end && text.charCodeAt(j) === 0x2e) j++;
    return j;
  }
  return i + (text.codePointAt(i)! > 0xffff ? 2 : 1);
}

function isPunctuationAt(text: string, i: number): boolean {
  return isPunctuationOrSymbolCodePoint(text.codePointAt(i)!);
}

/** Index of the code point that ends just before `end`. */
function previousCodePointStart(text: string, end: number): number {
  const unit = text.charCodeAt(end - 1);
  return unit >= 0xdc00 && unit <= 0xdfff && end >= 2 ? end - 2 : end - 1;
}

/** True for letters with inner dots, such as `U.S` or `e.g` (the final dot already removed). */
function isDottedAbbreviation(text: string, start: number, end: number): boolean {
  let dots = 0;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x2e) dots++;
    else if (!isLetterCodePoint(unit)) return false;
  }
  return dots > 0;
}

const CONTRACTION_SUFFIXES = ["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"];

/** Length of an English contraction suffix ending the word, or 0. Accepts ' and ’. */
function contractionSuffixLength(word: string): number {
  const normalized = word.includes('\u2019') ? word.replaceAll('\u2019', "'").toLowerCase() : word.toLowerCase();
  for (const suffix of CONTRACTION_SUFFIXES) {
    if (normalized.length > suffix.length && normalized.endsWith(suffix)) return suffix.length;
  }
  return 0;
}

function splitChunk(text: string, start: number, end: number, tokens: string[]): void {
  let core = start;
  while (core < end && isPunctuationAt(text, core)) core = punctuationTokenEnd(text, core, end);
  if (core >= end) {
    tokens.push(text.slice(start, end));
    return;
  }

  let coreEnd = end;
  while (coreEnd > core) {
    const last = previousCodePointStart(text, coreEnd);
    if (!isPunctuationAt(text, last)) break;
    coreEnd = last;
  }
  // Keep the dot of abbreviations such as "U.S." or "e.g." on the word.
  if (
    coreEnd < end &&
    text.charCodeAt(coreEnd) === 0x2e &&
    punctuationTokenEnd(text, coreEnd, end) === coreEnd + 1 &&
    isDottedAbbreviation(text, core, coreEnd)
  ) {
    coreEnd++;
  }

  for (let i = start; i < core; ) {
    const next = punctuationTokenEnd(text, i, core);
    tokens.push(text.slice(i, next));
    i = next;
  }

  const word = text.slice(core, coreEnd);
  const suffixLength = word.includes("'") || word.includes('\u2019') ? contractionSuffixLength(word) : 0;
  if (suffixLength > 0) {
    tokens.push(word.slice(0, word.length - suffixLength), word.slice(word.length - suffixLength));
  } else {
    tokens.push(word);
  }

  for (let i = coreEnd; i < end; ) {
    const next = punctuationTokenEnd(text, i, end);
    tokens.push(text.slice(i, next));
    i = next;
  }
}

/** True when every character of `token` is punctuation or a symbol, such as `,` `...` `—` `#`. */
export function isSymbolToken(token: string): boolean {
  for (const ch of token) {
    if (!isPunctuationOrSymbolCodePoint(ch.codePointAt(0)!)) return false;
  }
  return true;
}

/** True when `token` contains at least one letter of any script. */
export function hasLetter(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const unit = token.charCodeAt(i);
    const cp = unit >= 0xd800 && unit <= 0xdbff ? token.codePointAt(i)! : unit;
    if (isLetterCodePoint(cp)) return true;
  }
  return false;
}

/**
 * Counts the words of a line for line-level rules: word-like ICU segments when the line
 * contains spaceless-script characters, otherwise whitespace-separated chunks.
 */
export function countLineWords(line: string, lang?: string | null): number {
  let spaceless = false;
  for (let i = 0; i < line.length && !spaceless; i++) {
    if (mayBeSpaceless(line.charCodeAt(i))) spaceless = isSpacelessCodePoint(line.codePointAt(i)!);
  }

  let count = 0;
  if (spaceless) {
    for (const segment of wordSegmenter(lang).segment(line)) {
      if (segment.isWordLike === true) count++;
    }
    return count;
  }

  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const space = isWhitespaceCodePoint(line.charCodeAt(i));
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}
