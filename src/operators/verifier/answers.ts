import { foundNumbersAgree, parseAnswerNumber, type FoundNumber } from './numbers.js';

export type AnswerType = 'number' | 'text';
export type Comparison = 'numeric' | 'text';

export interface CompareOptions {
  /** Numbers agree when they differ by at most this share of the larger magnitude. */
  relativeTolerance: number;
  /** Text answers agree when the token F1 of the two is at least this. */
  minTextF1: number;
}

export interface AnswerComparison {
  comparison: Comparison;
  agree: boolean;
  /** 1 or 0 for numbers; the token F1 (0-1) for text. */
  score: number;
  /** The two answers as compared, for reasons: the numbers read, or the normalised text. */
  proposedShown: string;
  derivedShown: string;
}

const ARTICLES = new Set(['a', 'an', 'the']);
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD_OR_CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}\p{M}]+/gu;

/**
 * Splits an answer into comparable tokens: case-folded NFKC words without punctuation or
 * English articles, with each Han, kana or Hangul character as a token of its own, since
 * those scripts do not separate words with spaces. Thousands separators are dropped first,
 * so "1,234" and "1234" give the same token.
 */
export function answerTokens(text: string): string[] {
  const normalised = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
  const tokens: string[] = [];
  for (const match of normalised.matchAll(WORD_OR_CJK)) {
    const token = match[0];
    if (!CJK_CHAR.test(token) && ARTICLES.has(token)) continue;
    tokens.push(token);
  }
  return tokens;
}

/** Token-level F1 of two answers, counting repeated tokens as often as they occur in both. */
export function tokenF1(proposed: string, derived: string): number {
  const a = answerTokens(proposed);
  const b = answerTokens(derived);
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const token of a) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of b) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / b.length;
  const recall = common / a.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Share of the answer's tokens that occur in `source` (each source token used once). */
export function tokenRecall(answer: string, source: string): number {
  const wanted = answerTokens(answer);
  if (wanted.length === 0) return 0;
  const available = new Map<string, number>();
  for (const token of answerTokens(source)) available.set(token, (available.get(token) ?? 0) + 1);
  let found = 0;
  for (const token of wanted) {
    const left = available.get(token) ?? 0;
    if (left > 0) {
      found++;
      available.set(token, left - 1);
    }
  }
  return found / wanted.length;
}

/**
 * Compares a proposed answer with an independently derived one. Number-typed answers are
 * compared as numbers when the proposed answer contains one; a derived answer without a
 * number then disagrees. A number-typed answer without any number falls back to text.
 */
export function compareAnswers(proposed: string, derived: string, type: AnswerType, options: CompareOptions): AnswerComparison {
  const proposedNumber = type === 'number' ? parseAnswerNumber(proposed) : null;
  if (proposedNumber !== null) return compareNumbers(proposedNumber, derived, options.relativeTolerance);
  const score = tokenF1(proposed, derived);
  return {
    comparison: 'text',
    agree: score >= options.minTextF1 && answerTokens(derived).length > 0,
    score,
    proposedShown: answerTokens(proposed).join(' '),
    derivedShown: answerTokens(derived).join(' '),
  };
}

function compareNumbers(proposed: FoundNumber, derived: string, relativeTolerance: number): AnswerComparison {
  const derivedNumber = parseAnswerNumber(derived);
  const agree = derivedNumber !== null && foundNumbersAgree(proposed, derivedNumber, relativeTolerance);
  return {
    comparison: 'numeric',
    agree,
    score: agree ? 1 : 0,
    proposedShown: showNumber(proposed),
    derivedShown: derivedNumber === null ? 'no number' : showNumber(derivedNumber),
  };
}

function showNumber(number: FoundNumber): string {
  return `${number.value}${number.percent ? '%' : ''}`;
}
