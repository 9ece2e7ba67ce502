/**
 * Values of Chinese numerals written with characters, such as 十二, 三百零五, 两万, 三点一四,
 * 负五 and 四分之三. Financial forms (壹, 贰, ...) are not read.
 */

const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const LARGE_UNITS: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/** Characters that may make up a Chinese numeral, for building regular expressions. */
export const CHINESE_NUMERAL_CHARS = '零〇一二两三四五六七八九十百千万亿点负';

/** Returns the value of a Chinese numeral, or null when the characters do not form one. */
export function parseChineseNumeral(text: string): number | null {
  let body = text;
  let sign = 1;
  if (body.startsWith('负')) {
    sign = -1;
    body = body.slice(1);
  }
  const fraction = body.split('分之');
  if (fraction.length === 2) {
    const denominator = parseUnsigned(fraction[0]!);
    const numerator = parseUnsigned(fraction[1]!);
    if (denominator === null || numerator === null || denominator === 0) return null;
    return (sign * numerator) / denominator;
  }
  if (fraction.length > 2) return null;
  const value = parseUnsigned(body);
  return value === null ? null : sign * value;
}

function parseUnsigned(text: string): number | null {
  if (text === '') return null;
  const [whole, decimals, ...rest] = text.split('点');
  if (rest.length > 0 || whole === undefined) return null;
  const integer = whole === '' && decimals !== undefined ? 0 : parseInteger(whole);
  if (integer === null) return null;
  if (decimals === undefined) return integer;
  const digits = readDigitString(decimals);
  return digits === null || digits === '' ? null : Number(`${integer}.${digits}`);
}

/** Reads digits one by one, as in years (二〇二四) and the part after 点. */
function readDigitString(text: string): string | null {
  let digits = '';
  for (const ch of text) {
    const digit = DIGITS[ch];
    if (digit === undefined) return null;
    digits += String(digit);
  }
  return digits;
}

function parseInteger(text: string): number | null {
  const hasUnit = [...text].some((ch) => ch in SMALL_UNITS || ch in LARGE_UNITS);
  if (!hasUnit) {
    const digits = readDigitString(text);
    return digits === null || digits === '' ? null : Number(digits);
  }
  // `total` is the sum of finished 万/亿 groups, `section` the part below 万 read so far,
  // and `digit` the last digit not yet multiplied by a unit.
  let total = 0;
  let section = 0;
  let digit = 0;
  for (const ch of text) {
    if (ch in DIGITS) {
      digit = DIGITS[ch]!;
    } else if (ch in SMALL_UNITS) {
      // A bare 十 at the start of a group means one ten (十二 = 12).
      section += (digit === 0 ? 1 : digit) * SMALL_UNITS[ch]!;
      digit = 0;
    } else if (ch === '万') {
      total += (section + digit) * LARGE_UNITS[ch]!;
      section = 0;
      digit = 0;
    } else if (ch === '亿') {
      // 亿 scales everything before it, so 一万亿 is 10^12.
      total = (total + section + digit) * LARGE_UNITS[ch]!;
      section = 0;
      digit = 0;
    } else {
      return null;
    }
  }
  return total + section + digit;
}
