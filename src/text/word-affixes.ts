/**
 * Splits one whitespace-free chunk of space-delimited text into tokens the way spaCy's
 * rule-based tokenizer (3.8, English rules) does, which is what datatrove 0.10.1 counts as
 * words. The chunk loses prefixes (opening punctuation, quotes, currency) and suffixes
 * (closing punctuation, quotes, `'s`, units after a number, a final dot) one at a time.
 * The rest is split at infixes: `-`, `/` or `:` between letters, `.` between a lower-case
 * and an upper-case letter, `,` between letters, and ellipses.
 *
 * Positions are UTF-16 code-unit indices into the chunk, and every rule steps over whole
 * code points, so a supplementary character (an emoji) is never cut in half.
 *
 * NOTE: character classes are approximated with Unicode categories. spaCy's letter class
 * covers Latin, Cyrillic, Greek and a list of other scripts, and here every letter (\p{L})
 * counts. Exceptions are the common English ones in word-exceptions.ts, not spaCy's table,
 * and special cases that span whitespace are not matched.
 */

import {
  isLetterCodePoint,
  isLowerOrUncasedLetterCodePoint,
  isOtherSymbolCodePoint,
  isUpperOrUncasedLetterCodePoint,
} from './chars.js';
import { MAX_EXCEPTION_LENGTH, wordException } from './word-exceptions.js';

// Character classes of the affix rules, as bit flags in a table over the BMP.
const AFFIX_PUNCTUATION = 1; // stripped from either end of a chunk
const QUOTE = 2; // quotes and brackets, also stripped from either end
const PREFIX_ONLY = 4; // stripped only from the start
const DASH = 8; // stripped from the end too
const CURRENCY = 16;

function buildClassTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const mark = (chars: string, flag: number): void => {
    for (const ch of chars) table[ch.charCodeAt(0)]! |= flag;
  };
  mark('…,:;!?¿¡()[]{}<>_#*&·؟،۔؛٪।。？！，、；：～', AFFIX_PUNCTUATION);
  mark('\'"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉〈〉⟦⟧', QUOTE);
  mark('§%=—–', PREFIX_ONLY);
  mark('—–', DASH);
  mark('$£€¥฿₽﷼', CURRENCY);
  table.fill(CURRENCY, 0x20a0, 0x20c1);
  return table;
}

const CLASSES = buildClassTable();

function hasClass(cp: number, flags: number): boolean {
  return cp >= 0 && cp < 0x10000 && (CLASSES[cp]! & flags) !== 0;
}

// Units that split off a number that ends a chunk (`5km`, `100MB`, `50%`), and the
// dollar signs with a country letter that split the same way.
const UNITS = new Set([
  'km', 'km²', 'km³', 'm', 'm²', 'm³', 'dm', 'dm²', 'dm³', 'cm', 'cm²', 'cm³', 'mm', 'mm²', 'mm³', 'ha', 'µm', 'nm',
  'yd', 'in', 'ft', 'kg', 'g', 'mg', 'µg', 't', 'lb', 'oz', 'm/s', 'km/h', 'kmh', 'mph', 'hPa', 'Pa', 'mbar', 'mb',
  'MB', 'kb', 'KB', 'gb', 'GB', 'tb', 'TB', 'T', 'G', 'M', 'K', '%', 'US$', 'C$', 'A$',
]);
const MAX_UNIT_LENGTH = 4;

/** Looks up the fixed split of a string, or returns undefined. */
type ExceptionLookup = (text: string) => readonly string[] | undefined;

const noExceptions: ExceptionLookup = () => undefined;

/** Code point at `i`, or -1 outside `[start, end)`. */
function at(s: string, i: number, start: number, end: number): number {
  return i >= start && i < end ? s.codePointAt(i)! : -1;
}

/** Index of the code point that ends at `i` (exclusive). */
function previousStart(s: string, i: number): number {
  const unit = s.charCodeAt(i - 1);
  return unit >= 0xdc00 && unit <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}

/** Code point that ends at `i`, or -1 when `i` is at `start`. */
function before(s: string, i: number, start: number): number {
  return i > start ? s.codePointAt(previousStart(s, i))! : -1;
}

function width(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}

function isDigit(cp: number): boolean {
  return cp >= 0x30 && cp <= 0x39;
}

function isLetter(cp: number): boolean {
  return cp >= 0 && isLetterCodePoint(cp);
}

function isCurrency(cp: number): boolean {
  return hasClass(cp, CURRENCY);
}

function isAffixPunctuationOrQuote(cp: number): boolean {
  return hasClass(cp, AFFIX_PUNCTUATION | QUOTE);
}

/** Length in code units of the prefix that starts at `start`, or 0. */
function prefixLength(s: string, start: number, end: number): number {
  const first = s.codePointAt(start)!;
  if (first === 0x2e && at(s, start + 1, start, end) === 0x2e) {
    let stop = start + 2;
    while (stop < end && s.charCodeAt(stop) === 0x2e) stop++;
    return stop - start;
  }
  if (first === 0x2b) return isDigit(at(s, start + 1, start, end)) ? 0 : 1; // '+' unless a number follows
  if (isAffixPunctuationOrQuote(first) || hasClass(first, PREFIX_ONLY) || isCurrency(first) || isOtherSymbolCodePoint(first)) {
    return width(first);
  }
  if (s.startsWith('US$', start) && end - start >= 3) return 3;
  if ((s.startsWith('C$', start) || s.startsWith('A$', start)) && end - start >= 2) return 2;
  return 0;
}

/** True when a final `.` at `dot` is split off as a suffix, judged by what precedes it. */
function dotSplitsAfter(s: string, start: number, dot: number): boolean {
  const last = before(s, dot, start);
  if (last < 0) return false;
  if (isDigit(last) || last === 0x25 || last === 0xb2 || last === 0x2d || last === 0x2b || last === 0x7c) return true; // % ² - + |
  if (isAffixPunctuationOrQuote(last) || isLowerOrUncasedLetterCodePoint(last)) return true;
  const secondLast = before(s, previousStart(s, dot), start);
  if (secondLast >= 0 && isUpperOrUncasedLetterCodePoint(last) && isUpperOrUncasedLetterCodePoint(secondLast)) return true;
  return secondLast === 0xb0 && 'FfCcKk'.includes(String.fromCodePoint(last)); // °F, °C, °K
}

/**
 * Length in code units of the suffix that ends at `end`, or 0. Of the suffixes that match,
 * the one that starts earliest wins, as a regex search for spaCy's suffix pattern finds it.
 */
function suffixLength(s: string, start: number, end: number): number {
  const lastStart = previousStart(s, end);
  const last = s.codePointAt(lastStart)!;
  const secondLast = before(s, lastStart, start);

  // A run of two or more dots, or `……`, starts before any one-character suffix.
  if (last === 0x2e && secondLast === 0x2e) {
    let runStart = end - 2;
    while (runStart > start && s.charCodeAt(runStart - 1) === 0x2e) runStart--;
    return end - runStart;
  }
  if (last === 0x2026 && secondLast === 0x2026) return 2;

  // A unit or currency after a number: the longest unit that reaches back to a digit.
  for (let length = Math.min(MAX_UNIT_LENGTH, end - start - 1); length >= 1; length--) {
    if (!isDigit(s.charCodeAt(end - length - 1))) continue;
    const tail = s.slice(end - length, end);
    if (UNITS.has(tail) || (length === 1 && isCurrency(last))) return length;
  }
  if ((last === 0x73 || last === 0x53) && (secondLast === 0x27 || secondLast === 0x2019)) return 2; // 's and ’s

  if (isAffixPunctuationOrQuote(last) || hasClass(last, DASH) || isOtherSymbolCodePoint(last)) return end - lastStart;
  if (last === 0x2b && isDigit(secondLast)) return 1;
  if (last === 0x2e && dotSplitsAfter(s, start, lastStart)) return 1;
  return 0;
}

/** Length in code units of the infix that starts at `i`, or 0. Infixes are tried in spaCy's order. */
function infixLength(s: string, i: number, start: number, end: number): number {
  const ch = s.codePointAt(i)!;
  const previous = before(s, i, start);
  const next = at(s, i + width(ch), start, end);
  if (ch === 0x2e && next === 0x2e) {
    let stop = i + 2;
    while (stop < end && s.charCodeAt(stop) === 0x2e) stop++;
    return stop - i;
  }
  if (ch === 0x2026 || isOtherSymbolCodePoint(ch)) return width(ch);
  if (previous < 0) return 0;

  // `+ - * ^` between digits, as in `2-3` or `4*5`.
  if ((ch === 0x2b || ch === 0x2d || ch === 0x2a || ch === 0x5e) && isDigit(previous) && (isDigit(next) || next === 0x2d)) return 1;
  if (ch === 0x2e && next >= 0) {
    const leftOk = isLowerOrUncasedLetterCodePoint(previous) || hasClass(previous, QUOTE);
    const rightOk = isUpperOrUncasedLetterCodePoint(next) || hasClass(next, QUOTE);
    if (leftOk && rightOk) return 1;
  }
  if (ch === 0x2c && isLetter(previous) && isLetter(next)) return 1;
  if (!isLetter(previous) && !isDigit(previous)) return 0;
  if (ch === 0x2d || ch === 0x2014) {
    // `-`, `--` and `---` (or `—` and `——`) between a letter or digit and a letter.
    const maxRun = ch === 0x2d ? 3 : 2;
    for (let run = 1; run <= maxRun && at(s, i + run - 1, start, end) === ch; run++) {
      if (isLetter(at(s, i + run, start, end))) return run;
    }
    return 0;
  }
  // `–`, `~`, `:`, `<`, `>`, `=` and `/` before a letter.
  const joiner = ch === 0x2013 || ch === 0x7e || ch === 0x3a || ch === 0x3c || ch === 0x3e || ch === 0x3d || ch === 0x2f;
  return joiner && isLetter(next) ? 1 : 0;
}

/** Pushes the pieces of `s[start, end)` split at its infixes. An infix at the very start is not split off. */
function pushInfixSplit(s: string, start: number, end: number, tokens: string[]): void {
  let pieceStart = start;
  for (let i = start; i < end; ) {
    const length = infixLength(s, i, start, end);
    if (length === 0 || i === start) {
      i += length > 0 ? length : width(s.codePointAt(i)!);
      continue;
    }
    if (i !== pieceStart) tokens.push(s.slice(pieceStart, i));
    tokens.push(s.slice(i, i + length));
    pieceStart = i + length;
    i = pieceStart;
  }
  if (pieceStart < end) tokens.push(s.slice(pieceStart, end));
}

// A URL or e-mail address: optional scheme and user, dotted host with a lower-case top-level
// domain, optional port and path. Such a chunk is not split at infixes.
const URL_LIKE =
  /^(?:[\w+.-]{2,}:\/\/)?(?:\S+(?::\S*)?@)?(?:(?:[A-Za-z0-9\u00a1-\uffff][A-Za-z0-9\u00a1-\uffff_-]{0,62})?[A-Za-z0-9\u00a1-\uffff]\.)+[\p{Ll}\p{Lo}]{2,63}(?::\d{2,5})?(?:[/?#]\S*)?$/u;

function pushCore(s: string, start: number, end: number, tokens: string[], exceptionOf: ExceptionLookup): void {
  const core = s.slice(start, end);
  const exception = exceptionOf(core);
  if (exception !== undefined) {
    tokens.push(...exception);
    return;
  }
  if (core.includes('.') && URL_LIKE.test(core)) {
    tokens.push(core);
    return;
  }
  pushInfixSplit(s, start, end, tokens);
}

/** True for a chunk of ASCII letters only, which no affix or infix rule splits. */
function isPlainWord(chunk: string): boolean {
  for (let i = 0; i < chunk.length; i++) {
    const unit = chunk.charCodeAt(i) | 0x20;
    if (unit < 0x61 || unit > 0x7a) return false;
  }
  return true;
}

const MAX_MERGED_TOKENS = 5;

/**
 * Merges runs of tokens from `first` on whose concatenation is an exception, such as `:`
 * and `)` into `:)` or `Ph`, `.` and `D.` into `Ph.D.`. The longest run at each position
 * wins. spaCy applies its special cases after the affix rules in the same way.
 */
function mergeExceptions(tokens: string[], first: number, exceptionOf: ExceptionLookup): void {
  for (let i = first; i < tokens.length - 1; i++) {
    let joinedLength = 0;
    let stop = i;
    while (stop < tokens.length && stop - i < MAX_MERGED_TOKENS && joinedLength + tokens[stop]!.length <= MAX_EXCEPTION_LENGTH) {
      joinedLength += tokens[stop]!.length;
      stop++;
    }
    for (let end = stop; end > i + 1; end--) {
      const exception = exceptionOf(tokens.slice(i, end).join(''));
      if (exception === undefined) continue;
      tokens.splice(i, end - i, ...exception);
      i += exception.length - 1;
      break;
    }
  }
}

/**
 * Appends the tokens of `chunk`, a non-empty string without whitespace, to `tokens`. The
 * English exceptions (contractions, abbreviations) apply only when `english` is true,
 * because they would split words of other languages, such as German `im`.
 */
export function splitChunkLikeSpacy(chunk: string, tokens: string[], english: boolean): void {
  const exceptionOf = english ? wordException : noExceptions;
  if (isPlainWord(chunk)) {
    const exception = chunk.length <= MAX_EXCEPTION_LENGTH ? exceptionOf(chunk) : undefined;
    if (exception === undefined) tokens.push(chunk);
    else for (const token of exception) tokens.push(token);
    return;
  }

  const isException = (from: number, to: number): boolean =>
    to - from <= MAX_EXCEPTION_LENGTH && exceptionOf(chunk.slice(from, to)) !== undefined;
  const first = tokens.length;
  const suffixes: string[] = [];
  let start = 0;
  let end = chunk.length;
  let lastSize = -1;
  while (end > start && end - start !== lastSize) {
    if (isException(start, end)) break;
    lastSize = end - start;

    const pre = prefixLength(chunk, start, end);
    if (pre > 0 && start + pre < end && isException(start + pre, end)) {
      tokens.push(chunk.slice(start, start + pre));
      start += pre;
      break;
    }
    const suf = start + pre < end ? suffixLength(chunk, start + pre, end) : 0;
    if (suf > 0 && end - suf > start && isException(start, end - suf)) {
      suffixes.push(chunk.slice(end - suf, end));
      end -= suf;
      break;
    }

    if (pre > 0 && suf > 0 && pre + suf <= end - start) {
      tokens.push(chunk.slice(start, start + pre));
      suffixes.push(chunk.slice(end - suf, end));
      start += pre;
      end -= suf;
    } else if (pre > 0) {
      tokens.push(chunk.slice(start, start + pre));
      start += pre;
    } else if (suf > 0) {
      suffixes.push(chunk.slice(end - suf, end));
      end -= suf;
    }
  }

  if (end > start) pushCore(chunk, start, end, tokens, exceptionOf);
  for (let i = suffixes.length - 1; i >= 0; i--) tokens.push(suffixes[i]!);
  if (english && tokens.length - first > 1) mergeExceptions(tokens, first, exceptionOf);
}
