/**
 * Small stop-word lists: very frequent function words whose absence marks text that is not
 * running prose (link lists, tables, keyword stuffing). The lists only need to be common
 * enough that real prose of a few dozen words contains several of them. They are not
 * complete stop-word inventories. Entries are lower case, so a capitalised token matches
 * only when the caller ignores case. Chinese, Japanese and Thai entries are the words that
 * ICU segmentation yields.
 */

import { primaryLanguage } from './script-profile.js';

const LISTS: Record<string, readonly string[]> = {
  // Gopher (Rae et al. 2021) requires two of these eight English words.
  en: ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'],
  // Simplified and Traditional forms, so zh-Hant text matches too.
  zh: [
    '的', '了', '是', '在', '和', '有', '也', '不', '就', '都', '与', '及', '对', '而', '被', '把', '为', '但', '从',
    '这', '一个', '我们', '他', '與', '對', '為', '這', '從', '個', '們', '說',
  ],
  ja: [
    'の', 'に', 'は', 'を', 'た', 'が', 'で', 'て', 'と', 'し', 'も', 'な', 'か', 'だ', 'へ', 'や', 'から', 'まで',
    'する', 'ある', 'いる', 'です', 'ます', 'こと', 'この', 'その', 'これ', 'ない',
  ],
  de: ['der', 'die', 'und', 'in', 'den', 'von', 'zu', 'das', 'mit', 'sich', 'des', 'auf', 'für', 'ist', 'im', 'dem', 'nicht', 'ein', 'eine', 'als', 'auch', 'es'],
  fr: ['de', 'la', 'le', 'et', 'les', 'des', 'en', 'un', 'une', 'du', 'est', 'que', 'pour', 'dans', 'qui', 'pas', 'au', 'sur', 'par', 'ne', 'se', 'il'],
  es: ['de', 'la', 'que', 'el', 'en', 'y', 'a', 'los', 'del', 'se', 'las', 'por', 'un', 'para', 'con', 'no', 'una', 'su', 'al', 'es', 'lo'],
  ru: ['и', 'в', 'не', 'на', 'что', 'он', 'с', 'как', 'а', 'то', 'все', 'она', 'так', 'его', 'но', 'к', 'у', 'же', 'за', 'по', 'из', 'это'],
  pt: ['de', 'a', 'o', 'que', 'e', 'do', 'da', 'em', 'um', 'para', 'é', 'com', 'não', 'uma', 'os', 'no', 'se', 'na', 'por', 'mais', 'as', 'dos'],
  it: ['di', 'e', 'il', 'la', 'che', 'è', 'per', 'un', 'in', 'non', 'una', 'sono', 'del', 'le', 'si', 'da', 'con', 'i', 'al', 'della'],
  th: ['ที่', 'และ', 'การ', 'ของ', 'ใน', 'มี', 'เป็น', 'ได้', 'ไม่', 'ว่า', 'จะ', 'ให้', 'กับ', 'นี้', 'แล้ว'],
};

const SETS = new Map<string, ReadonlySet<string>>(Object.entries(LISTS).map(([lang, words]) => [lang, new Set(words)]));

/** Languages with a built-in stop-word list, as primary language subtags. */
export const STOP_WORD_LANGUAGES: readonly string[] = Object.keys(LISTS);

/** Returns the built-in stop words for a BCP-47 tag (`pt-BR` uses `pt`), or null when there is no list. */
export function stopWordsFor(lang: string): ReadonlySet<string> | null {
  return SETS.get(primaryLanguage(lang)) ?? null;
}

/** Stop words found among tokens: all occurrences, and how many different stop words occur. */
export interface StopWordCounts {
  occurrences: number;
  distinct: number;
}

/**
 * Counts the tokens that are in `stopWords`. With `ignoreCase`, tokens are lower-cased
 * first, so `stopWords` must then hold lower-case words.
 */
export function countStopWords(tokens: readonly string[], stopWords: ReadonlySet<string>, ignoreCase = false): StopWordCounts {
  let maxLength = 0;
  for (const word of stopWords) maxLength = Math.max(maxLength, word.length);

  const found = new Set<string>();
  let occurrences = 0;
  for (const token of tokens) {
    // Tokens longer than every stop word cannot match, so they skip the lower-casing.
    if (token.length > maxLength) continue;
    const key = ignoreCase ? token.toLowerCase() : token;
    if (stopWords.has(key)) {
      occurrences++;
      found.add(key);
    }
  }
  return { occurrences, distinct: found.size };
}
