/**
 * Finding a quoted passage in a source text. Models copy quotes with changed case, spacing,
 * quote marks or punctuation, so both sides are reduced to their case-folded letters and
 * digits before matching, and the match is mapped back to positions in the original text.
 */

const KEPT = /[\p{L}\p{N}\p{M}]/u;
/** Models shorten long quotes with an ellipsis; each part must then occur, in order. */
const ELLIPSIS = /\.{3,}|…+/u;

interface Folded {
  /** Case-folded NFKD letters, digits and marks only. */
  text: string;
  /** UTF-16 offset in the original text of each UTF-16 unit of `text`. */
  offsets: number[];
}

/**
 * Reduces text to case-folded letters, digits and marks, keeping where each came from. NFKD
 * applied per character gives the same result for precomposed and decomposed accents.
 */
export function foldForMatch(text: string): Folded {
  let folded = '';
  const offsets: number[] = [];
  let index = 0;
  for (const ch of text) {
    let kept = '';
    for (const point of ch.normalize('NFKD').toLowerCase()) {
      if (KEPT.test(point)) kept += point;
    }
    for (let i = 0; i < kept.length; i++) offsets.push(index);
    folded += kept;
    index += ch.length;
  }
  return { text: folded, offsets };
}

/** Number of letters and digits a quote keeps after folding. */
export function foldedLength(quote: string): number {
  return [...foldForMatch(quote).text].length;
}

/**
 * Finds `quote` in `source` ignoring case, spacing and punctuation. Returns the UTF-16
 * start and end of the match in `source`, or null when some part of the quote is missing.
 * A quote shortened with an ellipsis matches when all its parts occur in order.
 */
export function findQuote(source: string, quote: string): { start: number; end: number } | null {
  const haystack = foldForMatch(source);
  const parts = quote
    .split(ELLIPSIS)
    .map((part) => foldForMatch(part).text)
    .filter((part) => part.length > 0);
  if (parts.length === 0) return null;
  let from = 0;
  let start = -1;
  let end = -1;
  for (const part of parts) {
    const at = haystack.text.indexOf(part, from);
    if (at < 0) return null;
    if (start < 0) start = at;
    end = at + part.length;
    from = end;
  }
  const last = haystack.offsets[end - 1]!;
  // The last folded unit may come from a surrogate pair, which ends one unit later.
  const lastCode = source.codePointAt(last)!;
  return { start: haystack.offsets[start]!, end: last + (lastCode > 0xffff ? 2 : 1) };
}

/**
 * Cuts a window of at most `maxChars` UTF-16 units out of `text`, centred on the span
 * [start, end), without splitting a surrogate pair. A span longer than the window keeps its start.
 */
export function windowAround(text: string, start: number, end: number, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const spare = Math.max(0, maxChars - (end - start));
  let from = Math.max(0, start - Math.floor(spare / 2));
  let to = Math.min(text.length, from + maxChars);
  from = Math.max(0, to - maxChars);
  if (isLowSurrogate(text.charCodeAt(from))) from++;
  if (isLowSurrogate(text.charCodeAt(to))) to--;
  return text.slice(from, to);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
