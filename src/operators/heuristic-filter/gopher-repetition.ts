/**
 * Gopher repetition rules (Rae et al. 2021): reject documents whose paragraphs, lines or
 * word n-grams repeat too much. Character shares are taken of the whole text, in code points.
 * With the default config, paragraphs, lines and n-grams are counted as datatrove 0.10.1's
 * GopherRepetitionFilter counts them.
 */

import {
  findDuplicates,
  nonBlankLines,
  splitAtBlankLineFeeds,
  splitAtLineFeeds,
  splitParagraphs,
} from '../../text/lines.js';
import { indexTokens, NGramHashes, nGramLength, NGramSlots, type IndexedTokens } from '../../text/n-grams.js';
import type { GopherRepetitionConfig } from './config.js';
import { isCheckActive, safeRatio, type MeasuredText, type Signals } from './document.js';
import { formatMeasure, type RuleFailure } from './reasons.js';

const TOP_N_GRAM_SIZES = ['2', '3', '4'] as const;
const DUPLICATE_N_GRAM_SIZES = ['5', '6', '7', '8', '9', '10'] as const;

/**
 * Returns the characters covered by the most frequent n-gram (tokens joined by spaces)
 * times its count, and its first position. Ties go to the n-gram seen first. With
 * `mustRepeat`, an n-gram seen only once scores 0.
 */
function topNGram(indexed: IndexedTokens, hashes: NGramHashes, n: number, mustRepeat: boolean): { chars: number; start: number } {
  const positions = indexed.ids.length - n + 1;
  if (positions <= 0) return { chars: 0, start: -1 };

  hashes.extendTo(n);
  const slots = new NGramSlots(indexed.ids, n, hashes);
  const counts = new Uint32Array(positions);
  for (let start = 0; start < positions; start++) counts[slots.slotAt(start)]!++;

  let bestSlot = -1;
  let bestCount = mustRepeat ? 1 : 0;
  for (let slot = 0; slot < slots.size; slot++) {
    if (counts[slot]! > bestCount) {
      bestCount = counts[slot]!;
      bestSlot = slot;
    }
  }
  if (bestSlot === -1) return { chars: 0, start: -1 };

  const start = slots.firstStart(bestSlot);
  const chars = nGramLength(indexed, start, n) + (n - 1);
  return { chars: chars * bestCount, start };
}

/**
 * Returns the characters (tokens without separators) of n-grams that repeat an earlier
 * n-gram. After a repeat the scan jumps past it, so overlapping repeats count once.
 *
 * NOTE: datatrove compares the n-gram's tokens joined without separators, so `ab c` and
 * `a bc` count as the same n-gram there. Here n-grams are equal only token by token.
 */
function duplicateNGramChars(indexed: IndexedTokens, hashes: NGramHashes, n: number): number {
  if (indexed.ids.length < n) return 0;
  hashes.extendTo(n);
  const slots = new NGramSlots(indexed.ids, n, hashes);
  const last = indexed.ids.length - n;
  let repeated = 0;
  let start = 0;
  while (start <= last) {
    const known = slots.size;
    if (slots.slotAt(start) < known) {
      repeated += nGramLength(indexed, start, n);
      start += n;
    } else {
      start++;
    }
  }
  return repeated;
}

function quote(tokens: readonly string[], start: number, n: number): string {
  const text = tokens.slice(start, start + n).join(' ');
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Runs the Gopher repetition rules, writing each measure to `signals`. Returns the first failure, or null. */
export function checkGopherRepetition(
  doc: MeasuredText,
  config: GopherRepetitionConfig,
  skipRules: ReadonlySet<string>,
  signals: Signals,
): RuleFailure | null {
  const textLength = doc.length;

  const paragraphs = config.ignoreBlankLines ? splitParagraphs(doc.lines) : splitAtBlankLineFeeds(doc.text);
  const paragraphDuplicates = findDuplicates(paragraphs);
  const paragraphRatio = safeRatio(paragraphDuplicates.count, paragraphs.length);
  const paragraphCharRatio = safeRatio(paragraphDuplicates.chars, textLength);
  signals.gopher_duplicate_paragraph_ratio = paragraphRatio;
  signals.gopher_duplicate_paragraph_char_ratio = paragraphCharRatio;

  const maxParagraphs = config.maxDuplicateParagraphRatio;
  if (isCheckActive(maxParagraphs, 'gopher_too_many_duplicate_paragraphs', skipRules) && paragraphRatio > maxParagraphs) {
    return {
      rule: 'gopher_too_many_duplicate_paragraphs',
      reason: `${paragraphDuplicates.count} of ${paragraphs.length} paragraphs (${formatMeasure(paragraphRatio)}) repeat an earlier paragraph; gopher allows at most ${maxParagraphs}`,
      value: paragraphRatio,
    };
  }
  const maxParagraphChars = config.maxDuplicateParagraphCharRatio;
  if (
    isCheckActive(maxParagraphChars, 'gopher_too_many_duplicate_paragraph_chars', skipRules) &&
    paragraphCharRatio > maxParagraphChars
  ) {
    return {
      rule: 'gopher_too_many_duplicate_paragraph_chars',
      reason: `repeated paragraphs hold ${formatMeasure(paragraphCharRatio)} of the characters; gopher allows at most ${maxParagraphChars}`,
      value: paragraphCharRatio,
    };
  }

  const lines = config.ignoreBlankLines ? nonBlankLines(doc.lines) : splitAtLineFeeds(doc.text);
  const lineKind = config.ignoreBlankLines ? 'non-blank lines' : 'lines';
  const lineDuplicates = findDuplicates(lines);
  const lineRatio = safeRatio(lineDuplicates.count, lines.length);
  const lineCharRatio = safeRatio(lineDuplicates.chars, textLength);
  signals.gopher_duplicate_line_ratio = lineRatio;
  signals.gopher_duplicate_line_char_ratio = lineCharRatio;

  const maxLines = config.maxDuplicateLineRatio;
  if (isCheckActive(maxLines, 'gopher_too_many_duplicate_lines', skipRules) && lineRatio > maxLines) {
    return {
      rule: 'gopher_too_many_duplicate_lines',
      reason: `${lineDuplicates.count} of ${lines.length} ${lineKind} (${formatMeasure(lineRatio)}) repeat an earlier line; gopher allows at most ${maxLines}`,
      value: lineRatio,
    };
  }
  const maxLineChars = config.maxDuplicateLineCharRatio;
  if (isCheckActive(maxLineChars, 'gopher_too_many_duplicate_line_chars', skipRules) && lineCharRatio > maxLineChars) {
    return {
      rule: 'gopher_too_many_duplicate_line_chars',
      reason: `repeated lines hold ${formatMeasure(lineCharRatio)} of the characters; gopher allows at most ${maxLineChars}`,
      value: lineCharRatio,
    };
  }

  let indexed: IndexedTokens | undefined;
  let hashes: NGramHashes | undefined;
  const scale = doc.isMostlySpaceless ? config.spacelessNGramScale : 1;
  const scaleNote = scale === 1 ? '' : ` (${scale} tokens per word in spaceless-script text)`;
  for (const size of TOP_N_GRAM_SIZES) {
    const rule = `gopher_top_${size}_gram_too_frequent` as const;
    const max = config.maxTopNGramCharRatio[size];
    if (!isCheckActive(max, rule, skipRules)) continue;

    indexed ??= indexTokens(doc.tokens);
    hashes ??= new NGramHashes(indexed.ids);
    const tokensPerGram = Number(size) * scale;
    const top = topNGram(indexed, hashes, tokensPerGram, config.topNGramMustRepeat);
    const topRatio = safeRatio(top.chars, textLength);
    signals[`gopher_top_${size}_gram_char_ratio`] = topRatio;
    if (topRatio > max) {
      return {
        rule,
        reason: `the most frequent ${size}-gram${scaleNote} ${quote(doc.tokens, top.start, tokensPerGram)} covers ${formatMeasure(topRatio)} of the characters; gopher allows at most ${max}`,
        value: topRatio,
      };
    }
  }

  for (const size of DUPLICATE_N_GRAM_SIZES) {
    const rule = `gopher_too_many_duplicate_${size}_grams` as const;
    const max = config.maxDuplicateNGramCharRatio[size];
    if (!isCheckActive(max, rule, skipRules)) continue;

    indexed ??= indexTokens(doc.tokens);
    hashes ??= new NGramHashes(indexed.ids);
    const duplicateRatio = safeRatio(duplicateNGramChars(indexed, hashes, Number(size) * scale), textLength);
    signals[`gopher_duplicate_${size}_gram_char_ratio`] = duplicateRatio;
    if (duplicateRatio > max) {
      return {
        rule,
        reason: `repeated ${size}-grams${scaleNote} cover ${formatMeasure(duplicateRatio)} of the characters; gopher allows at most ${max}`,
        value: duplicateRatio,
      };
    }
  }

  return null;
}
