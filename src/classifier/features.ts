import { z } from 'zod';
import { BucketCounter } from './bucket-counter.js';
import { hashPair, hashRange, hashString } from './hash.js';
import { CharClass, classifyCodePoint } from './script.js';

/**
 * Kind tags fed to the hash before each feature, so a word, a character and a document feature
 * with the same text land in unrelated buckets. Saved models depend on these values.
 */
export const FEATURE_KIND = { word: 1, wordBigram: 2, char: 3, charBigram: 4, length: 5, domain: 6 } as const;
const { word: WORD, wordBigram: WORD_BIGRAM, char: CHAR, charBigram: CHAR_BIGRAM, length: LENGTH, domain: DOMAIN } = FEATURE_KIND;

/** Settings of the feature extraction, stored in the model file and used unchanged when scoring. */
const featureFields = {
  /** Hash buckets, the length of the feature vector. More buckets mean fewer collisions and a larger model in memory. */
  buckets: z.number().int().min(1024).max(16_777_216),
  /** Adds each pair of adjacent words (punctuation counts as a word) as a feature. */
  wordBigrams: z.boolean(),
  /** Adds single characters of Han, kana, Hangul and Thai runs. Overlapping character bigrams are always added. */
  charUnigrams: z.boolean(),
  /** UTF-16 code units read from the start of each document. The rest is ignored. */
  maxChars: z.number().int().min(100).max(10_000_000),
  /** Adds one feature for the document's length (a power-of-two bucket) and one for its domain. */
  documentFeatures: z.boolean(),
};

/** Feature settings for training, with defaults for the ones not given. */
export const featureConfigSchema = z
  .object({
    buckets: featureFields.buckets.default(1_048_576),
    wordBigrams: featureFields.wordBigrams.default(true),
    charUnigrams: featureFields.charUnigrams.default(true),
    maxChars: featureFields.maxChars.default(100_000),
    documentFeatures: featureFields.documentFeatures.default(true),
  })
  .strict();

/**
 * Feature settings as a model file stores them. Every field is required, so a later change of
 * a default cannot silently change how an older model's features are computed.
 */
export const storedFeatureConfigSchema = z.object(featureFields).strict();

export type FeatureConfig = z.infer<typeof featureConfigSchema>;

/** A sparse vector. `indices` may repeat, and repeated entries add up. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
}

/**
 * Turns documents into L2-normalised bag-of-n-gram vectors over hashed buckets, in the style of
 * fastText: lowercased words and word bigrams for scripts that separate words with spaces, and
 * overlapping character bigrams (plus unigrams) for Han, kana, Hangul and Thai runs. Hashes are
 * computed on ranges of the lowercased string, so no token strings are allocated, and each
 * instance reuses one counting table between documents.
 */
export class FeatureExtractor {
  readonly config: FeatureConfig;
  private readonly counter = new BucketCounter();

  constructor(config: FeatureConfig) {
    this.config = config;
  }

  extract(text: string, domain: string): SparseVector {
    const lower = text.slice(0, clipEnd(text, this.config.maxChars)).toLowerCase();
    this.addTokens(lower);
    const vector = this.normalisedCounts();
    if (!this.config.documentFeatures) return vector;
    return appendOnes(vector, [this.bucketOf(hashPair(LENGTH, lengthBucket(text.length), 0)), this.bucketOf(hashString(DOMAIN, domain))]);
  }

  private addTokens(text: string): void {
    let previousWord = 0;
    let hasPreviousWord = false;
    let i = 0;
    while (i < text.length) {
      const cp = text.codePointAt(i)!;
      const charClass = classifyCodePoint(cp);
      if (charClass === CharClass.Space) {
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
      if (charClass === CharClass.Unspaced) {
        // Word bigrams do not span a run of another script.
        i = this.addUnspacedRun(text, i);
        hasPreviousWord = false;
        continue;
      }
      const end = charClass === CharClass.Word ? wordEnd(text, i) : i + (cp > 0xffff ? 2 : 1);
      const word = hashRange(WORD, text, i, end);
      this.push(word);
      if (this.config.wordBigrams && hasPreviousWord) this.push(hashPair(WORD_BIGRAM, previousWord, word));
      previousWord = word;
      hasPreviousWord = true;
      i = end;
    }
  }

  /** Adds the character n-grams of the unspaced run starting at `start` and returns where the run ends. */
  private addUnspacedRun(text: string, start: number): number {
    let previousStart = -1;
    let i = start;
    while (i < text.length) {
      const cp = text.codePointAt(i)!;
      if (classifyCodePoint(cp) !== CharClass.Unspaced) break;
      const end = i + (cp > 0xffff ? 2 : 1);
      if (this.config.charUnigrams) this.push(hashRange(CHAR, text, i, end));
      // The run is contiguous in the string, so a bigram is just the range over both characters.
      if (previousStart >= 0) this.push(hashRange(CHAR_BIGRAM, text, previousStart, end));
      previousStart = i;
      i = end;
    }
    return i;
  }

  private push(hash: number): void {
    this.counter.add(this.bucketOf(hash));
  }

  private bucketOf(hash: number): number {
    return hash % this.config.buckets;
  }

  /** Returns the bucket counts of the document divided by their L2 norm. */
  private normalisedCounts(): SparseVector {
    const { buckets, counts } = this.counter.drain();
    const values = new Float32Array(counts.length);
    let squares = 0;
    for (const count of counts) squares += count * count;
    const norm = Math.sqrt(squares);
    for (let i = 0; i < counts.length; i++) values[i] = counts[i]! / norm;
    return { indices: buckets, values };
  }
}

/** Returns the end of the word that starts at `start`: the first code point that is not a word character. */
function wordEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    if (classifyCodePoint(cp) !== CharClass.Word) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/** Returns `maxChars`, or one less when that would cut a surrogate pair in half. */
function clipEnd(text: string, maxChars: number): number {
  if (text.length <= maxChars) return text.length;
  const last = text.charCodeAt(maxChars - 1);
  return last >= 0xd800 && last <= 0xdbff ? maxChars - 1 : maxChars;
}

/** Power-of-two length class: 0 for an empty text, 1 for one code unit, 2 for 2-3, 3 for 4-7 and so on. */
export function lengthBucket(codeUnits: number): number {
  return codeUnits === 0 ? 0 : 32 - Math.clz32(codeUnits);
}

function appendOnes(vector: SparseVector, buckets: number[]): SparseVector {
  const indices = new Uint32Array(vector.indices.length + buckets.length);
  const values = new Float32Array(indices.length);
  indices.set(vector.indices);
  values.set(vector.values);
  buckets.forEach((bucket, k) => {
    indices[vector.indices.length + k] = bucket;
    values[vector.indices.length + k] = 1;
  });
  return { indices, values };
}
