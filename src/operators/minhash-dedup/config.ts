import { z } from 'zod';
import { configErrorFromZod } from '../../core/config-errors.js';

export const OPERATOR_NAME = 'minhash-dedup';

/** Upper bound on bands × rows; each permutation costs one hash per shingle. */
export const MAX_PERMUTATIONS = 1024;

const positiveInteger = (max: number) =>
  z
    .number({ invalid_type_error: 'must be a positive integer' })
    .int('must be a positive integer')
    .min(1, 'must be a positive integer')
    .max(max, `must be at most ${max}`);

/**
 * Options of the MinHash LSHBloom near-duplicate filter. Band, row and shingle defaults are the
 * settings FineWeb deduplicated each crawl dump with (datatrove's examples/fineweb.py): word
 * 5-grams and 14 bands of 8 rows, 112 permutations. A pair is flagged with probability
 * 1 − (1 − s^8)^14 at Jaccard similarity s: 0.05 at 0.5, 0.52 at 0.69, 0.92 at 0.8.
 */
export const minHashDedupConfigSchema = z
  .object({
    bands: positiveInteger(256).default(14),
    rows: positiveInteger(64).default(8),
    /** Words per shingle in word mode. */
    shingleSize: positiveInteger(32).default(5),
    /**
     * Characters per shingle in char mode. 5, like the word default, so that one changed token
     * (a word or a character) changes at most 5 shingles in either mode and the band settings
     * flag the same share of changed tokens.
     */
    cjkShingleSize: positiveInteger(32).default(5),
    /** 'auto' cuts text into characters when at least half its letters are Han, kana, Thai or another spaceless script. */
    shingle: z
      .enum(['auto', 'word', 'char'], { errorMap: () => ({ message: "must be 'auto', 'word' or 'char'" }) })
      .default('auto'),
    /** 'dataset' compares records of the same dump (or dataset when no dump is known); 'global' compares all records. */
    scope: z
      .enum(['dataset', 'global'], { errorMap: () => ({ message: "must be 'dataset' or 'global'" }) })
      .default('dataset'),
    /**
     * Documents per scope that the first Bloom filter of each band is sized for; larger filters
     * are chained on past it. 100,000 costs about 0.45 MB per band (6 MB per scope over 14 bands),
     * so a small scope stays cheap. Set it near the real count per scope (for a Common Crawl
     * dump, hundreds of millions) to avoid chained filters.
     */
    expectedDocuments: positiveInteger(1_000_000_000).default(100_000),
    /**
     * Chance that a document with no earlier near-duplicate is rejected anyway because of Bloom
     * filter false positives, summed over all bands.
     */
    falsePositiveRate: z
      .number({ invalid_type_error: 'must be a number greater than 0 and at most 0.01' })
      .gt(0, 'must be greater than 0')
      .max(0.01, 'must be at most 0.01')
      .default(1e-6),
    /**
     * Documents whose band keys are remembered with their id, per operator, so that a rejection
     * can name the earlier record. Each costs about 0.7 KB (14 map entries, an estimate), so the
     * default costs about 70 MB. While every document of a scope is tracked, the maps decide alone and
     * Bloom false positives cannot occur. Past the cap, duplicateOf is null.
     */
    maxTrackedIds: z
      .number({ invalid_type_error: 'must be a non-negative integer' })
      .int('must be a non-negative integer')
      .min(0, 'must be a non-negative integer')
      .default(100_000),
    /** Seed of the hash functions. Changing it changes every signature, so keep it fixed across restarts. */
    seed: z
      .number({ invalid_type_error: 'must be an integer from 0 to 4294967295' })
      .int('must be an integer from 0 to 4294967295')
      .min(0, 'must be an integer from 0 to 4294967295')
      .max(0xffffffff, 'must be an integer from 0 to 4294967295')
      .default(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.bands * config.rows > MAX_PERMUTATIONS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `bands × rows must be at most ${MAX_PERMUTATIONS}, got ${config.bands} × ${config.rows} = ${config.bands * config.rows}`,
      });
    }
  });

export type MinHashDedupConfig = z.infer<typeof minHashDedupConfigSchema>;

/** Validates minhash-dedup options and fills in defaults; throws ConfigError naming the option. */
export function parseMinHashDedupConfig(input: unknown): MinHashDedupConfig {
  const result = minHashDedupConfigSchema.safeParse(input ?? {});
  if (!result.success) throw configErrorFromZod(OPERATOR_NAME, result.error, input);
  return result.data;
}
