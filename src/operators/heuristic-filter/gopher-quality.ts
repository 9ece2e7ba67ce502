/**
 * Gopher quality rules (Rae et al. 2021): document length, mean word length, symbol
 * density, bullet and ellipsis lines, words with letters and stop words.
 *
 * Words are the tokens that are not pure punctuation. Word count and mean word length use
 * them. The '#' and ellipsis ratios divide by all tokens, punctuation included. With the
 * default config every measure is counted as datatrove 0.10.1's GopherQualityFilter counts
 * it: the share of words with a letter divides by all tokens, line ratios count blank lines,
 * and stop words match exact tokens. Options turn on the alternatives (see config.ts).
 * Text of mostly spaceless scripts, such as Chinese, has its own mean word length bounds
 * and divides the letter share by words, because its full-width marks are separate tokens.
 */

import { codePointLength } from '../../text/chars.js';
import { nonBlankLines, trimmedEnd, trimmedStart } from '../../text/lines.js';
import { guessLanguageFromScripts, primaryLanguage } from '../../text/script-profile.js';
import { countStopWords, stopWordsFor } from '../../text/stop-words.js';
import { hasLetter, isDatatrovePunctuationToken, isSymbolToken } from '../../text/words.js';
import type { GopherQualityConfig } from './config.js';
import { isCheckActive, safeRatio, type MeasuredText, type Signals } from './document.js';
import { formatMeasure, type RuleFailure } from './reasons.js';

/** Counts `#` characters. */
function countHashes(text: string): number {
  let count = 0;
  for (let i = text.indexOf('#'); i !== -1; i = text.indexOf('#', i + 1)) count++;
  return count;
}

/** Counts ellipses: non-overlapping `...` runs (as Python's `str.count`) plus `…` characters. */
function countEllipses(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x2026) {
      count++;
    } else if (unit === 0x2e && text.charCodeAt(i + 1) === 0x2e && text.charCodeAt(i + 2) === 0x2e) {
      count++;
      i += 2;
    }
  }
  return count;
}

function startsWithBullet(line: string): boolean {
  const unit = line.charCodeAt(trimmedStart(line));
  return unit === 0x2022 || unit === 0x2d; // • or -
}

function endsWithEllipsis(line: string): boolean {
  const end = trimmedEnd(line);
  return line.charCodeAt(end - 1) === 0x2026 || (end >= 3 && line.startsWith('...', end - 3));
}

// Sets built from configured stop-word lists, keyed by the list so each is built once.
const configuredStopWordSets = new WeakMap<readonly string[], ReadonlySet<string>>();
const lowerCasedStopWordSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Returns the language whose stop words apply: the configured one, else the record's, else the script's. */
function stopWordLanguage(doc: MeasuredText, config: GopherQualityConfig): string | null {
  if (config.stopWordsLanguage !== null) return config.stopWordsLanguage;
  return doc.lang !== null ? primaryLanguage(doc.lang) : guessLanguageFromScripts(doc.scripts);
}

/** Chooses the stop-word list: the configured or built-in list of stopWordLanguage. */
function stopWordList(doc: MeasuredText, config: GopherQualityConfig): { lang: string | null; words: ReadonlySet<string> | null } {
  const lang = stopWordLanguage(doc, config);
  if (lang === null) return { lang, words: null };

  const configured = config.stopWords[lang];
  if (configured === undefined) return { lang, words: stopWordsFor(lang) };
  // Case-insensitive matching lower-cases tokens, so it needs the list in lower case too.
  const cache = config.stopWordsIgnoreCase ? lowerCasedStopWordSets : configuredStopWordSets;
  let words = cache.get(configured);
  if (words === undefined) {
    words = new Set(config.stopWordsIgnoreCase ? configured.map((word) => word.toLowerCase()) : configured);
    cache.set(configured, words);
  }
  return { lang, words };
}

/** Runs the Gopher quality rules, writing each measure to `signals`. Returns the first failure, or null. */
export function checkGopherQuality(
  doc: MeasuredText,
  config: GopherQualityConfig,
  skipRules: ReadonlySet<string>,
  signals: Signals,
): RuleFailure | null {
  const tokens = doc.tokens;
  const isPunctuation = config.punctuation === 'datatrove' ? isDatatrovePunctuationToken : isSymbolToken;
  let wordCount = 0;
  let wordChars = 0;
  let alphaWords = 0;
  for (const token of tokens) {
    if (isPunctuation(token)) continue;
    wordCount++;
    wordChars += codePointLength(token);
    if (hasLetter(token)) alphaWords++;
  }
  signals.gopher_word_count = wordCount;

  const { minDocWords, maxDocWords } = config;
  if (isCheckActive(minDocWords, 'gopher_short_doc', skipRules) && wordCount < minDocWords) {
    return {
      rule: 'gopher_short_doc',
      reason: `document has ${wordCount} words; gopher requires at least ${minDocWords}`,
      value: wordCount,
    };
  }
  if (isCheckActive(maxDocWords, 'gopher_long_doc', skipRules) && wordCount > maxDocWords) {
    return {
      rule: 'gopher_long_doc',
      reason: `document has ${wordCount} words; gopher allows at most ${maxDocWords}`,
      value: wordCount,
    };
  }

  // The mean is undefined without words, so both length checks wait for at least one word.
  const meanWordLength = safeRatio(wordChars, wordCount);
  signals.gopher_mean_word_length = meanWordLength;
  signals.gopher_spaceless_letter_ratio = doc.spacelessLetterRatio;
  const spaceless = doc.isMostlySpaceless;
  const minMean = spaceless ? config.minSpacelessMeanWordLength : config.minMeanWordLength;
  const maxMean = spaceless ? config.maxSpacelessMeanWordLength : config.maxMeanWordLength;
  const scriptNote = spaceless ? ' for spaceless-script text' : '';
  if (wordCount > 0 && isCheckActive(minMean, 'gopher_mean_word_length_too_short', skipRules) && meanWordLength < minMean) {
    return {
      rule: 'gopher_mean_word_length_too_short',
      reason: `mean word length is ${formatMeasure(meanWordLength)} characters; gopher requires at least ${minMean}${scriptNote}`,
      value: meanWordLength,
    };
  }
  if (wordCount > 0 && isCheckActive(maxMean, 'gopher_mean_word_length_too_long', skipRules) && meanWordLength > maxMean) {
    return {
      rule: 'gopher_mean_word_length_too_long',
      reason: `mean word length is ${formatMeasure(meanWordLength)} characters; gopher allows at most ${maxMean}${scriptNote}`,
      value: meanWordLength,
    };
  }

  const maxSymbols = config.maxSymbolWordRatio;
  if (isCheckActive(maxSymbols, 'gopher_too_many_hashes', skipRules)) {
    const hashRatio = safeRatio(countHashes(doc.text), tokens.length);
    signals.gopher_hash_word_ratio = hashRatio;
    if (hashRatio > maxSymbols) {
      return {
        rule: 'gopher_too_many_hashes',
        reason: `'#' occurs ${formatMeasure(hashRatio)} times per token; gopher allows at most ${maxSymbols}`,
        value: hashRatio,
      };
    }
  }
  if (isCheckActive(maxSymbols, 'gopher_too_many_ellipses', skipRules)) {
    const ellipsisRatio = safeRatio(countEllipses(doc.text), tokens.length);
    signals.gopher_ellipsis_word_ratio = ellipsisRatio;
    if (ellipsisRatio > maxSymbols) {
      return {
        rule: 'gopher_too_many_ellipses',
        reason: `ellipses occur ${formatMeasure(ellipsisRatio)} times per token; gopher allows at most ${maxSymbols}`,
        value: ellipsisRatio,
      };
    }
  }

  const lines = config.countBlankLines ? doc.lines : nonBlankLines(doc.lines);
  const lineKind = config.countBlankLines ? 'lines' : 'non-blank lines';
  const maxBullets = config.maxBulletLineRatio;
  if (isCheckActive(maxBullets, 'gopher_too_many_bullet_lines', skipRules)) {
    const bulletLines = lines.filter(startsWithBullet).length;
    const bulletRatio = safeRatio(bulletLines, lines.length);
    signals.gopher_bullet_line_ratio = bulletRatio;
    if (bulletRatio > maxBullets) {
      return {
        rule: 'gopher_too_many_bullet_lines',
        reason: `${bulletLines} of ${lines.length} ${lineKind} (${formatMeasure(bulletRatio)}) start with a bullet; gopher allows at most ${maxBullets}`,
        value: bulletRatio,
      };
    }
  }
  const maxEllipsisLines = config.maxEllipsisLineRatio;
  if (isCheckActive(maxEllipsisLines, 'gopher_too_many_ellipsis_lines', skipRules)) {
    const ellipsisLines = lines.filter(endsWithEllipsis).length;
    const ellipsisLineRatio = safeRatio(ellipsisLines, lines.length);
    signals.gopher_ellipsis_line_ratio = ellipsisLineRatio;
    if (ellipsisLineRatio > maxEllipsisLines) {
      return {
        rule: 'gopher_too_many_ellipsis_lines',
        reason: `${ellipsisLines} of ${lines.length} ${lineKind} (${formatMeasure(ellipsisLineRatio)}) end with an ellipsis; gopher allows at most ${maxEllipsisLines}`,
        value: ellipsisLineRatio,
      };
    }
  }

  const denominator = spaceless ? config.spacelessAlphaRatioDenominator : config.alphaRatioDenominator;
  const alphaTotal = denominator === 'tokens' ? tokens.length : wordCount;
  const alphaRatio = safeRatio(alphaWords, alphaTotal);
  signals.gopher_alpha_word_ratio = alphaRatio;
  const minAlpha = config.minAlphaWordRatio;
  if (wordCount > 0 && isCheckActive(minAlpha, 'gopher_too_few_alpha_words', skipRules) && alphaRatio < minAlpha) {
    return {
      rule: 'gopher_too_few_alpha_words',
      reason: `${alphaWords} of ${alphaTotal} ${denominator} (${formatMeasure(alphaRatio)}) contain a letter; gopher requires at least ${minAlpha}${scriptNote}`,
      value: alphaRatio,
    };
  }

  const minStopWords = config.minStopWords;
  if (isCheckActive(minStopWords, 'gopher_too_few_stop_words', skipRules)) {
    const { lang, words } = stopWordList(doc, config);
    if (words === null) {
      // Without a list for the language the rule cannot judge, so it passes and records why.
      signals.gopher_stop_words_skipped = 1;
    } else {
      // Gopher requires two different stop words, so repeats of one word count once.
      const { distinct } = countStopWords(tokens, words, config.stopWordsIgnoreCase);
      signals.gopher_distinct_stop_words = distinct;
      if (distinct < minStopWords) {
        return {
          rule: 'gopher_too_few_stop_words',
          reason: `document contains ${distinct} different stop words of language '${lang}'; gopher requires at least ${minStopWords}`,
          value: distinct,
        };
      }
    }
  }

  return null;
}
