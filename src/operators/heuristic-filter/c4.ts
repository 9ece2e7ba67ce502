/**
 * C4 rules (Raffel et al. 2020) with the defaults of datatrove's C4QualityFilter. Most
 * rules drop single lines (boilerplate, navigation, code, cookie notices), two reject the
 * whole document (lorem ipsum, curly brackets), and the document needs enough sentences
 * in its kept lines.
 */

import { codePointLength, isWhitespaceCodePoint } from '../../text/chars.js';
import { countSentences } from '../../text/sentences.js';
import { countLineWords } from '../../text/words.js';
import type { C4Config } from './config.js';
import { isCheckActive, type MeasuredText, type Signals } from './document.js';
import type { RuleFailure } from './reasons.js';

// Wikipedia-style markers: `[1]`, `[]`, `[edit]`, `[citation needed]`.
const CITATION = /\[\d*\]|\[edit\]|\[citation needed\]/g;

export interface C4Outcome {
  failure: RuleFailure | null;
  /** The kept lines joined with '\n': the text a kept record gets when rewriting is on. */
  keptText: string;
  linesRemoved: number;
}

/** True when a whitespace-separated word of `line` is longer than `maxLength` code points. */
function hasLongWord(line: string, maxLength: number): boolean {
  let start = 0;
  for (let i = 0; i <= line.length; i++) {
    if (i < line.length && !isWhitespaceCodePoint(line.charCodeAt(i))) continue;
    // A word has at least as many code units as code points, so only words over the limit in units need the exact count.
    if (i - start > maxLength && codePointLength(line, start, i) > maxLength) return true;
    start = i + 1;
  }
  return false;
}

function endsWithAny(line: string, endings: readonly string[]): boolean {
  for (const ending of endings) if (line.endsWith(ending)) return true;
  return false;
}

/** Runs the C4 rules, writing its counts to `signals`. Returns the failure, if any, and the kept lines. */
export function checkC4(
  doc: MeasuredText,
  config: C4Config,
  skipRules: ReadonlySet<string>,
  signals: Signals,
): C4Outcome {
  const keptLines: string[] = [];
  let linesRemoved = 0;
  let sentences = 0;
  const checkLorem = config.rejectLoremIpsum && !skipRules.has('c4_lorem_ipsum');
  const checkCurly = config.rejectCurlyBracket && !skipRules.has('c4_curly_bracket');

  const reject = (failure: RuleFailure): C4Outcome => {
    signals.c4_lines_removed = linesRemoved;
    return { failure, keptText: doc.text, linesRemoved };
  };

  for (const rawLine of doc.lines) {
    let line = rawLine.trim();
    // Blank lines separate paragraphs; dropping them is not a content change worth counting.
    if (line === '') continue;

    if (config.maxWordLength !== null && hasLongWord(line, config.maxWordLength)) {
      linesRemoved++;
      continue;
    }
    if (config.removeCitations && line.includes('[')) {
      line = line.replace(CITATION, '').trim();
    }
    if (config.dropLinesWithoutTerminalPunctuation && (!endsWithAny(line, config.lineEndPunctuation) || line.endsWith('...'))) {
      linesRemoved++;
      continue;
    }
    if (config.minWordsPerLine !== null && countLineWords(line, doc.lang) < config.minWordsPerLine) {
      linesRemoved++;
      continue;
    }

    const lower = line.toLowerCase();
    if (checkLorem && lower.includes('lorem ipsum')) {
      return reject({ rule: 'c4_lorem_ipsum', reason: 'document contains "lorem ipsum" placeholder text; c4 rejects it', value: 1 });
    }
    if (config.dropJavascriptLines && lower.includes('javascript')) {
      linesRemoved++;
      continue;
    }
    if (checkCurly && line.includes('{')) {
      return reject({
        rule: 'c4_curly_bracket',
        reason: "document contains '{', which c4 takes as a sign of code; c4 rejects it",
        value: 1,
      });
    }
    if (config.dropPolicyLines && config.policyPhrases.some((phrase) => lower.includes(phrase))) {
      linesRemoved++;
      continue;
    }

    keptLines.push(line);
    sentences += countSentences(line);
  }

  signals.c4_lines_removed = linesRemoved;
  signals.c4_sentence_count = sentences;
  const minSentences = config.minSentences;
  if (isCheckActive(minSentences, 'c4_too_few_sentences', skipRules) && sentences < minSentences) {
    return reject({
      rule: 'c4_too_few_sentences',
      reason: `kept lines contain ${sentences} sentences (${keptLines.length} lines kept, ${linesRemoved} removed); c4 requires at least ${minSentences}`,
      value: sentences,
    });
  }
  return { failure: null, keptText: keptLines.join('\n'), linesRemoved };
}
