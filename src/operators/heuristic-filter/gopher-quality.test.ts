import { describe, expect, it } from 'vitest';
import { parseHeuristicFilterConfig, type GopherQualityConfig } from './config.js';
import { MeasuredText, type Signals } from './document.js';
import { checkGopherQuality } from './gopher-quality.js';

const DEFAULTS = parseHeuristicFilterConfig({}).gopherQuality;

// Ten words, 4.3 characters on average, three of them English stop words.
const VOCABULARY = ['the', 'river', 'of', 'stone', 'and', 'light', 'carries', 'old', 'boats', 'north'];

/** `count` words from VOCABULARY joined by spaces, without punctuation. */
function prose(count: number): string {
  return Array.from({ length: count }, (_, i) => VOCABULARY[i % VOCABULARY.length]).join(' ');
}

function check(text: string, overrides: Partial<GopherQualityConfig> = {}, lang: string | null = null) {
  const signals: Signals = {};
  const failure = checkGopherQuality(new MeasuredText(text, lang), { ...DEFAULTS, ...overrides }, new Set(), signals);
  return { failure, signals };
}

describe('checkGopherQuality', () => {
  it('passes plain prose and records its measures', () => {
    const { failure, signals } = check(prose(60));

    expect(failure).toBeNull();
    expect(signals.gopher_word_count).toBe(60);
    expect(signals.gopher_mean_word_length).toBeCloseTo(4.3);
    expect(signals.gopher_alpha_word_ratio).toBe(1);
    expect(signals.gopher_distinct_stop_words).toBe(3);
  });

  it('rejects with gopher_short_doc at 49 words', () => {
    const { failure } = check(prose(49));

    expect(failure?.rule).toBe('gopher_short_doc');
    expect(failure?.value).toBe(49);
    expect(failure?.reason).toBe('document has 49 words; gopher requires at least 50');
  });

  it('keeps 50 words', () => {
    expect(check(prose(50)).failure).toBeNull();
  });

  it('does not count punctuation tokens as words', () => {
    const { failure, signals } = check(`${prose(49)} , . ! — ...`);

    expect(signals.gopher_word_count).toBe(49);
    expect(failure?.rule).toBe('gopher_short_doc');
  });

  it('rejects with gopher_long_doc past maxDocWords', () => {
    expect(check(prose(101), { maxDocWords: 100 }).failure?.rule).toBe('gopher_long_doc');
    expect(check(prose(100), { maxDocWords: 100 }).failure).toBeNull();
  });

  it('rejects a mean word length just under 3', () => {
    // 49 words of 3 letters and one of 2: mean 149 / 50 = 2.98.
    const text = `${'cat '.repeat(49)}at`;
    const { failure } = check(text, { minStopWords: null });

    expect(failure?.rule).toBe('gopher_mean_word_length_too_short');
    expect(failure?.value).toBeCloseTo(2.98);
  });

  it('keeps a mean word length of exactly 3', () => {
    expect(check('cat '.repeat(50), { minStopWords: null }).failure).toBeNull();
  });

  it('rejects a mean word length just over 10', () => {
    // 49 words of 10 letters and one of 11: mean 501 / 50 = 10.02.
    const text = `${'abcdefghij '.repeat(49)}abcdefghijk`;
    const { failure } = check(text, { minStopWords: null });

    expect(failure?.rule).toBe('gopher_mean_word_length_too_long');
    expect(failure?.value).toBeCloseTo(10.02);
  });

  it('keeps a mean word length of exactly 10', () => {
    expect(check('abcdefghij '.repeat(50), { minStopWords: null }).failure).toBeNull();
  });

  it('rejects more than 0.1 hashes per token', () => {
    // 100 tokens, 11 of them with a '#' inside: 0.11.
    const text = `${prose(89)} ${'ab#cd '.repeat(11)}`;
    const { failure } = check(text);

    expect(failure?.rule).toBe('gopher_too_many_hashes');
    expect(failure?.value).toBeCloseTo(0.11);
  });

  it('keeps exactly 0.1 hashes per token', () => {
    const { failure, signals } = check(`${prose(90)} ${'ab#cd '.repeat(10)}`);

    expect(failure).toBeNull();
    expect(signals.gopher_hash_word_ratio).toBe(0.1);
  });

  it('rejects over 0.1 ellipses per token', () => {
    // 78 words, then 6 'ab...' and 5 'ab…' that split into a word and an ellipsis: 100 tokens, 11 ellipses.
    const text = `${prose(78)} ${'ab... '.repeat(6)}${'ab… '.repeat(5)}`;
    const { failure } = check(text);

    expect(failure?.rule).toBe('gopher_too_many_ellipses');
    expect(failure?.value).toBeCloseTo(0.11);
  });

  it('keeps exactly 0.1 ellipses per token', () => {
    // 79 words, 10 words with an ellipsis each, and a final word so the line does not end in one.
    const { failure, signals } = check(`${prose(79)} ${'ab... '.repeat(5)}${'ab… '.repeat(5)}end`);

    expect(failure).toBeNull();
    expect(signals.gopher_ellipsis_word_ratio).toBe(0.1);
  });

  it('rejects more than 90% bullet lines', () => {
    // 10 of 11 lines start with a bullet: 0.909.
    const lines = [...Array.from({ length: 5 }, () => `• ${prose(6)}`), ...Array.from({ length: 5 }, () => `  - ${prose(6)}`), prose(6)];
    const { failure } = check(lines.join('\n'));

    expect(failure?.rule).toBe('gopher_too_many_bullet_lines');
    expect(failure?.value).toBeCloseTo(10 / 11);
  });

  it('keeps 90% bullet lines', () => {
    const lines = [...Array.from({ length: 9 }, () => `• ${prose(6)}`), prose(6)];

    expect(check(lines.join('\n')).failure).toBeNull();
  });

  it('counts blank lines in the bullet ratio by default', () => {
    // 10 bullet lines and 9 blank lines between them: 10 / 19, as datatrove counts.
    const lines = Array.from({ length: 10 }, () => `• ${prose(6)}`);
    const { failure, signals } = check(lines.join('\n\n'));

    expect(signals.gopher_bullet_line_ratio).toBeCloseTo(10 / 19);
    expect(failure).toBeNull();
  });

  it('leaves blank lines out of the bullet ratio without countBlankLines', () => {
    const lines = Array.from({ length: 10 }, () => `• ${prose(6)}`);
    const { failure, signals } = check(lines.join('\n\n'), { countBlankLines: false });

    expect(signals.gopher_bullet_line_ratio).toBe(1);
    expect(failure?.rule).toBe('gopher_too_many_bullet_lines');
  });

  it('rejects more than 30% lines ending in an ellipsis', () => {
    // 4 of 10 lines end with '...' or '…' (then spaces): 0.4.
    const endings = ['...', '…  ', '...', '…', '.', '.', '.', '.', '.', '.'];
    const text = endings.map((end) => `${prose(8)}${end}`).join('\n');
    const { failure } = check(text);

    expect(failure?.rule).toBe('gopher_too_many_ellipsis_lines');
    expect(failure?.value).toBeCloseTo(0.4);
  });

  it('keeps 30% lines ending in an ellipsis', () => {
    const endings = ['...', '…', '...', '.', '.', '.', '.', '.', '.', '.'];

    expect(check(endings.map((end) => `${prose(8)}${end}`).join('\n')).failure).toBeNull();
  });

  it('rejects when under 80% of words contain a letter', () => {
    // 79 words with letters and 21 numbers: 0.79.
    const { failure } = check(`${prose(79)} ${'2024 '.repeat(21)}`);

    expect(failure?.rule).toBe('gopher_too_few_alpha_words');
    expect(failure?.value).toBeCloseTo(0.79);
  });

  it('keeps exactly 80% letter tokens', () => {
    const { failure, signals } = check(`${prose(80)} ${'2024 '.repeat(14)} , , , . . .`);

    expect(failure).toBeNull();
    expect(signals.gopher_alpha_word_ratio).toBe(0.8);
  });

  it('counts punctuation tokens in the letter share by default', () => {
    // 80 letter words and 20 punctuation tokens: 80 / 100 over tokens, 80 / 80 over words.
    const text = `${prose(80)} ${', '.repeat(10)}${'. '.repeat(10)}, !`;

    expect(check(text).failure?.rule).toBe('gopher_too_few_alpha_words');
    expect(check(text).failure?.reason).toBe('80 of 102 tokens (0.7843) contain a letter; gopher requires at least 0.8');
    expect(check(text, { alphaRatioDenominator: 'words' }).signals.gopher_alpha_word_ratio).toBe(1);
  });

  it('rejects with one distinct stop word', () => {
    // 'the' repeats, but Gopher needs two different stop words.
    const text = 'the river runs north past stone walls '.repeat(10);
    const { failure } = check(text);

    expect(failure?.rule).toBe('gopher_too_few_stop_words');
    expect(failure?.value).toBe(1);
    expect(failure?.reason).toBe("document contains 1 different stop words of language 'en'; gopher requires at least 2");
  });

  it('matches stop words case-sensitively by default', () => {
    // As in datatrove, "The" and "AND" are not the stop words "the" and "and".
    const text = 'The river runs north past stone walls AND '.repeat(10);

    expect(check(text).failure?.rule).toBe('gopher_too_few_stop_words');
  });

  it('keeps two distinct stop words in any case with stopWordsIgnoreCase', () => {
    const text = 'The river runs north past stone walls AND '.repeat(10);

    expect(check(text, { stopWordsIgnoreCase: true }).failure).toBeNull();
  });

  it('counts bullet tokens as words like datatrove', () => {
    // '•' is not in datatrove's punctuation list, so 49 words and one bullet make 50 words.
    const text = `• ${prose(49)}`;

    expect(check(text).signals.gopher_word_count).toBe(50);
    expect(check(text, { punctuation: 'unicode' }).signals.gopher_word_count).toBe(49);
  });

  it('uses the stop-word list of the record language', () => {
    const german = 'der Fluss und die alte Stadt liegen im Norden '.repeat(8);

    expect(check(german, {}, 'de').failure).toBeNull();
    expect(check(german, {}, 'en').failure?.rule).toBe('gopher_too_few_stop_words');
  });

  it('uses a configured stop-word list', () => {
    const { failure } = check(prose(60), { stopWords: { en: ['river', 'boats'] } });

    expect(failure).toBeNull();
    expect(check(prose(60), { stopWords: { en: ['absent', 'missing'] } }).failure?.rule).toBe('gopher_too_few_stop_words');
  });

  it('normalizes configured stop-word language keys', () => {
    const config = parseHeuristicFilterConfig({ gopherQuality: { stopWords: { 'EN-us': ['River', 'BOATS'] } } }).gopherQuality;

    expect(config.stopWords).toEqual({ en: ['River', 'BOATS'] });
    expect(check(prose(60), config, 'en-GB').failure?.rule).toBe('gopher_too_few_stop_words');
    expect(check(prose(60), { ...config, stopWordsIgnoreCase: true }, 'en-GB').failure).toBeNull();
  });

  it('applies stopWordsLanguage to every record', () => {
    // English prose tagged Korean, which has no built-in list, and tagged German.
    expect(check(prose(60), { stopWordsLanguage: 'en' }, 'ko').failure).toBeNull();
    expect(check(prose(60), { stopWordsLanguage: 'en' }, 'ko').signals.gopher_distinct_stop_words).toBe(3);
    expect(check(prose(60), {}, 'de').failure?.rule).toBe('gopher_too_few_stop_words');
    expect(check(prose(60), { stopWordsLanguage: 'en' }, 'de').failure).toBeNull();
  });

  it('skips stop words without a list', () => {
    const { failure, signals } = check(prose(60), {}, 'ko');

    expect(failure).toBeNull();
    expect(signals.gopher_stop_words_skipped).toBe(1);
    expect(signals.gopher_distinct_stop_words).toBeUndefined();
  });

  it('rejects an empty document as short without NaN', () => {
    for (const text of ['', '   \n\t  \n']) {
      const { failure, signals } = check(text);

      expect(failure?.rule).toBe('gopher_short_doc');
      expect(failure?.value).toBe(0);
      for (const value of Object.values(signals)) expect(Number.isFinite(value)).toBe(true);
    }
  });

  it('keeps empty text without minDocWords', () => {
    const { failure, signals } = check('', { minDocWords: null });

    expect(failure).toBeNull();
    expect(signals.gopher_stop_words_skipped).toBe(1);
    expect(signals.gopher_mean_word_length).toBe(0);
    expect(signals.gopher_alpha_word_ratio).toBe(0);
    for (const value of Object.values(signals)) expect(Number.isFinite(value)).toBe(true);
  });
});

describe('checkGopherQuality on Chinese', () => {
  const CHINESE =
    '长江是中国最长的河流，全长约六千三百公里，发源于青藏高原。它自西向东流经十一个省级行政区，最后在上海附近注入东海。' +
    '长江流域的面积约占中国国土面积的五分之一，养育了全国三分之一以上的人口。';

  it('counts segmented words and uses the spaceless length bounds', () => {
    const { failure, signals } = check(CHINESE);

    expect(failure).toBeNull();
    expect(signals.gopher_word_count).toBeGreaterThanOrEqual(50);
    expect(signals.gopher_mean_word_length).toBeGreaterThan(1.2);
    expect(signals.gopher_mean_word_length).toBeLessThan(2.5);
    expect(signals.gopher_spaceless_letter_ratio).toBe(1);
  });

  it('finds Chinese stop words through the script guess', () => {
    const { signals } = check(CHINESE);

    expect(signals.gopher_distinct_stop_words).toBeGreaterThanOrEqual(2);
  });

  it('rejects Chinese without stop words', () => {
    const list = '北京大学 清华大学 复旦大学 浙江大学 南京大学 武汉大学 中山大学 四川大学 吉林大学 山东大学 '.repeat(4);
    const { failure } = check(list);

    expect(failure?.rule).toBe('gopher_too_few_stop_words');
    expect(failure?.reason).toContain("language 'zh'");
  });

  it('rejects the same text under a Latin-sized minimum', () => {
    expect(check(CHINESE, { minSpacelessMeanWordLength: 3 }).failure?.rule).toBe('gopher_mean_word_length_too_short');
  });
});
