import { z } from 'zod';
import { configErrorFromZod } from '../../core/config-errors.js';

export const VERIFIER_NAME = 'verifier';

export const verifierConfigSchema = z
  .object({
    /** Benchmark files (JSON lines or plain text, optionally gzipped) that items must not overlap. */
    benchmarks: z.array(z.string().min(1)).default([]),
    /** Top-level fields read from JSON-lines benchmarks; null reads every string value. */
    benchmarkFields: z.array(z.string().min(1)).min(1).nullable().default(null),
    /** Words per n-gram for the overlap check in space-separated scripts. */
    ngram: z.number().int().min(3).max(200).default(13),
    /** Characters per n-gram for Han and kana text. */
    cjkNgram: z.number().int().min(3).max(400).default(13),
    /** N-grams an item must share with one benchmark to count as contaminated. */
    minSharedNgrams: z.number().int().min(1).max(10_000).default(1),
    /** Numeric answers agree when they differ by at most this share of the larger magnitude. */
    relativeTolerance: z.number().min(0).max(1).default(1e-9),
    /** Text answers agree when the token F1 (0-1) of proposed and derived answer reaches this. */
    minTextF1: z.number().min(0).max(1).default(0.5),
    /** Letters and digits the evidence quote must have, so a bare number or word cannot pass as evidence. */
    minEvidenceChars: z.number().int().min(0).max(10_000).default(8),
    /** Share (0-1) of a text answer's tokens that must occur in the evidence or the source passage. */
    minAnswerSupport: z.number().min(0).max(1).default(0.5),
    /** Characters (UTF-16 units) of the source passage around the evidence sent to the model. */
    maxContextChars: z.number().int().min(200).max(1_000_000).default(3000),
    temperature: z.number().min(0).max(2).default(0),
    maxTokens: z.number().int().min(16).max(4096).default(256),
    /** Asks per item, the first included, when the answer is not valid JSON of the right shape. */
    attempts: z.number().int().min(1).max(10).default(3),
    /** Items of a batch checked at once; the endpoint's own concurrency bounds requests in flight. */
    concurrency: z.number().int().min(1).max(1024).default(4),
  })
  .strict();

export type VerifierConfig = z.infer<typeof verifierConfigSchema>;

export function parseVerifierConfig(input: unknown): VerifierConfig {
  const result = verifierConfigSchema.safeParse(input ?? {});
  if (!result.success) throw configErrorFromZod(VERIFIER_NAME, result.error, input);
  return result.data;
}
