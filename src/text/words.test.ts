import { describe, expect, it } from 'vitest';
import { MAX_EXCEPTION_LENGTH, wordException, wordExceptionKeys } from './word-exceptions.js';
import { countLineWords, hasLetter, isDatatrovePunctuationToken, isSymbolToken, tokenizeWords } from './words.js';

describe('tokenizeWords', () => {
  it('splits punctuation off word ends', () => {
    expect(tokenizeWords('Hello, world! (Yes.)')).toEqual(['Hello', ',', 'world', '!', '(', 'Yes', '.', ')']);
  });

  it('keeps a run of dots as one token', () => {
    expect(tokenizeWords('Wait... what')).toEqual(['Wait', '...', 'what']);
  });

  it('keeps dots of abbreviations on the word', () => {
    expect(tokenizeWords('the U.S. and e.g., this')).toEqual(['the', 'U.S.', 'and', 'e.g.', ',', 'this']);
  });

  it('splits the final dot after a number', () => {
    expect(tokenizeWords('costs $1,000.50.')).toEqual(['costs', '$', '1,000.50', '.']);
  });

  it('splits English contractions like Treebank', () => {
    expect(tokenizeWords("don't it's we’re")).toEqual(['do', "n't", 'it', "'s", 'we', '’re']);
  });

  it('splits prefix punctuation off one character at a time', () => {
    // '-' is no prefix or suffix for spaCy, while '#' is both.
    expect(tokenizeWords('a -- b • c ##')).toEqual(['a', '--', 'b', '•', 'c', '#', '#']);
  });

  it('splits hyphens, slashes and colons between letters', () => {
    expect(tokenizeWords('t-shirt his/her people:fer e-mail')).toEqual([
      't', '-', 'shirt', 'his', '/', 'her', 'people', ':', 'fer', 'e', '-', 'mail',
    ]);
  });

  it('keeps numbers, URLs and inner symbols whole', () => {
    expect(tokenizeWords('COVID-19 1/2 10:30 example.com https://a.example.org/x-y a#b |Tuesday')).toEqual([
      'COVID-19', '1/2', '10:30', 'example.com', 'https://a.example.org/x-y', 'a#b', '|Tuesday',
    ]);
  });

  it('splits a dot between lower and upper case', () => {
    expect(tokenizeWords('customer.These')).toEqual(['customer', '.', 'These']);
  });

  it('splits units and currency after a number', () => {
    expect(tokenizeWords('5km 100MB 50% $20 3pm')).toEqual(['5', 'km', '100', 'MB', '50', '%', '$', '20', '3', 'pm']);
  });

  it('keeps common abbreviations and emoticons whole', () => {
    expect(tokenizeWords('Mr. Smith (TX): and/or :) Ph.D.')).toEqual(['Mr.', 'Smith', '(', 'TX', '):', 'and/or', ':)', 'Ph.D.']);
  });

  it('applies English exceptions to English and unknown text only', () => {
    expect(tokenizeWords('im Haus', 'en')).toEqual(['i', 'm', 'Haus']);
    expect(tokenizeWords('im Haus', 'de')).toEqual(['im', 'Haus']);
  });

  it('keeps a byte order mark as a token like spaCy', () => {
    expect(tokenizeWords('\ufeff\n\nThe text')).toEqual(['\ufeff', 'The', 'text']);
  });

  it('returns no tokens for empty or blank text', () => {
    expect(tokenizeWords('')).toEqual([]);
    expect(tokenizeWords(' \n\t\r\n\u3000')).toEqual([]);
  });

  it('segments Chinese into dictionary words', () => {
    expect(tokenizeWords('我们在北京工作。')).toEqual(['我们', '在', '北京', '工作', '。']);
  });

  it('segments Japanese and keeps particles apart', () => {
    expect(tokenizeWords('日本語の文章です。')).toEqual(['日本語', 'の', '文章', 'です', '。']);
  });

  it('segments Thai without spaces', () => {
    const tokens = tokenizeWords('ภาษาไทยเป็นภาษาที่สวยงาม');

    expect(tokens.length).toBeGreaterThanOrEqual(4);
    expect(tokens.join('')).toBe('ภาษาไทยเป็นภาษาที่สวยงาม');
  });

  it('segments only the chunks that hold spaceless characters', () => {
    expect(tokenizeWords("Don't stop 北京大学 now.")).toEqual(['Do', "n't", 'stop', '北京', '大学', 'now', '.']);
  });

  it('joins ICU dot segments inside Chinese text', () => {
    expect(tokenizeWords('下面小编为大家介绍......')).toContain('......');
  });

  it('handles characters outside the BMP', () => {
    expect(tokenizeWords('😀x, 𠀀字')).toEqual(['😀', 'x', ',', '𠀀', '字']);
  });
});

describe('isSymbolToken', () => {
  it('accepts punctuation and symbols of any script', () => {
    for (const token of [',', '...', '—', '#', '。', '，', '•', '€', '😀']) {
      expect(isSymbolToken(token), token).toBe(true);
    }
  });

  it('rejects tokens with a letter or digit', () => {
    for (const token of ['a', "n't", '2024', '北京', '#1']) {
      expect(isSymbolToken(token), token).toBe(false);
    }
  });
});

describe('hasLetter', () => {
  it('finds letters of any script', () => {
    expect(hasLetter('abc')).toBe(true);
    expect(hasLetter('北京')).toBe(true);
    expect(hasLetter('Привет')).toBe(true);
    expect(hasLetter('3rd')).toBe(true);
  });

  it('rejects digits and punctuation', () => {
    expect(hasLetter('2024')).toBe(false);
    expect(hasLetter('...')).toBe(false);
    expect(hasLetter('')).toBe(false);
  });
});

describe('countLineWords', () => {
  it('counts whitespace-separated words in space-delimited text', () => {
    expect(countLineWords('  one two,  three. ')).toBe(3);
  });

  it('counts segmented words in Chinese and skips punctuation', () => {
    expect(countLineWords('我们在北京工作。')).toBe(4);
    expect(countLineWords('你好。')).toBe(1);
  });

  it('counts spaceless text by whitespace when not segmenting', () => {
    expect(countLineWords('我们在北京工作。', 'zh', false)).toBe(1);
    expect(countLineWords('我们 在 北京', 'zh', false)).toBe(3);
  });

  it('returns 0 for a blank line', () => {
    expect(countLineWords('   ')).toBe(0);
  });
});

describe('isDatatrovePunctuationToken', () => {
  it('accepts ASCII and listed CJK punctuation', () => {
    for (const token of [',', '...', '—', '#', '。', '，', '|', '１']) {
      expect(isDatatrovePunctuationToken(token), token).toBe(true);
    }
  });

  it('rejects symbols that datatrove does not list', () => {
    for (const token of ['•', '€', '©', '‘', 'a', '2024']) {
      expect(isDatatrovePunctuationToken(token), token).toBe(false);
    }
  });
});

describe('word exceptions', () => {
  it('fit within MAX_EXCEPTION_LENGTH', () => {
    const longest = Math.max(...wordExceptionKeys().map((key) => key.length));

    expect(longest).toBeLessThanOrEqual(MAX_EXCEPTION_LENGTH);
  });

  it('are all found by the lookup', () => {
    const missed = wordExceptionKeys().filter((key) => wordException(key) === undefined);

    expect(missed).toEqual([]);
    expect(wordException('table')).toBeUndefined();
  });

  it('split contractions and keep ordinary words', () => {
    expect(tokenizeWords("can't won't cannot dont well its")).toEqual(['ca', "n't", 'wo', "n't", 'can', 'not', 'do', 'nt', 'well', 'its']);
  });
});
