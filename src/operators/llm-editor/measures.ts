/**
 * The numbers behind llm-editor's two guards: how much of the text the model saw an edit
 * list deletes, and how much of the text it brings in has no support in the original.
 */
import type { EditPlan } from './edits.js';

export interface EditMeasures {
  /** Share of the shown lines' non-whitespace code points that removes and replaces delete, 0 to 1. */
  removedShare: number;
  removedChars: number;
  shownChars: number;
  /** Share of the added word tokens (CJK: characters) found nowhere in the original text, 0 to 1. */
  addedUnsupportedShare: number;
  addedTokens: number;
  unsupportedTokens: number;
}

/**
 * Measures a checked plan. `lines` are the original lines, of which the first
 * `editableLines` were shown, and `original` is the whole original text. A replace counts as
 * deleting its `find` and adding its `with` at every occurrence.
 */
export function measureEdits(lines: readonly string[], editableLines: number, plan: EditPlan, original: string): EditMeasures {
  let shownChars = 0;
  let removedChars = 0;
  for (const [index, line] of lines.slice(0, editableLines).entries()) {
    const length = contentLength(line);
    shownChars += length;
    if (plan.removed.has(index + 1)) removedChars += length;
  }

  const added: string[] = [...plan.additions.values()];
  for (const [line, list] of plan.replacements) {
    const text = lines[line - 1]!;
    for (const { start, end, with: replacement } of list) {
      removedChars += contentLength(text.slice(start, end));
      added.push(replacement);
    }
  }

  const support = supportIndex(original);
  let addedTokens = 0;
  let unsupportedTokens = 0;
  for (const text of added) {
    for (const token of wordTokens(text)) {
      addedTokens++;
      if (!support.includes(token)) unsupportedTokens++;
    }
  }

  return {
    removedShare: shownChars === 0 ? 0 : removedChars / shownChars,
    removedChars,
    shownChars,
    addedUnsupportedShare: addedTokens === 0 ? 0 : unsupportedTokens / addedTokens,
    addedTokens,
    unsupportedTokens,
  };
}

/** Counts non-whitespace code points, so reflowing spaces and blank lines counts for nothing. */
export function contentLength(text: string): number {
  let count = 0;
  for (const ch of text.replace(/\s+/gu, '')) count++;
  return count;
}

// Han, Hiragana and Katakana are written without spaces between words, so each of their
// characters is one token. Other letters, marks and digits form tokens up to the next
// character that is none of these.
const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}`;
const TOKEN = new RegExp(String.raw`[${CJK}]|(?:(?![${CJK}])[\p{L}\p{M}\p{N}])+`, 'gu');

/** Splits text into lower-cased word tokens, with each Han, Hiragana or Katakana character a token of its own. */
export function wordTokens(text: string): string[] {
  return Array.from(text.toLowerCase().matchAll(TOKEN), (match) => match[0]);
}

/**
 * Returns the original text lower-cased with whitespace removed. A token counts as supported when it
 * occurs anywhere in it, so splitting joined words ("thecat" → "the cat") and rejoining split
 * ones ("infor mation" → "information") add nothing unsupported.
 * NOTE: short tokens such as "not" or "no" occur inside many longer words, so this check
 * lets an inserted negation through. It catches most new names, numbers and phrases.
 */
export function supportIndex(original: string): string {
  return original.toLowerCase().replace(/\s+/gu, '');
}
