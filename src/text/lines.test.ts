import { describe, expect, it } from 'vitest';
import {
  countLineBreaks,
  findDuplicates,
  nonBlankLines,
  splitAtBlankLineFeeds,
  splitAtLineFeeds,
  splitLines,
  splitParagraphs,
  trimmedEnd,
  trimmedStart,
} from './lines.js';

describe('splitLines', () => {
  it('splits on LF, CR LF and lone CR', () => {
    expect(splitLines('a\nb\r\nc\rd')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('splits on the other breaks of str.splitlines()', () => {
    expect(splitLines('a\u2028b\u2029c\u0085d\u000be\u000cf')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('adds no empty line after a final break', () => {
    expect(splitLines('a\nb\n')).toEqual(['a', 'b']);
    expect(splitLines('a\r\n')).toEqual(['a']);
  });

  it('keeps blank lines between breaks', () => {
    expect(splitLines('a\n\n\nb')).toEqual(['a', '', '', 'b']);
  });

  it('returns no lines for empty text', () => {
    expect(splitLines('')).toEqual([]);
  });
});

describe('countLineBreaks', () => {
  it('counts CR LF once', () => {
    expect(countLineBreaks('a\r\nb\nc\rd')).toBe(3);
  });

  it('counts consecutive breaks', () => {
    expect(countLineBreaks('a\n\n\nb\n')).toBe(4);
  });
});

describe('nonBlankLines', () => {
  it('drops empty and whitespace-only lines', () => {
    expect(nonBlankLines(['a', '', '  \t', '\u3000', 'b'])).toEqual(['a', 'b']);
  });
});

describe('splitParagraphs', () => {
  it('groups non-blank lines separated by blank lines', () => {
    expect(splitParagraphs(['a', 'b', '', 'c', '', '', 'd'])).toEqual(['a\nb', 'c', 'd']);
  });

  it('treats whitespace-only lines as separators', () => {
    expect(splitParagraphs(['a', '   ', 'b'])).toEqual(['a', 'b']);
  });

  it('ignores leading and trailing blank lines', () => {
    expect(splitParagraphs(['', 'a', ''])).toEqual(['a']);
  });
});

describe('findDuplicates', () => {
  it('counts repeats of earlier elements and their characters', () => {
    expect(findDuplicates(['ab', 'cde', 'ab', 'ab', 'cde'])).toEqual({ count: 3, chars: 7 });
  });

  it('counts characters as code points', () => {
    expect(findDuplicates(['😀字', '😀字'])).toEqual({ count: 1, chars: 2 });
  });

  it('finds nothing in unique or empty input', () => {
    expect(findDuplicates(['a', 'b'])).toEqual({ count: 0, chars: 0 });
    expect(findDuplicates([])).toEqual({ count: 0, chars: 0 });
  });
});

describe('trimmedStart and trimmedEnd', () => {
  it('skip whitespace at the ends', () => {
    expect(trimmedStart('  \tab ')).toBe(3);
    expect(trimmedEnd(' ab \u3000')).toBe(3);
  });

  it('meet on a blank line', () => {
    expect(trimmedStart('   ')).toBe(3);
    expect(trimmedEnd('   ')).toBe(0);
  });
});

describe('splitAtLineFeeds', () => {
  it('splits at runs of line feeds and keeps edge and blank lines', () => {
    expect(splitAtLineFeeds('\na\r\n\n \nb\n')).toEqual(['', 'a\r', ' ', 'b', '']);
  });
});

describe('splitAtBlankLineFeeds', () => {
  it('splits trimmed text at two or more line feeds only', () => {
    expect(splitAtBlankLineFeeds('  a\n\nb\n \nc\n\n\nd \n')).toEqual(['a', 'b\n \nc', 'd']);
  });
});
