/**
 * Every rule the heuristic filter rejects with. Names are snake_case, prefixed by the rule
 * family, and name the check that failed.
 */
export const HEURISTIC_FILTER_RULES = [
  // Gopher repetition (Rae et al. 2021, table A1).
  'gopher_too_many_duplicate_paragraphs',
  'gopher_too_many_duplicate_paragraph_chars',
  'gopher_too_many_duplicate_lines',
  'gopher_too_many_duplicate_line_chars',
  'gopher_top_2_gram_too_frequent',
  'gopher_top_3_gram_too_frequent',
  'gopher_top_4_gram_too_frequent',
  'gopher_too_many_duplicate_5_grams',
  'gopher_too_many_duplicate_6_grams',
  'gopher_too_many_duplicate_7_grams',
  'gopher_too_many_duplicate_8_grams',
  'gopher_too_many_duplicate_9_grams',
  'gopher_too_many_duplicate_10_grams',

  // Gopher quality (Rae et al. 2021).
  'gopher_short_doc',
  'gopher_long_doc',
  'gopher_mean_word_length_too_short',
  'gopher_mean_word_length_too_long',
  'gopher_too_many_hashes',
  'gopher_too_many_ellipses',
  'gopher_too_many_bullet_lines',
  'gopher_too_many_ellipsis_lines',
  'gopher_too_few_alpha_words',
  'gopher_too_few_stop_words',

  // C4 (Raffel et al. 2020) document rules; its line rules drop lines instead of rejecting.
  'c4_lorem_ipsum',
  'c4_curly_bracket',
  'c4_too_few_sentences',

  // FineWeb quality rules, as datatrove's FineWebQualityFilter applies them.
  'fineweb_empty',
  'fineweb_too_few_punctuated_lines',
  'fineweb_too_many_short_lines',
  'fineweb_too_many_duplicate_line_chars',
  'fineweb_too_many_line_breaks',

  // Source-file rules of StarCoder-style code filtering.
  'code_empty',
  'code_line_too_long',
  'code_mean_line_too_long',
  'code_too_few_alphanumeric',
] as const;

export type HeuristicFilterRule = (typeof HEURISTIC_FILTER_RULES)[number];

/** A failed check: the rule, a sentence naming the measured value and the threshold, and the value. */
export interface RuleFailure {
  rule: HeuristicFilterRule;
  reason: string;
  value: number;
}

/** Formats a measured number for a reason: integers as they are, others to 4 significant digits. */
export function formatMeasure(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
