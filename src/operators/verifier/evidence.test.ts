import { describe, expect, it } from 'vitest';
import { findQuote, foldedLength, foldForMatch, windowAround } from './evidence.js';

describe('foldForMatch', () => {
  it('keeps only case-folded letters and digits', () => {
    expect(foldForMatch('It’s 16 eggs, “fresh”!').text).toBe('its16eggsfresh');
  });

  it('maps each kept character back to its offset', () => {
    const folded = foldForMatch('a, b');

    expect(folded.text).toBe('ab');
    expect(folded.offsets).toEqual([0, 3]);
  });

  it('folds precomposed and decomposed accents the same way', () => {
    expect(foldForMatch('caf\u00e9').text).toBe(foldForMatch('cafe\u0301').text);
  });
});

describe('findQuote', () => {
  const source = 'Janet’s ducks lay 16 eggs per day.  She eats three for breakfast every morning.';

  it('finds a quote despite formatting', () => {
    const match = findQuote(source, "janet's ducks lay 16 eggs   per day");

    expect(match).not.toBeNull();
    expect(source.slice(match!.start, match!.end)).toBe('Janet’s ducks lay 16 eggs per day');
  });

  it('returns null for a missing quote', () => {
    expect(findQuote(source, 'Janet’s geese lay 16 eggs per day')).toBeNull();
  });

  it('matches ellipsis parts in order', () => {
    expect(findQuote(source, 'Janet’s ducks ... every morning')).not.toBeNull();
    expect(findQuote(source, 'every morning … Janet’s ducks')).toBeNull();
  });

  it('finds Chinese quotes despite changed punctuation', () => {
    const chinese = '长城是中国古代的军事防御工程。它的总长度超过两万千米。';
    const match = findQuote(chinese, '它的总长度超过两万千米');

    expect(match).not.toBeNull();
    expect(chinese.slice(match!.start, match!.end)).toBe('它的总长度超过两万千米');
    expect(findQuote(chinese, '长城是中国古代的军事防御工程，')).not.toBeNull();
  });

  it('ends after an astral character', () => {
    const text = 'x 𠀀𠀁 y';
    const match = findQuote(text, '𠀀𠀁');

    expect(text.slice(match!.start, match!.end)).toBe('𠀀𠀁');
  });

  it('returns null for a quote of punctuation only', () => {
    expect(findQuote(source, '“…”')).toBeNull();
  });
});

describe('foldedLength', () => {
  it('counts letters and digits only', () => {
    expect(foldedLength('  18! ')).toBe(2);
    expect(foldedLength('两万千米')).toBe(4);
  });
});

describe('windowAround', () => {
  const text = 'abcdefghijklmnopqrstuvwxyz';

  it('returns short texts whole', () => {
    expect(windowAround('abc', 1, 2, 10)).toBe('abc');
  });

  it('centres the window on the span', () => {
    expect(windowAround(text, 12, 14, 6)).toBe('klmnop');
  });

  it('stays inside the text at both ends', () => {
    expect(windowAround(text, 0, 1, 5)).toBe('abcde');
    expect(windowAround(text, 25, 26, 5)).toBe('vwxyz');
  });

  it('does not split a surrogate pair', () => {
    const window = windowAround('𠀀𠀀𠀀𠀀', 2, 4, 3);

    expect(window).toMatch(/^(?:[\ud800-\udbff][\udc00-\udfff])+$/);
  });
});
