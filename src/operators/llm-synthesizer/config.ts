import { z } from 'zod';
import { configErrorFromZod } from '../../core/config-errors.js';

export const LLM_SYNTHESIZER_NAME = 'llm-synthesizer';

export const SYNTHESIS_TASKS = ['qa', 'rewrite', 'textbook'] as const;
export type SynthesisTask = (typeof SYNTHESIS_TASKS)[number];

export const REWRITE_STYLES = ['textbook', 'wiki', 'lecture-notes'] as const;
export type RewriteStyle = (typeof REWRITE_STYLES)[number];

export const LEVELS = ['grade-school', 'high-school', 'university'] as const;
export type Level = (typeof LEVELS)[number];

const unique = <T>(values: T[]): boolean => new Set(values).size === values.length;

export const llmSynthesizerConfigSchema = z
  .object({
    /** Tasks run on every input document; each runs its own model request(s). */
    tasks: z
      .array(z.enum(SYNTHESIS_TASKS))
      .min(1)
      .refine(unique, (tasks) => ({ message: `tasks must not repeat a task, got ${JSON.stringify(tasks)}` }))
      .default(['qa']),
    /** Styles of the `rewrite` task, one request and one emitted record per style. */
    styles: z
      .array(z.enum(REWRITE_STYLES))
      .min(1)
      .refine(unique, (styles) => ({ message: `styles must not repeat a style, got ${JSON.stringify(styles)}` }))
      .default([...REWRITE_STYLES]),
    /** Reader level that `qa`, `textbook` and `rewrite` write for. */
    level: z.enum(LEVELS).default('high-school'),
    /** Maximum question-answer items kept per document by the `qa` task. */
    itemsPerDocument: z.number().int().min(1).max(20).default(3),
    /** Sampling temperature; above 0 so repeated synthesis gives varied items. */
    temperature: z.number().min(0).max(2).default(0.7),
    /** Base of the per-request seed, so the same document, task and config sample the same way. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    /** Code points of the document sent to the model; the rest is cut off and the lineage records the cut. */
    maxInputChars: z.number().int().min(200).max(1_000_000).default(4000),
    /** Characters (UTF-16 units) of the source around an item's evidence kept in meta.synthesis.context for the verifier. */
    contextChars: z.number().int().min(200).max(1_000_000).default(2000),
    /** Completion tokens per request; a rewrite or textbook section longer than this is cut and fails to parse. */
    maxTokens: z.number().int().min(32).max(16_384).default(1024),
    /** Asks per request, the first included, when the answer is not valid JSON of the right shape. */
    attempts: z.number().int().min(1).max(10).default(3),
    /** Records of a batch processed at once; the endpoint's own concurrency bounds requests in flight. */
    concurrency: z.number().int().min(1).max(1024).default(4),
    /** Whether the input document itself also goes on to L3. */
    promoteSource: z.boolean().default(true),
    /** Share of Han, kana or Hangul letters above which a record without `lang` is treated as Chinese. */
    cjkShareForChinese: z.number().min(0).max(1).default(0.3),
  })
  .strict();

export type LlmSynthesizerConfig = z.infer<typeof llmSynthesizerConfigSchema>;

export function parseLlmSynthesizerConfig(input: unknown): LlmSynthesizerConfig {
  const result = llmSynthesizerConfigSchema.safeParse(input ?? {});
  if (!result.success) throw configErrorFromZod(LLM_SYNTHESIZER_NAME, result.error, input);
  return result.data;
}
