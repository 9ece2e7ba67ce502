/** Line and paragraph helpers shared by line-level quality rules. */

import { codePointLength, isBlank, isWhitespaceCodePoint } from './chars.js';

/**
 * True for a code unit that ends a line in Python's `str.splitlines()`: `\n`, `\r`, vertical
 * tab, form feed, U+001C–U+001E, NEL (U+0085), LINE SEPARATOR and PARAGRAPH SEPARATOR.
 */
export function isLineBreak(unit: number): boolean {
  return (
    unit === 0x0a ||
    unit === 0x0d ||
    unit === 0x0b ||
    unit === 0x0c ||
    (unit >= 0x1c && unit <= 0x1e) ||
    unit === 0x85 ||
    unit === 0x2028 ||
    unit === 0x2029
  );
}

/**
 * Splits `text` into lines as Python's `str.splitlines()` does: `\r\n` is one break, the
 * breaks themselves are dropped, and a final break adds no empty line. Returns `[]` for ''.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (!isLineBreak(unit)) continue;
    lines.push(text.slice(start, i));
    if (unit === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Counts the line breaks of `text`, with `\r\n` counted once. */
export function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (!isLineBreak(unit)) continue;
    count++;
    if (unit === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
  }
  return count;
}

/** Lines of `lines` that contain something other than whitespace. */
export function nonBlankLines(lines: readonly string[]): string[] {
  return lines.filter((line) => !isBlank(line));
}

/**
 * Groups lines into paragraphs: runs of non-blank lines, separated by one or more blank or
 * whitespace-only lines. Each paragraph is its lines joined with `\n`.
 */
export function splitParagraphs(lines: readonly string[]): string[] {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (isBlank(line)) {
      if (current.length > 0) paragraphs.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) paragraphs.push(current.join('\n'));
  return paragraphs;
}

/** Elements that repeat an earlier element: their number and their total length in code points. */
export interface Duplicates {
  count: number;
  chars: number;
}

/** Counts the elements that equal an earlier element, and their code points. */
export function findDuplicates(items: Iterable<string>): Duplicates {
  const seen = new Set<string>();
  let count = 0;
  let chars = 0;
  for (const item of items) {
    if (seen.has(item)) {
      count++;
      chars += codePointLength(item);
    } else {
      seen.add(item);
    }
  }
  return { count, chars };
}

/** Index just past the last non-whitespace character, for end checks without `trimEnd()`. */
export function trimmedEnd(line: string): number {
  let end = line.length;
  while (end > 0) {
    if (!isWhitespaceCodePoint(line.charCodeAt(end - 1))) break;
    end--;
  }
  return end;
}

/** Index of the first non-whitespace character, or the length for a blank line. */
export function trimmedStart(line: string): number {
  let start = 0;
  while (start < line.length && isWhitespaceCodePoint(line.charCodeAt(start))) start++;
  return start;
}

/**
 * Splits `text` at each run of `\n`, as `re.split("\n+", text)` does: a leading or trailing
 * `\n` gives an empty first or last line, and `\r` and lines of spaces stay in the lines.
 */
export function splitAtLineFeeds(text: string): string[] {
  return text.split(/\n+/);
}

/**
 * Splits `text`, without surrounding whitespace, at each run of two or more `\n`, as
 * `re.split("\n{2,}", text.strip())` does. Lines of spaces between paragraphs do not
 * separate them. Whitespace is JS `trim()` whitespace, which differs from Python's
 * `str.strip()` only for U+FEFF and the control characters U+001C to U+001F and U+0085.
 */
export function splitAtBlankLineFeeds(text: string): string[] {
  return text.trim().split(/\n{2,}/);
}
