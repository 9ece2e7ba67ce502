import { z } from 'zod';
import { configErrorFromZod } from '../../core/config-errors.js';
import { DETECTABLE_LANGS } from './labels.js';

export const LANGID_NAME = 'langid';

/**
 * Rules the operator rejects with. Both apply only when `allow` is set:
 * - `langid_not_allowed`: the record's language is not in `allow`.
 * - `langid_undetermined`: the language is `und` (no letters, or the model's score is below
 *   `minConfidence`) and `allow` does not list `und`.
 */
export const LANGID_RULES = ['langid_not_allowed', 'langid_undetermined'] as const;

const LANG_CODE_MESSAGE = "must be a language code that the model returns, such as 'en', 'zh' or 'und'";

/** Options of the language identifier. */
export const langidConfigSchema = z
  .object({
    /**
     * Code points from the start of the text that the model classifies. fastText averages the
     * vectors of all words and character n-grams it is given, so a long prefix decides like the
     * whole text, and the cost grows linearly with the length. 2000 code points are about 300
     * English words.
     */
    maxChars: z
      .number({ invalid_type_error: 'must be a positive integer' })
      .int('must be a positive integer')
      .min(1, 'must be a positive integer')
      .max(1_000_000, 'must be at most 1000000')
      .default(2000),
    /**
     * Minimum probability of the model's top label for a record to get that language. Below
     * it `lang` is `und`, while `signals.lang_score` still records the probability and the
     * lineage entry names the label. datatrove's LanguageFilter defaults to 0.65. 0.5 is lower
     * because the operator also labels records that no allow list filters, and a label with
     * probability above 0.5 always beats every other label.
     */
    minConfidence: z
      .number({ invalid_type_error: 'must be a number from 0 to 1' })
      .min(0, 'must be a number from 0 to 1')
      .max(1, 'must be a number from 0 to 1')
      .default(0.5),
    /**
     * Languages to keep; null keeps every language. When set, records in other languages are
     * rejected. Add 'und' to keep records whose language could not be determined. A record's
     * own `lang` is compared by its primary subtag, so 'en' allows 'en-GB'.
     */
    allow: z
      .array(
        z.enum([...DETECTABLE_LANGS] as [string, ...string[]], { errorMap: () => ({ message: LANG_CODE_MESSAGE }) }),
        { invalid_type_error: "must be a list of language codes such as ['en', 'zh'], or null" },
      )
      .min(1, 'must list at least one language; use null to keep every language')
      .nullable()
      .default(null),
    /**
     * Replace a `lang` that the input already has with the model's language. Off by default:
     * the input's `lang` stays (the score is still recorded). Even when on, a score below
     * minConfidence keeps the input's `lang`.
     */
    overwrite: z.boolean({ invalid_type_error: 'must be true or false' }).default(false),
  })
  .strict();

export type LangidConfig = z.infer<typeof langidConfigSchema>;

/** Validates langid options and fills in defaults; throws ConfigError naming the option. */
export function parseLangidConfig(input: unknown): LangidConfig {
  const result = langidConfigSchema.safeParse(input ?? {});
  if (!result.success) throw configErrorFromZod(LANGID_NAME, result.error, input);
  return result.data;
}
