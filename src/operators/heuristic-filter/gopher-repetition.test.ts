import { describe, expect, it } from 'vitest';
import { tokenizeWords } from '../../text/words.js';
import { parseHeuristicFilterConfig, type GopherRepetitionConfig } from './config.js';
import { MeasuredText, type Signals } from './document.js';
import { checkGopherRepetition } from './gopher-repetition.js';

const DEFAULTS = parseHeuristicFilterConfig({}).gopherRepetition;

/** Returns a config with every check off except those in `overrides`, to test one rule at a time. */
function only(overrides: Partial<GopherRepetitionConfig>): GopherRepetitionConfig {
  return {
    ...DEFAULTS,
    maxDuplicateParagraphRatio: null,
    maxDuplicateParagraphCharRatio: null,
    maxDuplicateLineRatio: null,
    maxDuplicateLineCharRatio: null,
    maxTopNGramCharRatio: { '2': null, '3': null, '4': null },
    maxDuplicateNGramCharRatio: { '5': null, '6': null, '7': null, '8': null, '9': null, '10': null },
    ...overrides,
  };
}

function check(text: string, config: GopherRepetitionConfig = DEFAULTS, skipRules: string[] = []) {
  const signals: Signals = {};
  const failure = checkGopherRepetition(new MeasuredText(text, null), config, new Set(skipRules), signals);
  return { failure, signals };
}

/** Returns `count` distinct lines or paragraphs: `unique 0`, `unique 1`, ... */
function distinct(count: number, prefix = 'unique'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i}`);
}

describe('checkGopherRepetition paragraphs', () => {
  const config = only({ maxDuplicateParagraphRatio: 0.3 });

  it('rejects more than 30% repeated paragraphs', () => {
    // 13 paragraphs, 4 of them repeats: 0.308.
    const paragraphs = [...distinct(8), 'same', 'same', 'same', 'same', 'same'];
    const { failure } = check(paragraphs.join('\n\n'), config);

    expect(failure?.rule).toBe('gopher_too_many_duplicate_paragraphs');
    expect(failure?.value).toBeCloseTo(4 / 13);
  });

  it('keeps 30% repeated paragraphs', () => {
    const paragraphs = [...distinct(6), 'same', 'same', 'same', 'same'];
    const { failure, signals } = check(paragraphs.join('\n\n'), config);

    expect(failure).toBeNull();
    expect(signals.gopher_duplicate_paragraph_ratio).toBeCloseTo(0.3);
  });

  it('joins paragraphs across whitespace-only lines by default', () => {
    // datatrove splits paragraphs at runs of two or more '\n' only, so this is one paragraph.
    const { signals } = check('same\n  \nsame\n\t\nother', config);

    expect(signals.gopher_duplicate_paragraph_ratio).toBe(0);
  });

  it('separates paragraphs at whitespace-only lines with ignoreBlankLines', () => {
    const { signals } = check('same\n  \nsame\n\t\nother', { ...config, ignoreBlankLines: true });

    expect(signals.gopher_duplicate_paragraph_ratio).toBeCloseTo(1 / 3);
  });

  it('rejects paragraph chars over 20%', () => {
    // D (10 chars) + U (25) + D, with two '\n\n' separators: 10 / 49 = 0.204.
    const text = `${'d'.repeat(10)}\n\n${'u'.repeat(25)}\n\n${'d'.repeat(10)}`;
    const { failure } = check(text, only({ maxDuplicateParagraphCharRatio: 0.2 }));

    expect(failure?.rule).toBe('gopher_too_many_duplicate_paragraph_chars');
    expect(failure?.value).toBeCloseTo(10 / 49);
  });

  it('keeps paragraph chars at 20%', () => {
    // 10 / (10 + 26 + 10 + 4) = 0.2.
    const text = `${'d'.repeat(10)}\n\n${'u'.repeat(26)}\n\n${'d'.repeat(10)}`;

    expect(check(text, only({ maxDuplicateParagraphCharRatio: 0.2 })).failure).toBeNull();
  });
});

describe('checkGopherRepetition lines', () => {
  const config = only({ maxDuplicateLineRatio: 0.3 });

  it('rejects more than 30% repeated lines', () => {
    // 13 lines, 4 repeats: 0.308.
    const lines = [...distinct(8), 'same', 'same', 'same', 'same', 'same'];
    const { failure } = check(lines.join('\n'), config);

    expect(failure?.rule).toBe('gopher_too_many_duplicate_lines');
    expect(failure?.value).toBeCloseTo(4 / 13);
  });

  it('keeps 30% repeated lines', () => {
    const lines = [...distinct(6), 'same', 'same', 'same', 'same'];

    expect(check(lines.join('\n'), config).failure).toBeNull();
  });

  it('does not count blank lines as repeated lines', () => {
    const text = 'first line\n\n\n   \n\nsecond line\n\n\n\nthird line\n\n';
    const { failure, signals } = check(text, config);

    expect(failure).toBeNull();
    expect(signals.gopher_duplicate_line_ratio).toBe(0);
  });

  it('splits lines at line feeds only by default', () => {
    // Lines are 'alpha\r', 'beta\ralpha\r' and 'gamma', as datatrove's split at '\n+' gives them.
    const { signals } = check('alpha\r\nbeta\ralpha\r\ngamma', config);

    expect(signals.gopher_duplicate_line_ratio).toBe(0);
  });

  it('counts repeated whitespace-only lines by default', () => {
    // Two of the five lines are a no-break space, so one line of five repeats.
    const { signals } = check('one\n\u00a0\ntwo\n\u00a0\nthree', config);

    expect(signals.gopher_duplicate_line_ratio).toBe(0.2);
  });

  it('splits lines at CR LF and lone CR with ignoreBlankLines', () => {
    const { signals } = check('alpha\r\nbeta\ralpha\r\ngamma', { ...config, ignoreBlankLines: true });

    expect(signals.gopher_duplicate_line_ratio).toBe(0.25);
  });

  it('leaves whitespace-only lines out with ignoreBlankLines', () => {
    const { signals } = check('one\n\u00a0\ntwo\n\u00a0\nthree', { ...config, ignoreBlankLines: true });

    expect(signals.gopher_duplicate_line_ratio).toBe(0);
  });

  it('rejects line chars over 20%', () => {
    // D (10) + U (27) + D with two '\n': 10 / 49 = 0.204.
    const text = `${'d'.repeat(10)}\n${'u'.repeat(27)}\n${'d'.repeat(10)}`;
    const { failure } = check(text, only({ maxDuplicateLineCharRatio: 0.2 }));

    expect(failure?.rule).toBe('gopher_too_many_duplicate_line_chars');
    expect(failure?.value).toBeCloseTo(10 / 49);
  });

  it('keeps line chars at 20%', () => {
    const text = `${'d'.repeat(10)}\n${'u'.repeat(28)}\n${'d'.repeat(10)}`;

    expect(check(text, only({ maxDuplicateLineCharRatio: 0.2 })).failure).toBeNull();
  });
});

describe('checkGopherRepetition top n-grams', () => {
  it('rejects top 2-gram over 20%', () => {
    // "ab cd" (5 chars) twice is 10 chars of 12 + 37 = 49: 0.204.
    const text = `ab cd ab cd ${'x'.repeat(37)}`;
    const { failure } = check(text, only({ maxTopNGramCharRatio: { '2': 0.2, '3': null, '4': null } }));

    expect(failure?.rule).toBe('gopher_top_2_gram_too_frequent');
    expect(failure?.value).toBeCloseTo(10 / 49);
    expect(failure?.reason).toContain('"ab cd"');
  });

  it('keeps top 2-gram at 20%', () => {
    const text = `ab cd ab cd ${'x'.repeat(38)}`;
    const { failure, signals } = check(text, only({ maxTopNGramCharRatio: { '2': 0.2, '3': null, '4': null } }));

    expect(failure).toBeNull();
    expect(signals.gopher_top_2_gram_char_ratio).toBe(0.2);
  });

  it('rejects top 3-gram over 18%', () => {
    // "ab cd ef" (8 chars) twice is 16 chars of 18 + 70 = 88: 0.182.
    const config = only({ maxTopNGramCharRatio: { '2': null, '3': 0.18, '4': null } });

    expect(check(`ab cd ef ab cd ef ${'x'.repeat(70)}`, config).failure?.rule).toBe('gopher_top_3_gram_too_frequent');
    expect(check(`ab cd ef ab cd ef ${'x'.repeat(71)}`, config).failure).toBeNull();
  });

  it('rejects top 4-gram over 16%', () => {
    // "ab cd ef gh" (11 chars) twice is 22 chars of 24 + k: over 0.16 below 137.5.
    const config = only({ maxTopNGramCharRatio: { '2': null, '3': null, '4': 0.16 } });

    expect(check(`ab cd ef gh ab cd ef gh ${'x'.repeat(113)}`, config).failure?.rule).toBe('gopher_top_4_gram_too_frequent');
    expect(check(`ab cd ef gh ab cd ef gh ${'x'.repeat(114)}`, config).failure).toBeNull();
  });

  it('scores a top n-gram that occurs once by default', () => {
    // As in datatrove, the first 2-gram "one two" (7 chars) scores 7 / 13.
    const { failure, signals } = check('one two three', only({ maxTopNGramCharRatio: { '2': 0.2, '3': null, '4': null } }));

    expect(signals.gopher_top_2_gram_char_ratio).toBeCloseTo(7 / 13);
    expect(failure?.rule).toBe('gopher_top_2_gram_too_frequent');
  });

  it('scores no unique top n-gram with topNGramMustRepeat', () => {
    const config = only({ maxTopNGramCharRatio: { '2': 0.2, '3': null, '4': null }, topNGramMustRepeat: true });
    const { failure, signals } = check('one two three', config);

    expect(signals.gopher_top_2_gram_char_ratio).toBe(0);
    expect(failure).toBeNull();
  });
});

describe('checkGopherRepetition duplicate n-grams', () => {
  it('rejects duplicate 5-grams over 15%', () => {
    // The repeat "aabbccddee" is 10 chars of 29 + 1 + 36 = 66: 0.1515.
    const config = only({ maxDuplicateNGramCharRatio: { '5': 0.15, '6': null, '7': null, '8': null, '9': null, '10': null } });
    const { failure } = check(`aa bb cc dd ee aa bb cc dd ee ${'x'.repeat(36)}`, config);

    expect(failure?.rule).toBe('gopher_too_many_duplicate_5_grams');
    expect(failure?.value).toBeCloseTo(10 / 66);
  });

  it('keeps duplicate 5-grams under 15%', () => {
    const config = only({ maxDuplicateNGramCharRatio: { '5': 0.15, '6': null, '7': null, '8': null, '9': null, '10': null } });
    const { failure, signals } = check(`aa bb cc dd ee aa bb cc dd ee ${'x'.repeat(37)}`, config);

    expect(failure).toBeNull();
    expect(signals.gopher_duplicate_5_gram_char_ratio).toBeCloseTo(10 / 67);
  });

  it('rejects duplicate 10-grams over 10%', () => {
    // The repeat "abcdefghij" is 10 chars of 39 + 1 + k: over 0.1 below 100.
    const config = only({ maxDuplicateNGramCharRatio: { '5': null, '6': null, '7': null, '8': null, '9': null, '10': 0.1 } });
    const repeated = 'a b c d e f g h i j a b c d e f g h i j';

    expect(check(`${repeated} ${'x'.repeat(59)}`, config).failure?.rule).toBe('gopher_too_many_duplicate_10_grams');
    expect(check(`${repeated} ${'x'.repeat(60)}`, config).failure).toBeNull();
  });

  it('counts an overlapping run of repeats once per jump', () => {
    // Seven copies of "ab" (20 characters): the 5-gram at position 1 equals the one at 0.
    const config = only({ maxDuplicateNGramCharRatio: { '5': 1, '6': null, '7': null, '8': null, '9': null, '10': null } });
    const { signals } = check('ab ab ab ab ab ab ab', config);

    // The repeat adds 10 characters and jumps to position 6, where no 5-gram fits.
    expect(signals.gopher_duplicate_5_gram_char_ratio).toBeCloseTo(10 / 20);
  });

  it('scales n-grams for spaceless-script text', () => {
    const text = '北京上海广州深圳天津 1 2 3 4 5 北京上海广州深圳天津 6 7 8 9 0';
    const config = only({ maxDuplicateNGramCharRatio: { '5': 0.15, '6': null, '7': null, '8': null, '9': null, '10': null } });

    expect(tokenizeWords(text).slice(0, 5)).toEqual(['北京', '上海', '广州', '深圳', '天津']);
    // Scale 1: the five city names repeat, 10 of 41 characters.
    const unscaled = check(text, { ...config, spacelessNGramScale: 1 });
    expect(unscaled.failure?.rule).toBe('gopher_too_many_duplicate_5_grams');
    expect(unscaled.failure?.value).toBeCloseTo(10 / 41);
    // Scale 2: a 10-token window always includes differing digits.
    const scaled = check(text, { ...config, spacelessNGramScale: 2 });
    expect(scaled.failure).toBeNull();
    expect(scaled.signals.gopher_duplicate_5_gram_char_ratio).toBe(0);
  });
});

describe('checkGopherRepetition edge cases', () => {
  it('handles empty and blank text without NaN', () => {
    for (const text of ['', '   ', '\n\n\n', '\r\n\r\n']) {
      const { signals } = check(text);

      for (const [name, value] of Object.entries(signals)) expect(Number.isFinite(value), name).toBe(true);
    }
  });

  it('rejects line breaks alone as repeated empty lines', () => {
    // '\n\n\n' splits at '\n+' into two empty lines, so one of two lines repeats, as in datatrove.
    expect(check('\n\n\n').failure?.rule).toBe('gopher_too_many_duplicate_lines');
    expect(check('').failure).toBeNull();
  });

  it('keeps blank text with ignoreBlankLines', () => {
    for (const text of ['', '   ', '\n\n\n', '\r\n\r\n']) {
      expect(check(text, { ...DEFAULTS, ignoreBlankLines: true }).failure, JSON.stringify(text)).toBeNull();
    }
  });

  it('skips a rule that the domain lists', () => {
    const lines = [...distinct(3), 'same', 'same', 'same', 'same'];

    expect(check(lines.join('\n')).failure?.rule).toBe('gopher_too_many_duplicate_lines');
    expect(check(lines.join('\n'), only({ maxDuplicateLineRatio: 0.3 }), ['gopher_too_many_duplicate_lines']).failure).toBeNull();
  });

  it('records signals up to the failing rule only', () => {
    const { signals } = check(['same', 'same', 'same'].join('\n\n'));

    expect(signals.gopher_duplicate_paragraph_ratio).toBeCloseTo(2 / 3);
    expect(signals.gopher_duplicate_line_ratio).toBeUndefined();
  });
});
