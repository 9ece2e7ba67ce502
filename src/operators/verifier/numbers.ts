import { CHINESE_NUMERAL_CHARS, parseChineseNumeral } from './chinese-numerals.js';

/** A number found in an answer. */
export interface FoundNumber {
  value: number;
  /** Written with a percent sign (50%), so 50 may also mean 0.5. */
  percent: boolean;
  /** The characters the number was read from. */
  text: string;
  /** Written in Chinese characters (三百零五) rather than digits. */
  chinese?: boolean;
}

// A minus sign counts only at the start or after a space, bracket or operator, so the dash
// in `16-3` or `gsm8k-test` is not read as a negative sign.
const SIGN = String.raw`(?:(?<![\p{L}\p{N})\]])-)?`;
const CURRENCY = String.raw`[$€£¥]?`;
const DIGITS = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+`;
const CHINESE_RUN = `[${CHINESE_NUMERAL_CHARS}]+(?:分之[${CHINESE_NUMERAL_CHARS}]+)?`;

const NUMBER_PATTERN = new RegExp(
  [
    String.raw`(?<mixed>${SIGN}(?<mixedWhole>\d+)\s+(?<mixedTop>\d+)/(?<mixedBottom>\d+))`,
    String.raw`(?<fraction>${SIGN}(?<top>\d+(?:\.\d+)?)\s*/\s*(?<bottom>\d+(?:\.\d+)?))`,
    String.raw`(?<decimal>${SIGN}${CURRENCY}\s?(?<digits>${DIGITS})(?<exponent>[eE][-+]?\d+)?(?<suffix>\s?%|[万亿])?)`,
    String.raw`(?<chinese>${CHINESE_RUN})`,
  ].join('|'),
  'gu',
);

// Only 万 and 亿 scale Arabic digits: 千 and 百 after digits usually start a unit (5千克 is 5 kg).
const SUFFIX_SCALE: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/**
 * Returns every number in `text` in order of appearance. It reads integers with or without
 * thousands separators (1,234), decimals, scientific notation (1e3), fractions (3/4), mixed
 * numbers (1 1/2), currency amounts ($5) and percentages (50%). It also reads Arabic digits
 * with a Chinese unit (3万) and Chinese numerals (三百零五, 四分之三). Full-width digits count
 * as digits.
 * NOTE: English number words (eighteen) are not read, so answers written that way compare as text.
 */
export function findNumbers(text: string): FoundNumber[] {
  const normalised = text.normalize('NFKC').replace(/\u2212/g, '-');
  const found: FoundNumber[] = [];
  for (const match of normalised.matchAll(NUMBER_PATTERN)) {
    const number = readMatch(match);
    if (number !== null && Number.isFinite(number.value)) found.push(number);
  }
  return found;
}

function readMatch(match: RegExpMatchArray): FoundNumber | null {
  const groups = match.groups!;
  const text = match[0];
  const sign = text.startsWith('-') ? -1 : 1;
  if (groups.mixed) {
    const bottom = Number(groups.mixedBottom);
    if (bottom === 0) return null;
    const value = Number(groups.mixedWhole) + Number(groups.mixedTop) / bottom;
    return { value: sign * value, percent: false, text };
  }
  if (groups.fraction) {
    const bottom = Number(groups.bottom);
    if (bottom === 0) return null;
    return { value: (sign * Number(groups.top)) / bottom, percent: false, text };
  }
  if (groups.decimal) {
    let value = Number(`${groups.digits!.replace(/,/g, '')}${groups.exponent ?? ''}`);
    const suffix = groups.suffix?.trim() ?? '';
    if (suffix in SUFFIX_SCALE) value *= SUFFIX_SCALE[suffix]!;
    return { value: sign * value, percent: suffix === '%', text };
  }
  // A run of bare units, such as 千 in 千克 (kilogram), is part of a word, not a number.
  if (!/[零〇一二两三四五六七八九十]/u.test(text)) return null;
  const value = parseChineseNumeral(text);
  return value === null ? null : { value, percent: false, text, chinese: true };
}

/**
 * Reads the final answer of a reply as a number: the only number in it, or the last one
 * when there are several, because worked answers end with their result. Numbers written
 * with digits win over Chinese numerals, because characters such as 一 also occur inside
 * ordinary words (一共, 一些). Returns null when the text contains no number.
 */
export function parseAnswerNumber(text: string): FoundNumber | null {
  const numbers = findNumbers(text);
  const withDigits = numbers.filter((number) => !number.chinese);
  const candidates = withDigits.length > 0 ? withDigits : numbers;
  return candidates.length === 0 ? null : candidates[candidates.length - 1]!;
}

/** Checks whether two numbers agree within `relativeTolerance` of the larger magnitude. */
export function numbersAgree(a: number, b: number, relativeTolerance: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Checks whether two answers name the same number. A percentage also matches its fraction
 * (50% and 0.5), because a question about a share can be answered either way.
 */
export function foundNumbersAgree(a: FoundNumber, b: FoundNumber, relativeTolerance: number): boolean {
  if (numbersAgree(a.value, b.value, relativeTolerance)) return true;
  if (a.percent && !b.percent) return numbersAgree(a.value / 100, b.value, relativeTolerance);
  if (b.percent && !a.percent) return numbersAgree(a.value, b.value / 100, relativeTolerance);
  return false;
}
