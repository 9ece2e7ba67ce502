import { describe, expect, it } from 'vitest';
import { tokenizeWords } from '../../text/words.js';
import { checkC4 } from './c4.js';
import { parseHeuristicFilterConfig } from './config.js';
import { MeasuredText } from './document.js';

const TEXTS = [
  'Dr. Smith arrived.\r\nHe said: "don\'t go!"\n\nThe end...',
  'Lines\u2028split by\u2029separators\u0085and NEL.',
  'Group\u001cseparator\u001djoins\u001ewords for the tokenizer.',
  '\ufeffA byte order mark.\n \ufeffAnother one.',
  '我们今天去北京。\n他说：“好的！”\n\n東京は晴れです。',
  '',
  '\n\n',
];

describe('MeasuredText tokens', () => {
  it('equal the tokens of the whole text', () => {
    for (const text of TEXTS) {
      for (const lang of [null, 'en', 'zh', 'ja']) {
        expect(new MeasuredText(text, lang).tokens, JSON.stringify(text)).toEqual(tokenizeWords(text, lang));
      }
    }
  });

  it('give each line its own tokens', () => {
    const doc = new MeasuredText('First line here.\nSecond, line.', 'en');

    expect(doc.lineTokens(1)).toEqual(['Second', ',', 'line', '.']);
    expect(doc.lineTokens(1)).toBe(doc.lineTokens(1));
  });
});

describe('checkC4 kept tokens', () => {
  const c4 = parseHeuristicFilterConfig({}).c4;
  const sentences = ['The harbour opened in the spring.', 'Boats came back every evening.', 'Traders sold salt at the quay.'];

  it('equal the tokens of the kept text', () => {
    const texts = [
      [' Home | About ', ...sentences, 'The port was rebuilt in 1850.[1] It burned later.[edit]'].join('\n'),
      ['\ufeffMenu', ...sentences, ' \ufeffA mark that stays. '].join('\n'),
      ['我们今天去北京。', ...sentences].join('\n'),
    ];
    for (const text of texts) {
      const outcome = checkC4(new MeasuredText(text, 'en'), { ...c4, minSentences: 0 }, new Set(), {});
      expect(outcome.keptText).not.toBe(text);
      if (outcome.keptTokens !== null) expect(outcome.keptTokens, JSON.stringify(text)).toEqual(tokenizeWords(outcome.keptText, 'en'));
    }
  });

  it('are known when only whole lines were dropped', () => {
    const outcome = checkC4(new MeasuredText(['Home | About', ...sentences].join('\n'), 'en'), { ...c4, minSentences: 0 }, new Set(), {});

    expect(outcome.keptTokens).toEqual(tokenizeWords(sentences.join('\n'), 'en'));
  });
});
