/**
 * FineWeb quality rules with the defaults of datatrove's FineWebQualityFilter: enough lines
 * ending in punctuation, not too many short lines, few repeated lines, and not too many line
 * breaks per word. As in datatrove 0.10.1, lines are the text split at `\n` with blank
 * lines left out, and their length includes surrounding spaces and a trailing `\r`. Each
 * ratio rejects only past its threshold, as in datatrove.
 */

import { codePointLength, isBlank, isSentenceTerminalCodePoint } from '../../text/chars.js';
import { findDuplicates, trimmedEnd } from '../../text/lines.js';
import { isDatatroveTerminalCodePoint } from '../../text/words.js';
import type { FinewebConfig } from './config.js';
import { isCheckActive, safeRatio, type MeasuredText, type Signals } from './document.js';
import { formatMeasure, type RuleFailure } from './reasons.js';

/** Closing quotes and brackets that may follow the terminal of a sentence, as in `."` or `。”`. */
function isClosingMark(cp: number): boolean {
  return cp === 0x22 || cp === 0x27 || cp === 0x29 || cp === 0x2019 || cp === 0x201d || cp === 0x300d || cp === 0x300f || cp === 0xff09;
}

/** True when the last character of the line is a sentence terminal of datatrove's list. */
function endsWithTerminal(line: string): boolean {
  const cp = line.codePointAt(line.length - 1);
  if (cp === undefined) return false;
  // A low surrogate at the end belongs to a supplementary character that starts one unit earlier.
  const last = cp >= 0xdc00 && cp <= 0xdfff && line.length >= 2 ? line.codePointAt(line.length - 2)! : cp;
  return isDatatroveTerminalCodePoint(last);
}

/**
 * True when the line, without trailing whitespace, ends in a sentence terminal (Unicode
 * Sentence_Terminal or `…`), possibly followed by one closing quote or bracket.
 */
function endsWithTerminalLeniently(line: string): boolean {
  let end = trimmedEnd(line);
  if (end === 0) return false;
  let cp = line.codePointAt(end - 1)!;
  if (isClosingMark(cp) && end >= 2) {
    end--;
    cp = line.codePointAt(end - 1)!;
  }
  // A low surrogate at end - 1 belongs to a supplementary character that starts one unit earlier.
  if (cp >= 0xdc00 && cp <= 0xdfff && end >= 2) cp = line.codePointAt(end - 2)!;
  return isSentenceTerminalCodePoint(cp);
}

function countLineFeeds(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** Runs the FineWeb quality rules, writing each measure to `signals`. Returns the first failure, or null. */
export function checkFineweb(
  doc: MeasuredText,
  config: FinewebConfig,
  skipRules: ReadonlySet<string>,
  signals: Signals,
): RuleFailure | null {
  const lines = doc.text.split('\n').filter((line) => !isBlank(line));
  if (lines.length === 0 && !skipRules.has('fineweb_empty')) {
    return { rule: 'fineweb_empty', reason: 'document has no non-blank lines; fineweb rejects it', value: 0 };
  }

  const minPunctuated = config.minPunctuatedLineRatio;
  if (isCheckActive(minPunctuated, 'fineweb_too_few_punctuated_lines', skipRules)) {
    const punctuated = lines.filter(config.lenientLineEnds ? endsWithTerminalLeniently : endsWithTerminal).length;
    const punctuatedRatio = safeRatio(punctuated, lines.length);
    signals.fineweb_line_punct_ratio = punctuatedRatio;
    if (punctuatedRatio < minPunctuated) {
      return {
        rule: 'fineweb_too_few_punctuated_lines',
        reason: `${punctuated} of ${lines.length} non-blank lines (${formatMeasure(punctuatedRatio)}) end in terminal punctuation; fineweb requires at least ${minPunctuated}`,
        value: punctuatedRatio,
      };
    }
  }

  const maxShortRatio = config.maxShortLineRatio;
  const maxShortLength = doc.isMostlySpaceless ? config.maxSpacelessShortLineLength : config.maxShortLineLength;
  if (maxShortLength !== null && isCheckActive(maxShortRatio, 'fineweb_too_many_short_lines', skipRules)) {
    let short = 0;
    for (const line of lines) {
      if (codePointLength(line) <= maxShortLength) short++;
    }
    const shortRatio = safeRatio(short, lines.length);
    signals.fineweb_short_line_ratio = shortRatio;
    if (shortRatio > maxShortRatio) {
      return {
        rule: 'fineweb_too_many_short_lines',
        reason: `${short} of ${lines.length} non-blank lines (${formatMeasure(shortRatio)}) have at most ${maxShortLength} characters; fineweb allows at most ${maxShortRatio}`,
        value: shortRatio,
      };
    }
  }

  const maxDuplicateChars = config.maxDuplicateLineCharRatio;
  if (isCheckActive(maxDuplicateChars, 'fineweb_too_many_duplicate_line_chars', skipRules)) {
    const charsWithoutBreaks = doc.length - countLineFeeds(doc.text);
    const duplicateRatio = safeRatio(findDuplicates(lines).chars, charsWithoutBreaks);
    signals.fineweb_char_dup_ratio = duplicateRatio;
    if (duplicateRatio > maxDuplicateChars) {
      return {
        rule: 'fineweb_too_many_duplicate_line_chars',
        reason: `repeated lines hold ${formatMeasure(duplicateRatio)} of the characters; fineweb allows at most ${maxDuplicateChars}`,
        value: duplicateRatio,
      };
    }
  }

  const maxBreaks = config.maxLineBreakWordRatio;
  if (isCheckActive(maxBreaks, 'fineweb_too_many_line_breaks', skipRules)) {
    const lineBreaks = countLineFeeds(doc.text);
    const breakRatio = safeRatio(lineBreaks, doc.tokens.length);
    signals.fineweb_list_ratio = breakRatio;
    if (breakRatio > maxBreaks) {
      return {
        rule: 'fineweb_too_many_line_breaks',
        reason: `document has ${formatMeasure(breakRatio)} line breaks per word (${lineBreaks} breaks, ${doc.tokens.length} words); fineweb allows at most ${maxBreaks}`,
        value: breakRatio,
      };
    }
  }

  return null;
}
