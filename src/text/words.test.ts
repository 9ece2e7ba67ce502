import { describe, expect, it } from 'vitest';
import { countLineWords, hasLetter, isSymbolToken, tokenizeWords } from './words.js';

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

  it('keeps a punctuation-only chunk whole', () => {
    expect(tokenizeWords('a -- b • c ##')).toEqual(['a', '--', 'b', '•', 'c', '##']);
  });

  it('keeps inner punctuation inside the word', () => {
    expect(tokenizeWords('e-mail example.com a#b')).toEqual(['e-mail', 'example.com', 'a#b']);
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

  it('returns 0 for a blank line', () => {
    expect(countLineWords('   ')).toBe(0);
  });
});
