import { describe, expect, it } from 'vitest';
import { guessLanguageFromScripts, primaryLanguage, profileScripts, spacelessShare } from './script-profile.js';
import { countStopWords, STOP_WORD_LANGUAGES, stopWordsFor } from './stop-words.js';
import { tokenizeWords } from './words.js';

describe('stopWordsFor', () => {
  it('ships lists for the main languages', () => {
    for (const lang of ['en', 'zh', 'ja', 'de', 'fr', 'es', 'ru', 'pt', 'it']) {
      expect(STOP_WORD_LANGUAGES, lang).toContain(lang);
    }
  });

  it('uses the primary subtag of a BCP-47 tag', () => {
    expect(stopWordsFor('pt-BR')).toBe(stopWordsFor('pt'));
    expect(stopWordsFor('zh-Hant-TW')).toBe(stopWordsFor('zh'));
    expect(stopWordsFor('EN')).toBe(stopWordsFor('en'));
  });

  it('returns null for a language without a list', () => {
    expect(stopWordsFor('ko')).toBeNull();
    expect(stopWordsFor('xx')).toBeNull();
  });
});

describe('countStopWords', () => {
  it('counts occurrences and distinct words, matching case', () => {
    const tokens = tokenizeWords('The cat and the dog sat with The owner');

    expect(countStopWords(tokens, stopWordsFor('en')!)).toEqual({ occurrences: 3, distinct: 3 });
  });

  it('counts occurrences and distinct words, ignoring case', () => {
    const tokens = tokenizeWords('The cat and the dog sat with The owner');

    expect(countStopWords(tokens, stopWordsFor('en')!, true)).toEqual({ occurrences: 5, distinct: 3 });
  });

  it('finds Chinese stop words among segmented words', () => {
    const tokens = tokenizeWords('这是我们的学校，我们在这里学习和生活。');
    const counts = countStopWords(tokens, stopWordsFor('zh')!);

    expect(counts.distinct).toBeGreaterThanOrEqual(3);
  });

  it('finds Japanese particles among segmented words', () => {
    const tokens = tokenizeWords('日本語の文章を書くことができます。');

    expect(countStopWords(tokens, stopWordsFor('ja')!).distinct).toBeGreaterThanOrEqual(2);
  });
});

describe('guessLanguageFromScripts', () => {
  const guess = (text: string) => guessLanguageFromScripts(profileScripts(text));

  it('maps Han without kana to Chinese', () => {
    expect(guess('长江是中国最长的河流。')).toBe('zh');
  });

  it('maps kana to Japanese even with many Han characters', () => {
    expect(guess('日本語の文章を書く。東京都千代田区')).toBe('ja');
  });

  it('maps Cyrillic, Latin, Hangul and Thai', () => {
    expect(guess('Привет, как дела?')).toBe('ru');
    expect(guess('Hello there, café')).toBe('en');
    expect(guess('안녕하세요 세계')).toBe('ko');
    expect(guess('ภาษาไทย')).toBe('th');
  });

  it('returns null without letters or a majority script', () => {
    expect(guess('12345 !!!')).toBeNull();
    expect(guess('مرحبا بالعالم hi')).toBeNull();
  });
});

describe('profileScripts', () => {
  it('counts spaceless letters, not digits or punctuation', () => {
    const profile = profileScripts('北京 ab 12，');

    expect(profile.letters).toBe(4);
    expect(profile.spaceless).toBe(2);
    expect(spacelessShare(profile)).toBe(0.5);
  });

  it('gives a share of 0 for text without letters', () => {
    expect(spacelessShare(profileScripts(''))).toBe(0);
  });
});

describe('primaryLanguage', () => {
  it('lower-cases the first subtag', () => {
    expect(primaryLanguage('zh-Hans-CN')).toBe('zh');
    expect(primaryLanguage('PT_br')).toBe('pt');
    expect(primaryLanguage('en')).toBe('en');
  });
});
