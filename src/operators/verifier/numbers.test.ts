import { describe, expect, it } from 'vitest';
import { parseChineseNumeral } from './chinese-numerals.js';
import { findNumbers, foundNumbersAgree, numbersAgree, parseAnswerNumber } from './numbers.js';

describe('parseAnswerNumber', () => {
  const cases: Array<[string, number | null]> = [
    ['18', 18],
    ['1,234', 1234],
    ['1,234,567.5', 1234567.5],
    ['$5', 5],
    ['$ 5', 5],
    ['€12.50', 12.5],
    ['3/4', 0.75],
    ['3 / 4', 0.75],
    ['0.75', 0.75],
    ['.5', 0.5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['-7', -7],
    ['−7', -7],
    ['= -3.5', -3.5],
    ['1 1/2', 1.5],
    ['She makes $18 every day.', 18],
    ['16 - 3 - 4 = 9 eggs, 9 * 2 = 18', 18],
    ['16-3-4=9', 9],
    ['１２３', 123],
    ['3万', 30000],
    ['1.5亿', 150000000],
    ['5千克', 5],
    ['about eighteen', null],
    ['', null],
    ['no number here', null],
    ['1/0', null],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)}`, () => {
      expect(parseAnswerNumber(text)?.value ?? null).toBe(expected);
    });
  }

  it('ignores dashes inside words', () => {
    expect(findNumbers('gsm8k-test-12').map((n) => n.value)).toEqual([8, 12]);
  });

  it('marks percentages', () => {
    const number = parseAnswerNumber('The share is 50%.');

    expect(number?.value).toBe(50);
    expect(number?.percent).toBe(true);
  });

  it('reads Chinese answers with Chinese numerals', () => {
    expect(parseAnswerNumber('小明一共有十二个苹果')?.value).toBe(12);
    expect(parseAnswerNumber('答案是三百零五')?.value).toBe(305);
  });

  it('prefers digits over numerals inside Chinese words', () => {
    // 一共 contains 一, which alone would read as 1.
    expect(parseAnswerNumber('答案是12，一共')?.value).toBe(12);
  });
});

describe('parseChineseNumeral', () => {
  const cases: Array<[string, number | null]> = [
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['二十五', 25],
    ['一百零五', 105],
    ['三百五十', 350],
    ['一千二百三十四', 1234],
    ['两万', 20000],
    ['一万零一', 10001],
    ['三亿五千万', 350000000],
    ['一万亿', 1e12],
    ['二〇二四', 2024],
    ['零', 0],
    ['三点一四', 3.14],
    ['零点五', 0.5],
    ['负五', -5],
    ['四分之三', 0.75],
    ['百分之五十', 0.5],
    ['点', null],
    ['一点', null],
    ['零分之一', null],
    ['负', null],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${text}`, () => {
      expect(parseChineseNumeral(text)).toBe(expected);
    });
  }

  it('ignores bare units that are part of words', () => {
    expect(findNumbers('千克')).toEqual([]);
    expect(findNumbers('跑了5千米').map((n) => n.value)).toEqual([5]);
  });
});

describe('numbersAgree', () => {
  it('accepts equal numbers and rejects different ones', () => {
    expect(numbersAgree(18, 18, 1e-9)).toBe(true);
    expect(numbersAgree(0, 0, 0)).toBe(true);
    expect(numbersAgree(18, 19, 1e-9)).toBe(false);
    expect(numbersAgree(-5, 5, 1e-9)).toBe(false);
  });

  it('allows floating-point error within the relative tolerance', () => {
    expect(numbersAgree(0.1 + 0.2, 0.3, 1e-9)).toBe(true);
    expect(numbersAgree(1_000_000, 1_000_000.5, 1e-9)).toBe(false);
    expect(numbersAgree(1_000_000, 1_000_000.5, 1e-6)).toBe(true);
  });

  it('matches a percentage with its fraction', () => {
    const fifty = parseAnswerNumber('50%')!;
    const half = parseAnswerNumber('0.5')!;
    const fiftyPlain = parseAnswerNumber('50')!;

    expect(foundNumbersAgree(fifty, half, 1e-9)).toBe(true);
    expect(foundNumbersAgree(half, fifty, 1e-9)).toBe(true);
    expect(foundNumbersAgree(fifty, fiftyPlain, 1e-9)).toBe(true);
    expect(foundNumbersAgree(fifty, parseAnswerNumber('5')!, 1e-9)).toBe(false);
  });

  it('treats 3/4 and 0.75 as equal', () => {
    expect(foundNumbersAgree(parseAnswerNumber('3/4')!, parseAnswerNumber('0.75')!, 1e-9)).toBe(true);
    expect(foundNumbersAgree(parseAnswerNumber('四分之三')!, parseAnswerNumber('0.75')!, 1e-9)).toBe(true);
  });
});
