import { describe, expect, it } from 'vitest';
import { checkC4 } from './c4.js';
import { parseHeuristicFilterConfig, type C4Config } from './config.js';
import { MeasuredText, type Signals } from './document.js';

const DEFAULTS = parseHeuristicFilterConfig({}).c4;

// Five sentences on five lines, each ending in terminal punctuation.
const FIVE_SENTENCES = [
  'The harbour opened in the spring.',
  'Fishing boats came back every evening.',
  'Traders sold salt and dried fish at the quay.',
  'Did the town grow quickly after that?',
  'It doubled in size within ten years!',
];

function check(text: string, overrides: Partial<C4Config> = {}, skipRules: string[] = [], lang: string | null = null) {
  const signals: Signals = {};
  const outcome = checkC4(new MeasuredText(text, lang), { ...DEFAULTS, ...overrides }, new Set(skipRules), signals);
  return { ...outcome, signals };
}

describe('checkC4 sentences', () => {
  it('keeps five sentences and records the counts', () => {
    const { failure, keptText, signals } = check(FIVE_SENTENCES.join('\n'));

    expect(failure).toBeNull();
    expect(keptText).toBe(FIVE_SENTENCES.join('\n'));
    expect(signals.c4_sentence_count).toBe(5);
    expect(signals.c4_lines_removed).toBe(0);
  });

  it('rejects four sentences with c4_too_few_sentences', () => {
    const { failure } = check(FIVE_SENTENCES.slice(0, 4).join('\n'));

    expect(failure?.rule).toBe('c4_too_few_sentences');
    expect(failure?.value).toBe(4);
    expect(failure?.reason).toBe('kept lines contain 4 sentences (4 lines kept, 0 removed); c4 requires at least 5');
  });

  it('counts several sentences on one line', () => {
    expect(check(FIVE_SENTENCES.join(' ')).signals.c4_sentence_count).toBe(5);
  });

  it('counts sentences like the spaCy sentencizer', () => {
    const cases: [string, number][] = [
      ['Call the customer.These notes are old.', 2],
      ['Mr. Smith met Dr. Jones in the U.S. today.', 1],
      ['It was late... we stayed anyway.', 1],
      ['He said "stop." Then he left.', 2],
      ['Prices rose 3.5 percent in 2020.', 1],
      ['The list ends here, etc. and more follows.', 2],
    ];
    for (const [line, count] of cases) {
      expect(check(line, { minSentences: null }).signals.c4_sentence_count, line).toBe(count);
    }
  });

  it('counts sentences at whitespace after terminals with the whitespace splitter', () => {
    const config = { minSentences: null, sentenceSplitter: 'whitespace' as const };

    expect(check('Call the customer.These notes are old.', config).signals.c4_sentence_count).toBe(1);
    expect(check('The list ends here, etc. and more follows.', config).signals.c4_sentence_count).toBe(1);
  });

  it('rejects an empty or blank document', () => {
    for (const text of ['', '  \n\n \t']) {
      const { failure, signals } = check(text);

      expect(failure?.rule).toBe('c4_too_few_sentences');
      expect(signals.c4_lines_removed).toBe(0);
    }
  });
});

describe('checkC4 line rules', () => {
  const withLine = (line: string) => [...FIVE_SENTENCES, line].join('\n');

  it('drops a line without terminal punctuation', () => {
    const { keptText, signals } = check(withLine('Home | About us | Contact'));

    expect(keptText).toBe(FIVE_SENTENCES.join('\n'));
    expect(signals.c4_lines_removed).toBe(1);
  });

  it('keeps lines ending in a quote mark', () => {
    const { signals } = check(withLine('She said it was "the best harbour."'));

    expect(signals.c4_lines_removed).toBe(0);
  });

  it('drops a line ending in an ellipsis', () => {
    expect(check(withLine('And then the story went on...')).signals.c4_lines_removed).toBe(1);
  });

  it('drops a line of fewer than 3 words', () => {
    expect(check(withLine('Thanks again.')).signals.c4_lines_removed).toBe(1);
    expect(check(withLine('Thanks very much.')).signals.c4_lines_removed).toBe(0);
  });

  it('drops a line mentioning javascript', () => {
    expect(check(withLine('Please enable JavaScript to view this page.')).signals.c4_lines_removed).toBe(1);
  });

  it('drops cookie and policy lines', () => {
    for (const line of ['This site uses cookies to improve your visit.', 'Read our Privacy Policy for details.']) {
      expect(check(withLine(line)).signals.c4_lines_removed, line).toBe(1);
    }
  });

  it('drops a line with a word over 1000 characters', () => {
    expect(check(withLine(`A long token ${'x'.repeat(1001)} here.`)).signals.c4_lines_removed).toBe(1);
    expect(check(withLine(`A long token ${'x'.repeat(1000)} here.`)).signals.c4_lines_removed).toBe(0);
  });

  it('removes citation markers before the punctuation check', () => {
    const { keptText } = check(withLine('The port was rebuilt in 1850.[1] It burned later.[citation needed][edit]'));

    expect(keptText.split('\n').at(-1)).toBe('The port was rebuilt in 1850. It burned later.');
  });

  it('drops a line whose last marker follows a space', () => {
    // Removing ' [edit]' leaves 'later. ', which does not end in punctuation, as in datatrove.
    const { signals } = check(withLine('The port was rebuilt in 1850. It burned later. [edit]'));

    expect(signals.c4_lines_removed).toBe(1);
  });

  it('counts words per line before removing markers', () => {
    // 'Rebuilt [1] twice.' has three words as written and two without the marker.
    expect(check(withLine('Rebuilt [1] twice.')).signals.c4_lines_removed).toBe(0);
  });

  it('does not count blank lines as removed', () => {
    expect(check(FIVE_SENTENCES.join('\n\n\n')).signals.c4_lines_removed).toBe(0);
  });

  it('splits CR LF and CR lines', () => {
    const { signals } = check([...FIVE_SENTENCES, 'Menu', 'Login'].join('\r\n').replace('Menu\r\n', 'Menu\r'));

    expect(signals.c4_lines_removed).toBe(2);
    expect(signals.c4_sentence_count).toBe(5);
  });

  it('leaves lines alone when the line rules are off', () => {
    const config = { dropLinesWithoutTerminalPunctuation: false, minWordsPerLine: null, dropJavascriptLines: false };
    const { signals } = check(withLine('javascript menu'), config);

    expect(signals.c4_lines_removed).toBe(0);
  });
});

describe('checkC4 document rules', () => {
  it('rejects lorem ipsum text', () => {
    const { failure } = check([...FIVE_SENTENCES, 'Lorem ipsum dolor sit amet.'].join('\n'));

    expect(failure?.rule).toBe('c4_lorem_ipsum');
    expect(failure?.value).toBe(1);
  });

  it('rejects a curly bracket on a kept line', () => {
    expect(check([...FIVE_SENTENCES, 'Call the function f(x) { return x; }.'].join('\n')).failure?.rule).toBe(
      'c4_curly_bracket',
    );
  });

  it('ignores a curly bracket on a dropped line', () => {
    expect(check([...FIVE_SENTENCES, 'function f() {'].join('\n')).failure).toBeNull();
  });

  it('skips document rules that are off or skipped', () => {
    const text = [...FIVE_SENTENCES, 'Lorem ipsum dolor sit amet.', 'The set {1, 2} has two members.'].join('\n');

    expect(check(text, { rejectLoremIpsum: false }, ['c4_curly_bracket']).failure).toBeNull();
  });

  it('returns the original text on rejection', () => {
    const text = [...FIVE_SENTENCES.slice(0, 2), 'Menu'].join('\n');

    expect(check(text).keptText).toBe(text);
  });
});

describe('checkC4 on Chinese', () => {
  const CHINESE = [
    '长江是中国最长的河流。它发源于青藏高原！',
    '长江流经十一个省级行政区，最后注入东海。',
    '沿岸有许多重要的港口城市吗？当然有很多。',
  ];

  it('keeps full-width terminal lines', () => {
    const { failure, signals } = check(CHINESE.join('\n'));

    expect(failure).toBeNull();
    expect(signals.c4_sentence_count).toBe(5);
    expect(signals.c4_lines_removed).toBe(0);
  });

  it('counts segmented words for the minimum words per line', () => {
    const { signals } = check([...CHINESE, '你好。', '联系我们'].join('\n'));

    // '你好。' has one word and '联系我们' has no terminal punctuation.
    expect(signals.c4_lines_removed).toBe(2);
  });

  it('counts whitespace words in spaceless lines when not segmenting', () => {
    // Each line ends in an ASCII dot but has no spaces, so it is one word, as datatrove counts it.
    const asciiEnds = CHINESE.map((line) => `${line.slice(0, -1)}.`);
    const { failure, signals } = check(asciiEnds.join('\n'), { segmentSpacelessLineWords: false });

    expect(signals.c4_lines_removed).toBe(3);
    expect(failure?.rule).toBe('c4_too_few_sentences');
    expect(check(asciiEnds.join('\n')).signals.c4_lines_removed).toBe(0);
  });

  it('keeps a Chinese line ending in a closing quote', () => {
    expect(check([...CHINESE, '他说：“我们明天再去北京。”'].join('\n')).signals.c4_lines_removed).toBe(0);
  });

  it('keeps full-width endings only in mostly spaceless text', () => {
    // An English line ending in a curly quote is dropped, as C4 accepts only ASCII endings.
    expect(check([...FIVE_SENTENCES, 'She called it “the best harbour.”'].join('\n')).signals.c4_lines_removed).toBe(1);
  });
});
