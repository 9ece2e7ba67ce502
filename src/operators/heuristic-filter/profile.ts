/**
 * Configuration profiles of the heuristic filter. `language-aware`, the default, adapts
 * stop words, word-length bounds, line endings, short-line length and n-gram sizes to the
 * record's language and script. `datatrove` sets every such option so that each language
 * is measured as datatrove 0.10.1's filters measure it: English thresholds and English
 * stop words for every language, and no extra rules for spaceless scripts.
 */

export const HEURISTIC_PROFILES = ['language-aware', 'datatrove'] as const;
export type HeuristicProfile = (typeof HEURISTIC_PROFILES)[number];

/**
 * Options that the `datatrove` profile sets, by family. Setting one of them in the same
 * config is rejected, because the profile would silently replace the value.
 */
export const DATATROVE_PROFILE_OPTIONS = {
  gopherRepetition: ['spacelessNGramScale'],
  gopherQuality: ['minSpacelessMeanWordLength', 'maxSpacelessMeanWordLength', 'spacelessAlphaRatioDenominator', 'stopWordsLanguage'],
  c4: ['spacelessLineEndPunctuation', 'segmentSpacelessLineWords'],
  fineweb: ['maxSpacelessShortLineLength'],
} as const;

/** The options of a parsed config that the profiles change. */
interface ProfiledConfig {
  profile: HeuristicProfile;
  gopherRepetition: { spacelessNGramScale: number };
  gopherQuality: {
    minMeanWordLength: number | null;
    maxMeanWordLength: number | null;
    minSpacelessMeanWordLength: number | null;
    maxSpacelessMeanWordLength: number | null;
    alphaRatioDenominator: 'tokens' | 'words';
    spacelessAlphaRatioDenominator: 'tokens' | 'words';
    stopWordsLanguage: string | null;
  };
  c4: { spacelessLineEndPunctuation: string[]; segmentSpacelessLineWords: boolean };
  fineweb: { maxShortLineLength: number | null; maxSpacelessShortLineLength: number | null };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns the options in raw config `input` that its `datatrove` profile would replace, as
 * `[family, option]` paths. Empty for any other profile.
 */
export function findProfileConflicts(input: unknown): string[][] {
  if (!isObject(input) || input.profile !== 'datatrove') return [];
  const conflicts: string[][] = [];
  for (const [family, options] of Object.entries(DATATROVE_PROFILE_OPTIONS)) {
    const section = input[family];
    if (!isObject(section)) continue;
    for (const option of options) {
      if (section[option] !== undefined) conflicts.push([family, option]);
    }
  }
  return conflicts;
}

/**
 * Applies the profile to a parsed config. Under `datatrove`, spaceless-script text gets the
 * same thresholds as other text and every language gets the English stop words, so the
 * options for spaceless scripts and record languages take the values of the general ones.
 */
export function applyProfile<T extends ProfiledConfig>(config: T): T {
  if (config.profile !== 'datatrove') return config;

  const { gopherRepetition, gopherQuality, c4, fineweb } = config;
  return {
    ...config,
    gopherRepetition: { ...gopherRepetition, spacelessNGramScale: 1 },
    gopherQuality: {
      ...gopherQuality,
      minSpacelessMeanWordLength: gopherQuality.minMeanWordLength,
      maxSpacelessMeanWordLength: gopherQuality.maxMeanWordLength,
      spacelessAlphaRatioDenominator: gopherQuality.alphaRatioDenominator,
      stopWordsLanguage: 'en',
    },
    c4: { ...c4, spacelessLineEndPunctuation: [], segmentSpacelessLineWords: false },
    fineweb: { ...fineweb, maxSpacelessShortLineLength: fineweb.maxShortLineLength },
  };
}
