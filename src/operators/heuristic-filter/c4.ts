/**
 * C4 rules (Raffel et al. 2020) with the defaults of datatrove's C4QualityFilter. Most
 * rules drop single lines (boilerplate, navigation, code, cookie notices), two reject the
 * whole document (lorem ipsum, curly brackets), and the document needs enough sentences
 * in its kept lines. As in datatrove 0.10.1, the words of a line are counted before
 * citation markers are removed, and sentences are counted by spaCy's sentencizer rule
 * unless `sentenceSplitter` is `whitespace`.
 */

import { codePointLength, isWhitespaceCodePoint } from '../../text/chars.js';
import { countSentences, countTokenSentences } from '../../text/sentences.js';
import { countLineWords, tokenizeWords } from '../../text/words.js';
import type { C4Config } from './config.js';
import { isCheckActive, type MeasuredText, type Signals } from './document.js';
import type { RuleFailure } from './reasons.js';

// Wikipedia-style markers: `[1]`, `[]`, `[edit]`, `[citation needed]`.
const CITATION = /\[\d*\]|\[edit\]|\[citation needed\]/g;

export interface C4Outcome {
  failure: RuleFailure | null;
  /** The kept lines joined with '\n': the text a kept record gets when rewriting is on. */
  keptText: string;
  /** The tokens of keptText when the rules already had them all, or null. */
  keptTokens: string[] | null;
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

/**
 * True when `line`, cut from `rawLine` by trim() and nothing else, has the same tokens. trim()
 * removes only whitespace, which separates tokens, and U+FEFF, which is a token of its own.
 */
function sameTokens(rawLine: string, original: string, line: string): boolean {
  return line === original && (rawLine === original || !rawLine.includes('\ufeff'));
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
  // Tokens of the kept lines in order; null once a kept line's tokens are not known.
  let keptTokens: string[] | null = [];
  let linesRemoved = 0;
  let sentences = 0;
  const checkLorem = config.rejectLoremIpsum && !skipRules.has('c4_lorem_ipsum');
  const checkCurly = config.rejectCurlyBracket && !skipRules.has('c4_curly_bracket');

  const reject = (failure: RuleFailure): C4Outcome => {
    signals.c4_lines_removed = linesRemoved;
    return { failure, keptText: doc.text, keptTokens: null, linesRemoved };
  };

  const lineEndings = doc.isMostlySpaceless
    ? [...config.lineEndPunctuation, ...config.spacelessLineEndPunctuation]
    : config.lineEndPunctuation;
  const bySentencizer = config.sentenceSplitter === 'spacy-sentencizer';

  const lines = doc.lines;
  for (let index = 0; index < lines.length; index++) {
    const rawLine = lines[index]!;
    const original = rawLine.trim();
    // Blank lines separate paragraphs; dropping them is not a content change worth counting.
    if (original === '') continue;

    if (config.maxWordLength !== null && hasLongWord(original, config.maxWordLength)) {
      linesRemoved++;
      continue;
    }
    let line = original;
    if (config.removeCitations && line.includes('[')) {
      // datatrove removes the markers without trimming again, so `text [1]` ends in a space.
      line = line.replace(CITATION, '');
    }
    if (config.dropLinesWithoutTerminalPunctuation && (!endsWithAny(line, lineEndings) || line.endsWith('...'))) {
      linesRemoved++;
      continue;
    }
    if (config.minWordsPerLine !== null && countLineWords(original, doc.lang, config.segmentSpacelessLineWords) < config.minWordsPerLine) {
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
    if (bySentencizer) {
      const tokens = sameTokens(rawLine, original, line) ? doc.lineTokens(index) : tokenizeWords(line, doc.lang);
      sentences += countTokenSentences(tokens);
      if (keptTokens !== null) for (const token of tokens) keptTokens.push(token);
    } else {
      sentences += countSentences(line);
      keptTokens = null;
    }
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
  // datatrove strips the joined text, which removes a space that citation removal left.
  const joined = keptLines.join('\n');
  const keptText = joined.trim();
  // Stripping only whitespace keeps the tokens, except a byte order mark, which is a token.
  const tokensKnown = keptTokens !== null && (keptText === joined || !joined.includes('\ufeff'));
  return { failure: null, keptText, keptTokens: tokensKnown ? keptTokens : null, linesRemoved };
}
