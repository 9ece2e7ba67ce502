import { describe, expect, it } from 'vitest';
import { answerTokens, compareAnswers, tokenF1, tokenRecall } from './answers.js';

const OPTIONS = { relativeTolerance: 1e-9, minTextF1: 0.5 };

describe('answerTokens', () => {
  it('folds case, drops punctuation and English articles', () => {
    expect(answerTokens('The Eiffel Tower, in Paris!')).toEqual(['eiffel', 'tower', 'in', 'paris']);
  });

  it('splits Chinese into characters', () => {
    expect(answerTokens('北京是首都。')).toEqual(['北', '京', '是', '首', '都']);
  });

  it('joins thousands separators', () => {
    expect(answerTokens('1,234 people')).toEqual(['1234', 'people']);
  });

  it('applies NFKC to full-width letters', () => {
    expect(answerTokens('ＡＢＣ')).toEqual(['abc']);
  });
});

describe('tokenF1', () => {
  it('is 1 for equivalent answers', () => {
    expect(tokenF1('The French Revolution', 'french revolution.')).toBe(1);
  });

  it('is 0 without common tokens', () => {
    expect(tokenF1('Paris', 'London')).toBe(0);
  });

  it('scores partial overlap by precision and recall', () => {
    // common: "red", "car" → precision 2/3, recall 2/2 → F1 0.8
    expect(tokenF1('red car', 'a red sports car')).toBeCloseTo(0.8, 10);
  });

  it('counts repeated tokens once per match', () => {
    // proposed: new new york (3), derived: new york (2): common 2, P 1, R 2/3 → 0.8
    expect(tokenF1('new new york', 'new york')).toBeCloseTo(0.8, 10);
  });

  it('works on Chinese characters', () => {
    // common: 北 京 → P 2/3, R 1 → 0.8
    expect(tokenF1('北京', '在北京')).toBeCloseTo(0.8, 10);
  });
});

describe('tokenRecall', () => {
  it('measures answer tokens found in source', () => {
    expect(tokenRecall('ducks lay eggs', 'Janet has ducks. They lay 16 eggs.')).toBe(1);
    expect(tokenRecall('geese lay eggs', 'Janet has ducks. They lay 16 eggs.')).toBeCloseTo(2 / 3, 10);
    expect(tokenRecall('', 'anything')).toBe(0);
  });
});

describe('compareAnswers', () => {
  it('compares number answers as numbers', () => {
    const result = compareAnswers('$1,234', 'The total is 1234 dollars.', 'number', OPTIONS);

    expect(result.comparison).toBe('numeric');
    expect(result.agree).toBe(true);
    expect(result.score).toBe(1);
  });

  it('rejects a different number', () => {
    const result = compareAnswers('150', '120', 'number', OPTIONS);

    expect(result.agree).toBe(false);
    expect(result.proposedShown).toBe('150');
    expect(result.derivedShown).toBe('120');
  });

  it('rejects a derived answer without a number', () => {
    const result = compareAnswers('18', 'I do not know', 'number', OPTIONS);

    expect(result.agree).toBe(false);
    expect(result.derivedShown).toBe('no number');
  });

  it('falls back to text without numbers', () => {
    const result = compareAnswers('eighteen', 'eighteen', 'number', OPTIONS);

    expect(result.comparison).toBe('text');
    expect(result.agree).toBe(true);
  });

  it('compares text answers by F1', () => {
    expect(compareAnswers('the Seine river', 'Seine', 'text', OPTIONS).agree).toBe(true);
    expect(compareAnswers('the Seine river', 'the Loire', 'text', OPTIONS).agree).toBe(false);
    expect(compareAnswers('the Seine river', 'Seine', 'text', { ...OPTIONS, minTextF1: 0.9 }).agree).toBe(false);
  });

  it('never agrees with an empty derived answer', () => {
    expect(compareAnswers('Paris', '', 'text', { ...OPTIONS, minTextF1: 0 }).agree).toBe(false);
  });
});
