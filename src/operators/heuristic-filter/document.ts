/**
 * A document's text with its measures computed on first use, so rule families that share
 * lines, tokens or script counts compute them once per document.
 */

import { codePointLength, isWhitespaceCodePoint } from '../../text/chars.js';
import { isLineBreak, splitLines } from '../../text/lines.js';
import { profileScripts, spacelessShare, type ScriptProfile } from '../../text/script-profile.js';
import { tokenizeWords } from '../../text/words.js';

/** Line breaks of splitLines that the word tokenizer does not split at, such as U+001C and NEL. */
const JOINING_LINE_BREAK = new RegExp(
  `[${[0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029]
    .filter((unit) => isLineBreak(unit) && !isWhitespaceCodePoint(unit))
    .map((unit) => `\\u${unit.toString(16).padStart(4, '0')}`)
    .join('')}]`,
);

export class MeasuredText {
  private lengthCache: number | undefined;
  private linesCache: string[] | undefined;
  private tokensCache: string[] | undefined;
  private lineTokensCache: (string[] | undefined)[] = [];
  private scriptsCache: ScriptProfile | undefined;

  /**
   * `lang` is the record's BCP-47 tag, or null when unknown. `tokens`, when given, must be
   * what tokenizeWords returns for `text`. Callers that already tokenized its lines pass it.
   */
  constructor(
    readonly text: string,
    readonly lang: string | null,
    tokens?: string[],
  ) {
    this.tokensCache = tokens;
  }

  /** Length of the text in code points. */
  get length(): number {
    this.lengthCache ??= codePointLength(this.text);
    return this.lengthCache;
  }

  /** Lines as `str.splitlines()` gives them, blank lines included. */
  get lines(): string[] {
    this.linesCache ??= splitLines(this.text);
    return this.linesCache;
  }

  /** Word and punctuation tokens (see tokenizeWords). */
  get tokens(): string[] {
    if (this.tokensCache === undefined) {
      // Tokens never span whitespace, so the text's tokens are its lines' tokens in order,
      // unless a line ends at a break the tokenizer does not take as whitespace.
      if (JOINING_LINE_BREAK.test(this.text)) {
        this.tokensCache = tokenizeWords(this.text, this.lang);
      } else {
        const tokens: string[] = [];
        for (let index = 0; index < this.lines.length; index++) {
          for (const token of this.lineTokens(index)) tokens.push(token);
        }
        this.tokensCache = tokens;
      }
    }
    return this.tokensCache;
  }

  /** Tokens of `lines[index]`, computed once, so line rules and document rules share them. */
  lineTokens(index: number): string[] {
    let tokens = this.lineTokensCache[index];
    if (tokens === undefined) {
      tokens = tokenizeWords(this.lines[index]!, this.lang);
      this.lineTokensCache[index] = tokens;
    }
    return tokens;
  }

  get scripts(): ScriptProfile {
    this.scriptsCache ??= profileScripts(this.text);
    return this.scriptsCache;
  }

  /** Share of letters from scripts written without spaces (Chinese, Japanese, Thai). */
  get spacelessLetterRatio(): number {
    return spacelessShare(this.scripts);
  }

  /** True when most letters come from spaceless scripts, so spaceless-script thresholds apply. */
  get isMostlySpaceless(): boolean {
    return this.spacelessLetterRatio >= 0.5;
  }
}

/** Returns `numerator / denominator`, or 0 when the denominator is 0, so signals never hold NaN or Infinity. */
export function safeRatio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** True when a check is on: its threshold is set and the record's domain does not skip its rule. */
export function isCheckActive<T>(threshold: T | null, rule: string, skipRules: ReadonlySet<string>): threshold is T {
  return threshold !== null && !skipRules.has(rule);
}

export type Signals = Record<string, number>;
