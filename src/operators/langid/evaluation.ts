/**
 * Labelled-sentence helpers shared by the accuracy test and bench/langid.ts, so that both
 * measure the same texts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prefixCodePoints } from './langid.js';

/** Languages of the labelled sentence set, as ISO 639-1 codes (also the file names). */
export const EVALUATION_LANGS = ['en', 'zh', 'de', 'fr', 'es', 'ru', 'ja', 'ar', 'hi', 'pt', 'ko', 'it'] as const;
export type EvaluationLang = (typeof EVALUATION_LANGS)[number];

/** Maximum length of a short text, in code points. */
export const SHORT_TEXT_MAX_CHARS = 20;
const SHORT_TEXT_WORDS = 3;

/** Reads `<dir>/<lang>.txt`, one sentence per line, and returns the first `limit` non-empty lines. */
export function readSentences(dir: string, lang: string, limit = Infinity): string[] {
  return readFileSync(join(dir, `${lang}.txt`), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, limit);
}

/**
 * Returns the start of `sentence` up to the end of its third word, cut to at most 20 code
 * points. Words come from Intl.Segmenter for `lang`, so Chinese and Japanese, which have no
 * spaces, get three dictionary words too.
 */
export function shortText(sentence: string, lang: string): string {
  const segmenter = segmenterFor(lang);
  let end = sentence.length;
  let words = 0;
  for (const segment of segmenter.segment(sentence)) {
    if (!segment.isWordLike) continue;
    words++;
    if (words === SHORT_TEXT_WORDS) {
      end = segment.index + segment.segment.length;
      break;
    }
  }
  return prefixCodePoints(sentence.slice(0, end), SHORT_TEXT_MAX_CHARS).trim();
}

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(lang: string): Intl.Segmenter {
  let segmenter = segmenters.get(lang);
  if (segmenter === undefined) {
    segmenter = new Intl.Segmenter(lang, { granularity: 'word' });
    segmenters.set(lang, segmenter);
  }
  return segmenter;
}
