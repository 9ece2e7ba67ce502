import { z } from 'zod';
import { configErrorFromZod } from '../../core/config-errors.js';

export const HTML_EXTRACT_NAME = 'html-extract';

const nonNegativeInteger = z
  .number({ invalid_type_error: 'must be a non-negative integer' })
  .int('must be a non-negative integer')
  .min(0, 'must be a non-negative integer');

/** Options of the HTML main-content extractor. */
export const htmlExtractConfigSchema = z
  .object({
    /**
     * Minimum characters (UTF-16 code units) of extracted text; a page with less is rejected with
     * `html_no_main_content`. 1 rejects only pages where nothing was extracted, and the quality
     * rules of heuristic-filter judge short texts later.
     */
    minChars: z
      .number({ invalid_type_error: 'must be a positive integer' })
      .int('must be a positive integer')
      .min(1, 'must be a positive integer')
      .default(1),
    /** Readability's `charThreshold`: characters an article needs before Readability stops relaxing its cleanup rules. */
    readabilityCharThreshold: nonNegativeInteger.default(500),
    /**
     * The whole cleaned body replaces Readability's article when the article has fewer than
     * bodyFallbackMaxChars characters and less than bodyFallbackShare of the body's characters.
     */
    bodyFallbackMaxChars: nonNegativeInteger.default(3000),
    bodyFallbackShare: z
      .number({ invalid_type_error: 'must be a number from 0 to 1' })
      .min(0, 'must be a number from 0 to 1')
      .max(1, 'must be a number from 0 to 1')
      .default(0.7),
    /**
     * Lists (`ul`, `ol`) whose link text is more than this share of their text are removed as
     * link lists (menus, related posts, tag lists, tables of contents). 1 keeps every list.
     */
    maxListLinkDensity: z
      .number({ invalid_type_error: 'must be a number from 0 to 1' })
      .min(0, 'must be a number from 0 to 1')
      .max(1, 'must be a number from 0 to 1')
      .default(0.6),
    /** Put the page's `<title>` on the first line of the text when the text does not start with it. */
    includeTitle: z.boolean({ invalid_type_error: 'must be true or false' }).default(false),
  })
  .strict();

export type HtmlExtractConfig = z.infer<typeof htmlExtractConfigSchema>;

/** Validates html-extract options and fills in defaults; throws ConfigError naming the option. */
export function parseHtmlExtractConfig(input: unknown): HtmlExtractConfig {
  const result = htmlExtractConfigSchema.safeParse(input ?? {});
  if (!result.success) throw configErrorFromZod(HTML_EXTRACT_NAME, result.error, input);
  return result.data;
}
