/**
 * Configuration of the heuristic filter. The zod schema is the single source of the config
 * type and its defaults. Every threshold accepts null, which turns that check off.
 * Lengths are in characters (Unicode code points) and ratios are fractions in [0, 1].
 */

import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { primaryLanguage } from '../../text/script-profile.js';
import { applyProfile, findProfileConflicts, HEURISTIC_PROFILES } from './profile.js';
import { HEURISTIC_FILTER_RULES } from './reasons.js';

/** Rule families in the order they run, which is FineWeb's: repetition, quality, C4, FineWeb. */
export const HEURISTIC_FAMILIES = ['gopherRepetition', 'gopherQuality', 'c4', 'fineweb', 'code'] as const;
export type HeuristicFamily = (typeof HEURISTIC_FAMILIES)[number];

const CONFIG_PATH_PREFIX = 'heuristic-filter';

const ratio = (defaultValue: number) =>
  z.number().min(0, 'must be >= 0').max(1, 'must be <= 1').nullable().default(defaultValue);
const count = (defaultValue: number) =>
  z.number().int('must be an integer').min(0, 'must be >= 0').nullable().default(defaultValue);
const positive = (defaultValue: number) => z.number().positive('must be > 0').nullable().default(defaultValue);
const flag = (defaultValue: boolean) => z.boolean().default(defaultValue);

/** Adds an issue at `path` when both bounds are set and `min` exceeds `max`. */
function checkBounds(
  ctx: z.RefinementCtx,
  min: number | null,
  max: number | null,
  minName: string,
  maxName: string,
): void {
  if (min !== null && max !== null && min > max) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [minName], message: `must be <= ${maxName} (${min} > ${max})` });
  }
}

// Thresholds from Gopher (Rae et al. 2021, table A1), as datatrove's GopherRepetitionFilter uses them.
const gopherRepetitionSchema = z
  .object({
    enabled: flag(true),
    maxDuplicateParagraphRatio: ratio(0.3),
    maxDuplicateParagraphCharRatio: ratio(0.2),
    maxDuplicateLineRatio: ratio(0.3),
    maxDuplicateLineCharRatio: ratio(0.2),
    /** Share of characters covered by the most frequent word n-gram, per n. */
    maxTopNGramCharRatio: z
      .object({ '2': ratio(0.2), '3': ratio(0.18), '4': ratio(0.16) })
      .strict()
      .default({}),
    /** Share of characters in word n-grams that repeat an earlier one, per n. */
    maxDuplicateNGramCharRatio: z
      .object({ '5': ratio(0.15), '6': ratio(0.14), '7': ratio(0.13), '8': ratio(0.12), '9': ratio(0.11), '10': ratio(0.1) })
      .strict()
      .default({}),
    /**
     * Multiplier for n in text of mostly spaceless scripts. ICU splits Chinese into words
     * of about 1.6 characters, against about 4.8 for English words. So a Chinese 5-gram is
     * a short phrase, such as a name with a title, that repeats in clean encyclopedic text.
     */
    spacelessNGramScale: z.number().int('must be an integer').min(1, 'must be >= 1').default(2),
    /**
     * Scores the most frequent n-gram only when it occurs at least twice. datatrove scores
     * it even when every n-gram is unique, so a text of 8 to 28 tokens fails on its top
     * n-gram alone. Off by default to match datatrove.
     */
    topNGramMustRepeat: flag(false),
    /**
     * Splits lines at any line break and leaves blank lines out, and splits paragraphs at
     * blank lines. datatrove splits lines at runs of `\n` only, so a line of spaces or
     * no-break spaces is a line that can repeat, and splits paragraphs at runs of two or
     * more `\n`. Off by default to match datatrove.
     */
    ignoreBlankLines: flag(false),
  })
  .strict();

// Gopher (Rae et al. 2021) keeps documents of 50 to 100,000 words with a mean word length
// of 3 to 10 characters and at most 0.1 '#' or ellipsis per word. At most 90% of lines may
// start with a bullet and 30% end with an ellipsis. At least 80% of words need a letter,
// and the text needs at least 2 stop words.
const gopherQualitySchema = z
  .object({
    enabled: flag(true),
    minDocWords: count(50),
    maxDocWords: count(100_000),
    minMeanWordLength: positive(3),
    maxMeanWordLength: positive(10),
    /**
     * Bounds used instead when most letters belong to spaceless scripts. ICU splits Chinese
     * into words with a mean length of about 1.6 characters. Thai words, counted in code
     * points with their combining vowel and tone marks, average about 3.5.
     */
    minSpacelessMeanWordLength: positive(1.2),
    maxSpacelessMeanWordLength: positive(5),
    /** Maximum count of '#', and of ellipses ('...' or '…'), per token (words and punctuation). */
    maxSymbolWordRatio: ratio(0.1),
    maxBulletLineRatio: ratio(0.9),
    maxEllipsisLineRatio: ratio(0.3),
    minAlphaWordRatio: ratio(0.8),
    /**
     * Denominator of the share of words with a letter. `tokens`, as datatrove, counts
     * punctuation tokens too, so 46 letter words among 50 words and 9 commas and dots give
     * 46/59. `words` leaves punctuation out (46/50), so text dense in quotes, numbers or
     * full-width punctuation is not rejected for its punctuation alone.
     */
    alphaRatioDenominator: z.enum(['tokens', 'words']).default('tokens'),
    /**
     * The denominator used instead when most letters belong to spaceless scripts. Chinese
     * puts a full-width mark after every few words and each mark is a token, so clean
     * Chinese prose falls below 0.8 over tokens. datatrove has no such setting.
     */
    spacelessAlphaRatioDenominator: z.enum(['tokens', 'words']).default('words'),
    /**
     * Character set that makes a token punctuation rather than a word, for the word count
     * and the mean word length. `datatrove` is datatrove's punctuation list: ASCII
     * punctuation, control characters, common CJK and typographic marks and sentence
     * terminals, so `•`, `€` or `©` count as words. `unicode` is every punctuation and
     * symbol character (Unicode categories P and S).
     */
    punctuation: z.enum(['datatrove', 'unicode']).default('datatrove'),
    /**
     * Counts blank lines in the bullet and ellipsis line ratios, as datatrove does. When
     * false, blank separator lines do not dilute the ratios.
     */
    countBlankLines: flag(true),
    minStopWords: count(2),
    /**
     * Matches stop words regardless of case, so a sentence-initial "The" counts. datatrove
     * matches exact tokens, so it is off by default.
     */
    stopWordsIgnoreCase: flag(false),
    /**
     * Language whose stop-word list applies to every record, such as `en` as in datatrove,
     * which takes its 8 English stop words for every language. null chooses the list by the
     * record's language, or by the script's language when the record has none.
     */
    stopWordsLanguage: z
      .string()
      .min(1, 'must not be empty')
      .nullable()
      .default(null)
      .transform((lang) => (lang === null ? null : primaryLanguage(lang))),
    /**
     * Stop-word lists by language, replacing the built-in list of that language. Keys are
     * reduced to their primary subtag (`pt-BR` to `pt`). Words match as written unless
     * `stopWordsIgnoreCase` is set.
     */
    stopWords: z
      .record(z.array(z.string().min(1, 'must not be empty')))
      .default({})
      .transform((lists) => Object.fromEntries(Object.entries(lists).map(([lang, words]) => [primaryLanguage(lang), words]))),
  })
  .strict()
  .superRefine((value, ctx) => {
    checkBounds(ctx, value.minDocWords, value.maxDocWords, 'minDocWords', 'maxDocWords');
    checkBounds(ctx, value.minMeanWordLength, value.maxMeanWordLength, 'minMeanWordLength', 'maxMeanWordLength');
    checkBounds(
      ctx,
      value.minSpacelessMeanWordLength,
      value.maxSpacelessMeanWordLength,
      'minSpacelessMeanWordLength',
      'maxSpacelessMeanWordLength',
    );
  });

// Defaults of C4 (Raffel et al. 2020) as datatrove's C4QualityFilter applies them.
const c4Schema = z
  .object({
    enabled: flag(true),
    /** Lines with a whitespace-separated word longer than this are dropped. */
    maxWordLength: count(1000),
    /** Removes Wikipedia-style markers: `[1]`, `[edit]`, `[citation needed]`. */
    removeCitations: flag(true),
    dropLinesWithoutTerminalPunctuation: flag(true),
    /** Line endings that count as terminal punctuation. C4 and datatrove use `. ? ! " '`. */
    lineEndPunctuation: z.array(z.string().min(1, 'must not be empty')).default(['.', '?', '!', '"', "'"]),
    /**
     * Further line endings accepted when most letters belong to spaceless scripts: the
     * full-width terminals and closing quotes that end Chinese and Japanese sentences.
     * datatrove has no such list, so it drops every line that ends in `。`.
     */
    spacelessLineEndPunctuation: z
      .array(z.string().min(1, 'must not be empty'))
      .default(['。', '！', '？', '．', '”', '’', '」', '』']),
    minWordsPerLine: count(3),
    /**
     * Counts the words of a line with spaceless-script characters as ICU word segments.
     * datatrove counts whitespace-separated chunks in every language, so a Chinese line
     * without spaces is one word there and fails `minWordsPerLine`.
     */
    segmentSpacelessLineWords: flag(true),
    rejectLoremIpsum: flag(true),
    dropJavascriptLines: flag(true),
    rejectCurlyBracket: flag(true),
    dropPolicyLines: flag(true),
    /** Phrases that mark a cookie or legal notice line, matched without regard to case. */
    policyPhrases: z
      .array(z.string().min(1, 'must not be empty'))
      .default(['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'])
      .transform((phrases) => phrases.map((phrase) => phrase.toLowerCase())),
    minSentences: count(5),
    /**
     * Sentence counting in kept lines. `spacy-sentencizer`, as datatrove, tokenizes the
     * line. A token that is a single terminal (`.` `!` `?` `。` and the other sentence
     * terminals) ends a sentence once a token that is not punctuation follows. So
     * `customer.These` is two sentences, and `Mr.` or `U.S.` end none. `whitespace` ends a
     * sentence at an ASCII terminal only when whitespace follows, knows common abbreviations
     * such as `etc.`, and lets an ellipsis before a lower-case word continue the sentence.
     */
    sentenceSplitter: z.enum(['spacy-sentencizer', 'whitespace']).default('spacy-sentencizer'),
    /** Replaces a kept record's text with its kept lines, joined with '\n'. */
    rewriteText: flag(true),
  })
  .strict();

// Defaults of FineWeb's quality rules as datatrove's FineWebQualityFilter sets them.
const finewebSchema = z
  .object({
    enabled: flag(true),
    /** Minimum share of non-blank lines that end in sentence-terminal punctuation. */
    minPunctuatedLineRatio: ratio(0.12),
    maxShortLineRatio: ratio(0.67),
    /** Lines of at most this many characters count as short. */
    maxShortLineLength: count(30),
    /**
     * The short-line length used when most letters belong to spaceless scripts. FineWeb's
     * 30 characters are about five English words, and five Chinese words with their
     * punctuation take about 10 characters.
     */
    maxSpacelessShortLineLength: count(10),
    /** Maximum share of characters (line breaks excluded) in lines that repeat an earlier line. */
    maxDuplicateLineCharRatio: ratio(0.01),
    /** Maximum line breaks per word. High values mark lists and menus. */
    maxLineBreakWordRatio: z.number().min(0, 'must be >= 0').nullable().default(0.3),
    /**
     * Accepts a line as punctuated when trailing whitespace or one closing quote or bracket
     * follows the terminal (`."`, `。”`), and counts `…` as a terminal. datatrove tests the
     * last character of the line only, so it is off by default.
     */
    lenientLineEnds: flag(false),
  })
  .strict();

// Source-file limits of StarCoder-style code filtering: no line over 1000 characters, a
// mean line length of at most 100 and at least 25% letters and digits. DeepSeek-Coder
// (Guo et al. 2024) applies the same limits, counting letters only.
const codeSchema = z
  .object({
    enabled: flag(true),
    maxLineLength: count(1000),
    maxMeanLineLength: positive(100),
    minAlphanumericRatio: ratio(0.25),
  })
  .strict();

const domainSchema = z.preprocess(
  // A bare list of families is shorthand for `{ families: [...] }`.
  (value) => (Array.isArray(value) ? { families: value } : value),
  z
    .object({
      families: z.array(z.enum(HEURISTIC_FAMILIES)),
      /** Rules of the listed families that do not apply to this domain. */
      skipRules: z.array(z.enum(HEURISTIC_FILTER_RULES)).default([]),
    })
    .strict(),
);

export type DomainConfig = z.output<typeof domainSchema>;

/**
 * Families per record domain. Records of an unlisted domain use `web`.
 *
 * Math text is mostly LaTeX or formulas, so its defaults differ from web in four ways.
 * Markup repeats by nature: `\end{equation}` and `$$` lines, and token runs such as
 * `} \right )`. So math skips the duplicate-line count and the n-gram rules, but keeps
 * the rules on repeated paragraph and line characters, which catch pages that are copied
 * twice. '#' is LaTeX's macro-parameter sign, so the hash rule is skipped too. Markup
 * characters (`$ \ { } ^ _`) are punctuation tokens, and with the letter share taken over
 * all tokens, 16 of the 20 arXiv and GSM8K samples in the shared data set fall below 0.8,
 * so math skips that rule as well. C4 and FineWeb are left out entirely. They drop or count lines without terminal punctuation,
 * and display equations are such lines, while C4 also rejects every '{'.
 */
export const DEFAULT_DOMAINS: Readonly<Record<string, DomainConfig>> = {
  web: { families: ['gopherRepetition', 'gopherQuality', 'c4', 'fineweb'], skipRules: [] },
  math: {
    families: ['gopherRepetition', 'gopherQuality'],
    skipRules: [
      'gopher_too_many_duplicate_lines',
      'gopher_top_2_gram_too_frequent',
      'gopher_top_3_gram_too_frequent',
      'gopher_top_4_gram_too_frequent',
      'gopher_too_many_duplicate_5_grams',
      'gopher_too_many_duplicate_6_grams',
      'gopher_too_many_duplicate_7_grams',
      'gopher_too_many_duplicate_8_grams',
      'gopher_too_many_duplicate_9_grams',
      'gopher_too_many_duplicate_10_grams',
      'gopher_too_many_hashes',
      'gopher_too_few_alpha_words',
    ],
  },
  code: { families: ['code'], skipRules: [] },
};

/** Adds an issue for each option that the config's profile would replace (see profile.ts). */
function rejectProfileConflicts(input: unknown, ctx: z.RefinementCtx): unknown {
  for (const path of findProfileConflicts(input)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path,
      message: "is set by profile 'datatrove', which measures every language alike; remove the option or use profile 'language-aware'",
    });
  }
  return input;
}

const heuristicFilterObjectSchema = z
  .object({
    /**
     * `language-aware` adapts stop words and the thresholds of spaceless scripts to the
     * record. `datatrove` applies datatrove's English settings to every language.
     */
    profile: z.enum(HEURISTIC_PROFILES).default('language-aware'),
    gopherRepetition: gopherRepetitionSchema.default({}),
    gopherQuality: gopherQualitySchema.default({}),
    c4: c4Schema.default({}),
    fineweb: finewebSchema.default({}),
    code: codeSchema.default({}),
    /** Per-domain families; given domains replace the defaults of the same name. */
    domains: z
      .record(domainSchema)
      .default({})
      .transform((domains) => ({ ...DEFAULT_DOMAINS, ...domains })),
  })
  .strict();

export const heuristicFilterConfigSchema = z.preprocess(rejectProfileConflicts, heuristicFilterObjectSchema.transform(applyProfile));

export type HeuristicFilterConfig = z.output<typeof heuristicFilterConfigSchema>;
export type HeuristicFilterConfigInput = z.input<typeof heuristicFilterObjectSchema>;
export type GopherRepetitionConfig = HeuristicFilterConfig['gopherRepetition'];
export type GopherQualityConfig = HeuristicFilterConfig['gopherQuality'];
export type C4Config = HeuristicFilterConfig['c4'];
export type FinewebConfig = HeuristicFilterConfig['fineweb'];
export type CodeConfig = HeuristicFilterConfig['code'];

function describeIssue(issue: z.ZodIssue): string {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return 'is missing';
      if (issue.expected === 'integer') return 'must be an integer';
      return `must be ${issue.expected} (got ${issue.received})`;
    case z.ZodIssueCode.unrecognized_keys:
      return `has unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(', ')} (\`tiers config\` prints every option)`;
    case z.ZodIssueCode.invalid_enum_value:
      return `must be one of ${issue.options.join(', ')} (got "${String(issue.received)}")`;
    default:
      return issue.message;
  }
}

/**
 * Validates raw heuristic-filter config and fills in defaults. Throws ConfigError naming
 * the path of each invalid value, such as
 * `heuristic-filter.gopherQuality.maxSymbolWordRatio must be <= 1`.
 */
export function parseHeuristicFilterConfig(input: unknown): HeuristicFilterConfig {
  const result = heuristicFilterConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const path = [CONFIG_PATH_PREFIX, ...issue.path.map(String)].join('.');
    return `${path} ${describeIssue(issue)}`;
  });
  throw new ConfigError(problems.join('; '), { issues: result.error.issues });
}
