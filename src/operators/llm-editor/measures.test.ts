import { describe, expect, it } from 'vitest';
import { checkEdits, splitLines, type EditLimits } from './edits.js';
import { contentLength, measureEdits, supportIndex, wordTokens } from './measures.js';

function measure(text: string, edits: unknown[], editableLines?: number) {
  const lines = splitLines(text);
  const limits: EditLimits = { editableLines: editableLines ?? lines.length, partialLine: null, maxEdits: 100, maxAddedChars: 1000 };
  const checked = checkEdits(edits, lines, limits);
  if (!checked.ok) throw new Error(checked.problem);
  return measureEdits(lines, limits.editableLines, checked.plan, text);
}

describe('contentLength', () => {
  it('counts non-whitespace code points', () => {
    expect(contentLength(' a b\tc\n')).toBe(3);
    expect(contentLength('中文 测试')).toBe(4);
    expect(contentLength('𠀀😀')).toBe(2);
    expect(contentLength('   ')).toBe(0);
  });
});

describe('wordTokens', () => {
  it('splits words and lower-cases them', () => {
    expect(wordTokens("Don't stop, Café-2024!")).toEqual(['don', 't', 'stop', 'café', '2024']);
  });

  it('makes each Han or kana character a token', () => {
    expect(wordTokens('爆炸事故 in 江西')).toEqual(['爆', '炸', '事', '故', 'in', '江', '西']);
    expect(wordTokens('カタカナとひらがな')).toEqual(['カ', 'タ', 'カ', 'ナ', 'と', 'ひ', 'ら', 'が', 'な']);
  });

  it('keeps Latin letters next to Han characters apart', () => {
    expect(wordTokens('abc中文def')).toEqual(['abc', '中', '文', 'def']);
  });

  it('keeps Hangul words whole', () => {
    expect(wordTokens('한국어 문장')).toEqual(['한국어', '문장']);
  });
});

describe('removed share', () => {
  it('counts removed lines over the shown text', () => {
    // 'aaaa' (4) + 'bb bb' (4) + 'cc' (2) = 10 non-space characters, and removing line 2 deletes 4.
    const measures = measure('aaaa\nbb bb\ncc', [{ op: 'remove', lines: [2] }]);
    expect(measures.shownChars).toBe(10);
    expect(measures.removedChars).toBe(4);
    expect(measures.removedShare).toBe(0.4);
  });

  it('counts replaced text at every occurrence', () => {
    // 'x<b>y<b>' has 8 characters, and the two '<b>' occurrences delete 6.
    const measures = measure('x<b>y<b>', [{ op: 'replace', line: 1, find: '<b>', with: '' }]);
    expect(measures.removedChars).toBe(6);
    expect(measures.removedShare).toBe(0.75);
  });

  it('measures against the shown lines only', () => {
    const measures = measure('aa\nbb\ncccccc', [{ op: 'remove', lines: [1] }], 2);
    expect(measures.shownChars).toBe(4);
    expect(measures.removedShare).toBe(0.5);
  });

  it('counts Chinese characters', () => {
    const measures = measure('首页 | 新闻\n正文内容很长很长很长', [{ op: 'remove', lines: [1] }]);
    // Line 1 has 5 non-space characters (首页|新闻), line 2 has 10.
    expect(measures.removedChars).toBe(5);
    expect(measures.removedShare).toBeCloseTo(5 / 15, 10);
  });

  it('is 0 for an empty text and for no edits', () => {
    expect(measure('', []).removedShare).toBe(0);
    expect(measure('a\nb', []).removedShare).toBe(0);
  });
});

describe('added unsupported share', () => {
  const original = 'The cat sat on the mat.\nThecat is joined.';

  it('is 0 when nothing is added', () => {
    expect(measure(original, [{ op: 'remove', lines: [2] }]).addedUnsupportedShare).toBe(0);
  });

  it('accepts split joined words', () => {
    const measures = measure(original, [{ op: 'replace', line: 2, find: 'Thecat', with: 'The cat' }]);
    expect(measures.addedTokens).toBe(2);
    expect(measures.unsupportedTokens).toBe(0);
  });

  it('counts new words exactly', () => {
    // Of 'The dog sat on a sofa', the words the, sat, on and a occur, but dog and sofa do not.
    const measures = measure(original, [{ op: 'add', after: 2, text: 'The dog sat on a sofa' }]);
    expect(measures.addedTokens).toBe(6);
    expect(measures.unsupportedTokens).toBe(2);
    expect(measures.addedUnsupportedShare).toBeCloseTo(2 / 6, 10);
  });

  it('counts a with once per occurrence', () => {
    const measures = measure('a x b x', [{ op: 'replace', line: 1, find: 'x', with: 'zebra' }]);
    expect(measures.addedTokens).toBe(2);
    expect(measures.unsupportedTokens).toBe(2);
    expect(measures.addedUnsupportedShare).toBe(1);
  });

  it('checks Chinese added text character by character', () => {
    const zh = '宜春市铜鼓县发生一起爆炸事故。';
    // 爆炸 and 事故 occur in the original but 地震 does not, so 2 of 6 characters are unsupported.
    const measures = measure(zh, [{ op: 'add', after: 1, text: '爆炸事故地震' }]);
    expect(measures.addedTokens).toBe(6);
    expect(measures.unsupportedTokens).toBe(2);
  });

  it('ignores case and whitespace in the original', () => {
    expect(supportIndex('Infor mation\nAGE')).toBe('informationage');
    expect(measure('Infor mation', [{ op: 'replace', line: 1, find: 'Infor mation', with: 'Information' }]).unsupportedTokens).toBe(0);
  });

  it('counts punctuation-only additions as no tokens', () => {
    const measures = measure('Title', [{ op: 'replace', line: 1, find: 'Title', with: '## Title' }]);
    expect(measures.addedTokens).toBe(1);
    expect(measures.addedUnsupportedShare).toBe(0);
  });
});
