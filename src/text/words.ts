/**
 * Word tokenization for quality measures. Space-delimited text is split on whitespace, and
 * each chunk is split further by spaCy-style affix and infix rules (word-affixes.ts), so
 * word counts match the spaCy tokenizer that datatrove uses for English. Runs of Han, kana,
 * Thai and other spaceless scripts go through ICU dictionary segmentation
 * (`Intl.Segmenter`), so Chinese yields dictionary words.
 */

import { isLetterCodePoint, isPunctuationOrSymbolCodePoint, isSentenceTerminalCodePoint, isWhitespaceCodePoint } from './chars.js';
import { isSpacelessCodePoint } from './script.js';
import { primaryLanguage } from './script-profile.js';
import { splitChunkLikeSpacy } from './word-affixes.js';

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

/**
 * True for whitespace between chunks. U+FEFF (byte order mark) is not whitespace for
 * Python's `str.isspace()`, so spaCy keeps it as a token, and so does this tokenizer.
 */
function isChunkSeparator(unit: number): boolean {
  return unit !== 0xfeff && isWhitespaceCodePoint(unit);
}

/** True when code unit `unit` could start a spaceless-script character: all such scripts start at U+0E00 or lie in the astral planes. */
function mayBeSpaceless(unit: number): boolean {
  return unit >= 0x0e00;
}

/**
 * True when English exceptions apply: for English, and for text of unknown language, where
 * datatrove's filters default to English too.
 */
function usesEnglishRules(lang: string | null | undefined): boolean {
  if (lang === null || lang === undefined) return true;
  const primary = primaryLanguage(lang);
  return primary === 'en' || primary === 'und';
}

/**
 * Splits `text` into word and punctuation tokens, whitespace dropped.
 *
 * A whitespace-separated chunk without spaceless-script characters is split as spaCy's
 * English tokenizer splits it (see splitChunkLikeSpacy). Leading and trailing punctuation
 * become separate tokens, and a run of dots stays one token (`...`). Abbreviations keep
 * their dot (`U.S.`, `e.g.`, `Mr.`), contractions are split (`don't` gives `do` + `n't`),
 * and `-`, `/` and `:` between letters split a word (`t-shirt` gives `t`, `-`, `shirt`).
 * A chunk with spaceless-script characters is segmented by ICU for `lang`, and its
 * punctuation segments are kept as tokens.
 */
export function tokenizeWords(text: string, lang?: string | null): string[] {
  const tokens: string[] = [];
  const english = usesEnglishRules(lang);
  const length = text.length;
  let i = 0;
  while (i < length) {
    while (i < length && isChunkSeparator(text.charCodeAt(i))) i++;
    if (i >= length) break;

    const start = i;
    let spaceless = false;
    while (i < length) {
      const unit = text.charCodeAt(i);
      if (isChunkSeparator(unit)) break;
      if (!spaceless && mayBeSpaceless(unit)) spaceless = isSpacelessCodePoint(text.codePointAt(i)!);
      i++;
    }

    if (spaceless) segmentChunk(text.slice(start, i), lang, tokens);
    else splitChunkLikeSpacy(text.slice(start, i), tokens, english);
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

/** True when every character of `token` is punctuation or a symbol, such as `,` `...` `—` `#`. */
export function isSymbolToken(token: string): boolean {
  return everyCodePoint(token, isPunctuationOrSymbolCodePoint);
}

/** Returns true when `test` is true for every code point of `text`, stopping at the first that fails. */
function everyCodePoint(text: string, test: (cp: number) => boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const cp = unit >= 0xd800 && unit <= 0xdbff ? text.codePointAt(i)! : unit;
    if (!test(cp)) return false;
    if (cp > 0xffff) i++;
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
 * contains spaceless-script characters and `segmentSpaceless` is set, otherwise
 * whitespace-separated chunks.
 */
export function countLineWords(line: string, lang?: string | null, segmentSpaceless = true): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const unit = line.charCodeAt(i);
    if (segmentSpaceless && mayBeSpaceless(unit) && isSpacelessCodePoint(line.codePointAt(i)!)) return countWordLikeSegments(line, lang);
    const space = isWhitespaceCodePoint(unit);
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

function countWordLikeSegments(line: string, lang: string | null | undefined): number {
  let count = 0;
  for (const segment of wordSegmenter(lang).segment(line)) {
    if (segment.isWordLike === true) count++;
  }
  return count;
}

// Non-ASCII characters of datatrove 0.10.1's punctuation list (`PUNCTUATION` in
// datatrove/utils/text.py) other than sentence terminals. It includes the full-width `１`.
const DATATROVE_EXTRA_PUNCTUATION = new Set([...'«´»–—’“”„…∶━►、。〈〉《》「」【】！％（），．１：；？～'].map((ch) => ch.codePointAt(0)!));

/** True for a character of datatrove's punctuation list (see isDatatrovePunctuationToken). */
function isDatatrovePunctuationCodePoint(cp: number): boolean {
  if (cp < 0xa0) {
    // ASCII punctuation, and control characters other than tab and line feed.
    const asciiPunctuation = (cp >= 0x21 && cp <= 0x2f) || (cp >= 0x3a && cp <= 0x40) || (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0x7e);
    const control = cp <= 0x08 || (cp >= 0x0b && cp <= 0x1f) || cp >= 0x7f;
    return asciiPunctuation || control;
  }
  return DATATROVE_EXTRA_PUNCTUATION.has(cp) || isDatatroveTerminalCodePoint(cp);
}

/**
 * True for a sentence terminal as datatrove 0.10.1 lists them (`TERMINAL_PUNCTUATION`):
 * the Unicode Sentence_Terminal characters, without `…` and the one-dot leader `․`.
 *
 * NOTE: Unicode versions differ in a few rare terminals (Khmer, Balinese, vertical forms),
 * which this test takes from the JS engine's Unicode data.
 */
export function isDatatroveTerminalCodePoint(cp: number): boolean {
  return cp !== 0x2026 && cp !== 0x2024 && isSentenceTerminalCodePoint(cp);
}

/**
 * True when every character of `token` is in datatrove's punctuation list, which its Gopher
 * quality filter uses to tell words from punctuation. Unlike isSymbolToken, `•`, `€`, `©`
 * or `‘` are not in the list, so such tokens count as words.
 */
export function isDatatrovePunctuationToken(token: string): boolean {
  return everyCodePoint(token, isDatatrovePunctuationCodePoint);
}
