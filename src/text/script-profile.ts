/**
 * Letter counts per script, and a guess of the language from them for texts whose record
 * has no language tag.
 */

import { isLetterCodePoint } from './chars.js';
import { isSpacelessCodePoint } from './script.js';

/** Letters of a text counted by script. A letter can count in `spaceless` and in one script. */
export interface ScriptProfile {
  letters: number;
  /** Letters of scripts written without spaces between words (see isSpacelessCodePoint). */
  spaceless: number;
  han: number;
  kana: number;
  hangul: number;
  thai: number;
  cyrillic: number;
  latin: number;
}

function isHan(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2ebef) ||
    (cp >= 0xf900 && cp <= 0xfaff)
  );
}

/** Counts the letters of `text` by script in one pass. */
export function profileScripts(text: string): ScriptProfile {
  const profile: ScriptProfile = { letters: 0, spaceless: 0, han: 0, kana: 0, hangul: 0, thai: 0, cyrillic: 0, latin: 0 };
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) {
      if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a)) {
        profile.letters++;
        profile.latin++;
      }
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
    }
    if (!isLetterCodePoint(cp)) continue;

    profile.letters++;
    if (isSpacelessCodePoint(cp)) profile.spaceless++;
    if (isHan(cp)) profile.han++;
    else if ((cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff)) profile.kana++;
    else if ((cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x3130 && cp <= 0x318f)) profile.hangul++;
    else if (cp >= 0x0e00 && cp <= 0x0e7f) profile.thai++;
    else if (cp >= 0x0400 && cp <= 0x052f) profile.cyrillic++;
    else if (cp <= 0x024f || (cp >= 0x1e00 && cp <= 0x1eff)) profile.latin++;
  }
  return profile;
}

/** Share of letters that belong to spaceless scripts; 0 for text without letters. */
export function spacelessShare(profile: ScriptProfile): number {
  return profile.letters === 0 ? 0 : profile.spaceless / profile.letters;
}

/**
 * Guesses a language code from the script with the most letters: kana means Japanese,
 * Han without kana Chinese, Cyrillic Russian, Latin English, Hangul Korean, Thai Thai.
 * Returns null when no such script has at least half of the letters.
 *
 * NOTE: the guess is coarse. Latin-script German or Cyrillic Ukrainian come out as `en` or
 * `ru`, so callers that know the language should pass it instead.
 */
export function guessLanguageFromScripts(profile: ScriptProfile): string | null {
  const cjk = profile.han + profile.kana;
  const candidates: Array<[string, number]> = [
    ['cjk', cjk],
    ['ko', profile.hangul],
    ['th', profile.thai],
    ['ru', profile.cyrillic],
    ['en', profile.latin],
  ];
  let best: [string, number] = ['', 0];
  for (const candidate of candidates) {
    if (candidate[1] > best[1]) best = candidate;
  }
  // A script with under half of the letters is too weak a sign of the language.
  if (best[1] === 0 || best[1] < profile.letters / 2) return null;
  if (best[0] !== 'cjk') return best[0];

  // Japanese prose is roughly half kana, while Chinese pages carry at most a stray kana.
  return profile.kana >= cjk * 0.1 ? 'ja' : 'zh';
}

/** Primary language subtag in lower case: `zh-Hans-CN` gives `zh`, `PT_br` gives `pt`. */
export function primaryLanguage(tag: string): string {
  const end = tag.search(/[-_]/);
  return (end === -1 ? tag : tag.slice(0, end)).toLowerCase();
}
