/**
 * A document's text with its measures computed on first use, so rule families that share
 * lines, tokens or script counts compute them once per document.
 */

import { codePointLength } from '../../text/chars.js';
import { splitLines } from '../../text/lines.js';
import { profileScripts, spacelessShare, type ScriptProfile } from '../../text/script-profile.js';
import { tokenizeWords } from '../../text/words.js';

export class MeasuredText {
  private lengthCache: number | undefined;
  private linesCache: string[] | undefined;
  private tokensCache: string[] | undefined;
  private scriptsCache: ScriptProfile | undefined;

  /** `lang` is the record's BCP-47 tag, or null when unknown. */
  constructor(
    readonly text: string,
    readonly lang: string | null,
  ) {}

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
    this.tokensCache ??= tokenizeWords(this.text, this.lang);
    return this.tokensCache;
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
