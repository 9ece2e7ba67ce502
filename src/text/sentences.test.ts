import { describe, expect, it } from 'vitest';
import { countSentences, countTokenSentences } from './sentences.js';
import { tokenizeWords } from './words.js';

describe('countSentences', () => {
  it('counts English sentences ending in . ! ?', () => {
    expect(countSentences('It rained. Did it stop? No! It went on.')).toBe(4);
  });

  it('counts text after the last terminal as a sentence', () => {
    expect(countSentences('First one. Then a fragment')).toBe(2);
  });

  it('does not split decimals, domains or inner dots', () => {
    expect(countSentences('Version 3.5 is on example.com today.')).toBe(1);
  });

  it('does not split at an ellipsis before a lower-case word', () => {
    expect(countSentences('He went main stream... and then left.')).toBe(1);
    expect(countSentences('We waited\u2026 and waited.')).toBe(1);
  });

  it('splits at an ellipsis before a capitalised word', () => {
    expect(countSentences('He left... Then it rained.')).toBe(2);
    expect(countSentences('\u5b8c\u4e86\u2026 Next one.')).toBe(2);
  });

  it('does not split after common abbreviations and initials', () => {
    expect(countSentences('Mr. Smith met Dr. Jones and J. Doe, e.g. at noon.')).toBe(1);
  });

  it('does not split before a lower-case word', () => {
    expect(countSentences('They paid approx. ten dollars.')).toBe(1);
  });

  it('splits after an address that ends a sentence', () => {
    expect(countSentences('Write to help@example.com. We answer fast.')).toBe(2);
  });

  it('merges terminal runs and closing quotes', () => {
    expect(countSentences('He said "Stop!" Then he left?!')).toBe(2);
  });

  it('counts Chinese sentences without spaces after terminals', () => {
    expect(countSentences('第一句话。第二句话！第三句话？第四句话。第五句话。')).toBe(5);
  });

  it('counts quoted Chinese sentence once', () => {
    expect(countSentences('他说：“我们走吧。”然后离开了。')).toBe(2);
  });

  it('counts Japanese sentences', () => {
    expect(countSentences('これはペンです。あれは本です。')).toBe(2);
  });

  it('returns 0 for text without letters or digits', () => {
    expect(countSentences('')).toBe(0);
    expect(countSentences('   ')).toBe(0);
    expect(countSentences('... !!! 。')).toBe(0);
  });

  it('handles a terminal outside the BMP without looping', () => {
    // U+11047 BRAHMI DANDA is a sentence terminal encoded as a surrogate pair.
    expect(countSentences('abc\u{11047} def')).toBe(2);
  });
});

describe('countTokenSentences', () => {
  it('ends a sentence after a terminal token before a word', () => {
    expect(countTokenSentences(tokenizeWords('One. Two! Three? Four'))).toBe(4);
  });

  it('lets closing punctuation stay with the sentence', () => {
    expect(countTokenSentences(tokenizeWords('He said "stop." Then he left.'))).toBe(2);
  });

  it('does not end a sentence at an ellipsis token or an abbreviation', () => {
    expect(countTokenSentences(tokenizeWords('Wait... Mr. Smith is here.'))).toBe(1);
  });

  it('splits full-width terminals in segmented Chinese', () => {
    expect(countTokenSentences(tokenizeWords('我们在北京。他们在上海！'))).toBe(2);
  });

  it('returns 0 for no tokens', () => {
    expect(countTokenSentences([])).toBe(0);
  });
});
