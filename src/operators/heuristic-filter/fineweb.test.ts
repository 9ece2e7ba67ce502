import { describe, expect, it } from 'vitest';
import { parseHeuristicFilterConfig, type FinewebConfig } from './config.js';
import { MeasuredText, type Signals } from './document.js';
import { checkFineweb } from './fineweb.js';

const DEFAULTS = parseHeuristicFilterConfig({}).fineweb;

/** Returns a config with every ratio check off except those in `overrides`. */
function only(overrides: Partial<FinewebConfig>): FinewebConfig {
  return {
    ...DEFAULTS,
    minPunctuatedLineRatio: null,
    maxShortLineRatio: null,
    maxDuplicateLineCharRatio: null,
    maxLineBreakWordRatio: null,
    ...overrides,
  };
}

function check(text: string, config: FinewebConfig = DEFAULTS) {
  const signals: Signals = {};
  const failure = checkFineweb(new MeasuredText(text, null), config, new Set(), signals);
  return { failure, signals };
}

/** Returns a line of more than 30 characters, distinct per index, ending in `end`. */
function longLine(index: number, end = ''): string {
  return `line number ${index} has enough words in it${end}`;
}

function lines(count: number, end: (index: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => longLine(i, end(i)));
}

describe('checkFineweb', () => {
  it('rejects empty or blank text', () => {
    for (const text of ['', ' \n\t\n\r\n']) {
      expect(check(text).failure?.rule).toBe('fineweb_empty');
    }
  });

  it('rejects under 12% lines ending in punctuation', () => {
    // 2 of 17 lines: 0.1176.
    const { failure } = check(lines(17, (i) => (i < 2 ? '.' : '')).join('\n'), only({ minPunctuatedLineRatio: 0.12 }));

    expect(failure?.rule).toBe('fineweb_too_few_punctuated_lines');
    expect(failure?.value).toBeCloseTo(2 / 17);
  });

  it('keeps exactly 12% lines ending in punctuation', () => {
    const text = lines(25, (i) => (i < 3 ? '.' : '')).join('\n');

    expect(check(text, only({ minPunctuatedLineRatio: 0.12 })).failure).toBeNull();
  });

  it('accepts other terminal line endings', () => {
    const endings = ['。', '！', '？', '.', '؟', '।'];
    const { signals } = check(endings.map((end, i) => longLine(i, end)).join('\n'), only({ minPunctuatedLineRatio: 0.12 }));

    expect(signals.fineweb_line_punct_ratio).toBe(1);
  });

  it('tests the last character only by default', () => {
    // As in datatrove, a closing quote, trailing whitespace or '…' after the text is not a terminal.
    const endings = ['…', '."', '。”', '?)', '.   ', '!\t'];
    const { signals } = check(endings.map((end, i) => longLine(i, end)).join('\n'), only({ minPunctuatedLineRatio: 0.12 }));

    expect(signals.fineweb_line_punct_ratio).toBe(0);
  });

  it('accepts closing marks and trailing whitespace with lenientLineEnds', () => {
    const endings = ['…', '."', '。”', '?)', '.   ', '!\t'];
    const config = only({ minPunctuatedLineRatio: 0.12, lenientLineEnds: true });
    const { signals } = check(endings.map((end, i) => longLine(i, end)).join('\n'), config);

    expect(signals.fineweb_line_punct_ratio).toBe(1);
  });

  it('rejects colon and comma endings', () => {
    const { signals } = check([longLine(0, ':'), longLine(1, ',')].join('\n'), only({ minPunctuatedLineRatio: 0.12 }));

    expect(signals.fineweb_line_punct_ratio).toBe(0);
  });

  it('rejects over 67% short lines', () => {
    // 68 short lines of 100.
    const short = Array.from({ length: 68 }, (_, i) => `short ${i}.`);
    const { failure } = check([...short, ...lines(32, () => '.')].join('\n'), only({ maxShortLineRatio: 0.67 }));

    expect(failure?.rule).toBe('fineweb_too_many_short_lines');
    expect(failure?.value).toBeCloseTo(0.68);
  });

  it('keeps 67% short lines', () => {
    const short = Array.from({ length: 67 }, (_, i) => `short ${i}.`);

    expect(check([...short, ...lines(33, () => '.')].join('\n'), only({ maxShortLineRatio: 0.67 })).failure).toBeNull();
  });

  it('counts 30 characters as short', () => {
    const config = only({ maxShortLineRatio: 0.67 });

    expect(check(['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(31)].join('\n'), config).signals.fineweb_short_line_ratio).toBeCloseTo(2 / 3);
    expect(check(['a'.repeat(31), 'b'.repeat(31)].join('\n'), config).signals.fineweb_short_line_ratio).toBe(0);
  });

  it('splits lines at line feeds only', () => {
    const menu = ['Home', 'About', 'Products', 'Contact', 'Login'];

    for (const separator of ['\n', '\r\n']) {
      const { failure, signals } = check(menu.join(separator), only({ maxShortLineRatio: 0.67 }));

      expect(signals.fineweb_short_line_ratio, JSON.stringify(separator)).toBe(1);
      expect(failure?.rule).toBe('fineweb_too_many_short_lines');
    }
    // As in datatrove's split at '\n', lone CRs leave one line of 35 characters, which is not short.
    expect(check(menu.join('\r'), only({ maxShortLineRatio: 0.67 })).signals.fineweb_short_line_ratio).toBe(0);
  });

  it('uses the spaceless short length', () => {
    const config = only({ maxShortLineRatio: 0.67 });
    // 11 and 10 Han characters: only the second is short under the 10-character limit.
    const { signals } = check(['长江是中国最长的河流啊', '它发源于青藏高原的山'].join('\n'), config);

    expect(signals.fineweb_short_line_ratio).toBe(0.5);
  });

  it('rejects repeated line chars over 1%', () => {
    // 10 repeated characters of 10 + 10 + 979 = 999 (line breaks excluded).
    const text = ['d'.repeat(10), 'u'.repeat(979), 'd'.repeat(10)].join('\n');
    const { failure } = check(text, only({ maxDuplicateLineCharRatio: 0.01 }));

    expect(failure?.rule).toBe('fineweb_too_many_duplicate_line_chars');
    expect(failure?.value).toBeCloseTo(10 / 999);
  });

  it('keeps repeated line chars at 1%', () => {
    const text = ['d'.repeat(10), 'u'.repeat(980), 'd'.repeat(10)].join('\n');

    expect(check(text, only({ maxDuplicateLineCharRatio: 0.01 })).failure).toBeNull();
  });

  it('does not count blank lines as repeated lines', () => {
    const text = ['first line here.', '', '', 'second line here.', '', '   ', 'third line here.'].join('\n');

    expect(check(text, only({ maxDuplicateLineCharRatio: 0.01 })).signals.fineweb_char_dup_ratio).toBe(0);
  });

  it('rejects over 0.3 line breaks per word', () => {
    // 4 breaks and 10 words: 0.4.
    const { failure } = check('a b c\nd e\nf g\nh i\nj', only({ maxLineBreakWordRatio: 0.3 }));

    expect(failure?.rule).toBe('fineweb_too_many_line_breaks');
    expect(failure?.value).toBeCloseTo(0.4);
  });

  it('keeps 0.3 breaks per word', () => {
    // 3 breaks and 10 words.
    const { failure, signals } = check('a b c\r\nd e f\r\ng h\r\ni j', only({ maxLineBreakWordRatio: 0.3 }));

    expect(failure).toBeNull();
    expect(signals.fineweb_list_ratio).toBe(0.3);
  });

  it('passes ordinary prose with finite signals', () => {
    const text = [
      'The harbour opened in the spring of that year, and trade grew quickly.',
      'Fishing boats came back every evening with their catch for the market.',
    ].join('\n');
    const { failure, signals } = check(text);

    expect(failure).toBeNull();
    for (const [name, value] of Object.entries(signals)) expect(Number.isFinite(value), name).toBe(true);
  });
});
