import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { DEFAULT_DOMAINS, parseHeuristicFilterConfig } from './config.js';

/** Returns the message of the ConfigError that parsing `input` throws. */
function errorFor(input: unknown): string {
  try {
    parseHeuristicFilterConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseHeuristicFilterConfig', () => {
  it('fills in the datatrove defaults', () => {
    const config = parseHeuristicFilterConfig({});

    expect(config.gopherQuality.minDocWords).toBe(50);
    expect(config.gopherQuality.maxDocWords).toBe(100_000);
    expect(config.gopherQuality.maxSymbolWordRatio).toBe(0.1);
    expect(config.gopherRepetition.maxTopNGramCharRatio).toEqual({ '2': 0.2, '3': 0.18, '4': 0.16 });
    expect(config.gopherRepetition.maxDuplicateNGramCharRatio['10']).toBe(0.1);
    expect(config.c4.minSentences).toBe(5);
    expect(config.c4.rewriteText).toBe(true);
    expect(config.fineweb.minPunctuatedLineRatio).toBe(0.12);
    expect(config.code.maxLineLength).toBe(1000);
    expect(config.domains).toEqual(DEFAULT_DOMAINS);
  });

  it('treats undefined as empty config', () => {
    expect(parseHeuristicFilterConfig(undefined)).toEqual(parseHeuristicFilterConfig({}));
  });

  it('accepts null to turn a check off', () => {
    expect(parseHeuristicFilterConfig({ gopherQuality: { minDocWords: null } }).gopherQuality.minDocWords).toBeNull();
  });

  it('names path and bound of ratio', () => {
    expect(errorFor({ gopherQuality: { maxSymbolWordRatio: 1.5 } })).toBe(
      'heuristic-filter.gopherQuality.maxSymbolWordRatio must be <= 1',
    );
  });

  it('names the path of a negative value', () => {
    expect(errorFor({ fineweb: { maxLineBreakWordRatio: -1 } })).toBe('heuristic-filter.fineweb.maxLineBreakWordRatio must be >= 0');
  });

  it('names the path inside n-gram thresholds', () => {
    expect(errorFor({ gopherRepetition: { maxTopNGramCharRatio: { '2': 2 } } })).toBe(
      'heuristic-filter.gopherRepetition.maxTopNGramCharRatio.2 must be <= 1',
    );
  });

  it('reports a wrong type with what it got', () => {
    expect(errorFor({ gopherQuality: { minDocWords: 'fifty' } })).toBe(
      'heuristic-filter.gopherQuality.minDocWords must be number (got string)',
    );
  });

  it('rejects a fractional word count', () => {
    expect(errorFor({ gopherQuality: { minDocWords: 2.5 } })).toBe('heuristic-filter.gopherQuality.minDocWords must be an integer');
  });

  it('rejects unknown keys', () => {
    expect(errorFor({ gopherQuality: { minWords: 10 } })).toBe(
      'heuristic-filter.gopherQuality has unknown key(s) "minWords" (`tiers config` prints every option)',
    );
    expect(errorFor({ gopher: {} })).toBe('heuristic-filter has unknown key(s) "gopher" (`tiers config` prints every option)');
  });

  it('rejects a minimum above its maximum', () => {
    expect(errorFor({ gopherQuality: { minDocWords: 200, maxDocWords: 100 } })).toBe(
      'heuristic-filter.gopherQuality.minDocWords must be <= maxDocWords (200 > 100)',
    );
  });

  it('lists every problem in one message', () => {
    const message = errorFor({ gopherQuality: { maxSymbolWordRatio: 2 }, code: { minAlphanumericRatio: -0.5 } });

    expect(message).toContain('heuristic-filter.gopherQuality.maxSymbolWordRatio must be <= 1');
    expect(message).toContain('heuristic-filter.code.minAlphanumericRatio must be >= 0');
  });

  it('accepts domain list or object', () => {
    const config = parseHeuristicFilterConfig({
      domains: { forum: ['gopherQuality'], books: { families: ['gopherRepetition'], skipRules: ['gopher_short_doc'] } },
    });

    expect(config.domains.forum).toEqual({ families: ['gopherQuality'], skipRules: [] });
    expect(config.domains.books).toEqual({ families: ['gopherRepetition'], skipRules: ['gopher_short_doc'] });
  });

  it('keeps default domains that the config does not name', () => {
    const config = parseHeuristicFilterConfig({ domains: { math: ['gopherQuality'] } });

    expect(config.domains.web).toEqual(DEFAULT_DOMAINS.web);
    expect(config.domains.code).toEqual(DEFAULT_DOMAINS.code);
    expect(config.domains.math).toEqual({ families: ['gopherQuality'], skipRules: [] });
  });

  it('rejects an unknown family or rule in a domain', () => {
    expect(errorFor({ domains: { web: ['gopher'] } })).toMatch(
      /^heuristic-filter\.domains\.web\.families\.0 must be one of gopherRepetition, gopherQuality, c4, fineweb, code \(got "gopher"\)$/,
    );
    expect(errorFor({ domains: { web: { families: [], skipRules: ['no_such_rule'] } } })).toContain(
      'heuristic-filter.domains.web.skipRules.0 must be one of',
    );
  });

  it('lower-cases configured policy phrases', () => {
    expect(parseHeuristicFilterConfig({ c4: { policyPhrases: ['Cookie Settings'] } }).c4.policyPhrases).toEqual(['cookie settings']);
  });
});

describe('parseHeuristicFilterConfig datatrove options', () => {
  it('defaults to datatrove counting', () => {
    const config = parseHeuristicFilterConfig({});

    expect(config.gopherQuality.alphaRatioDenominator).toBe('tokens');
    expect(config.gopherQuality.spacelessAlphaRatioDenominator).toBe('words');
    expect(config.gopherQuality.punctuation).toBe('datatrove');
    expect(config.gopherQuality.countBlankLines).toBe(true);
    expect(config.gopherQuality.stopWordsIgnoreCase).toBe(false);
    expect(config.gopherRepetition.topNGramMustRepeat).toBe(false);
    expect(config.gopherRepetition.ignoreBlankLines).toBe(false);
    expect(config.c4.sentenceSplitter).toBe('spacy-sentencizer');
    expect(config.c4.lineEndPunctuation).toEqual(['.', '?', '!', '"', "'"]);
    expect(config.fineweb.lenientLineEnds).toBe(false);
  });

  it('names the allowed values of an invalid choice', () => {
    expect(errorFor({ c4: { sentenceSplitter: 'nltk' } })).toBe(
      'heuristic-filter.c4.sentenceSplitter must be one of spacy-sentencizer, whitespace (got "nltk")',
    );
  });
});

describe('parseHeuristicFilterConfig profile', () => {
  it('defaults to the language-aware profile', () => {
    const config = parseHeuristicFilterConfig({});

    expect(config.profile).toBe('language-aware');
    expect(config.gopherRepetition.spacelessNGramScale).toBe(2);
    expect(config.gopherQuality.minSpacelessMeanWordLength).toBe(1.2);
    expect(config.gopherQuality.maxSpacelessMeanWordLength).toBe(5);
    expect(config.gopherQuality.stopWordsLanguage).toBeNull();
    expect(config.c4.spacelessLineEndPunctuation).toContain('。');
    expect(config.c4.segmentSpacelessLineWords).toBe(true);
    expect(config.fineweb.maxSpacelessShortLineLength).toBe(10);
  });

  it('datatrove profile drops per-language settings', () => {
    const config = parseHeuristicFilterConfig({ profile: 'datatrove' });

    expect(config.profile).toBe('datatrove');
    expect(config.gopherRepetition.spacelessNGramScale).toBe(1);
    expect(config.gopherQuality.minSpacelessMeanWordLength).toBe(3);
    expect(config.gopherQuality.maxSpacelessMeanWordLength).toBe(10);
    expect(config.gopherQuality.spacelessAlphaRatioDenominator).toBe('tokens');
    expect(config.gopherQuality.stopWordsLanguage).toBe('en');
    expect(config.c4.spacelessLineEndPunctuation).toEqual([]);
    expect(config.c4.segmentSpacelessLineWords).toBe(false);
    expect(config.fineweb.maxSpacelessShortLineLength).toBe(30);
  });

  it('datatrove profile follows configured general thresholds', () => {
    const config = parseHeuristicFilterConfig({
      profile: 'datatrove',
      gopherQuality: { minMeanWordLength: 2, maxMeanWordLength: null, alphaRatioDenominator: 'words' },
      fineweb: { maxShortLineLength: 20 },
    });

    expect(config.gopherQuality.minSpacelessMeanWordLength).toBe(2);
    expect(config.gopherQuality.maxSpacelessMeanWordLength).toBeNull();
    expect(config.gopherQuality.spacelessAlphaRatioDenominator).toBe('words');
    expect(config.fineweb.maxSpacelessShortLineLength).toBe(20);
  });

  it('rejects an unknown profile', () => {
    expect(errorFor({ profile: 'fineweb' })).toBe('heuristic-filter.profile must be one of language-aware, datatrove (got "fineweb")');
  });

  it('rejects options the datatrove profile sets', () => {
    const message = errorFor({
      profile: 'datatrove',
      gopherRepetition: { spacelessNGramScale: 2 },
      c4: { spacelessLineEndPunctuation: ['。'] },
    });

    expect(message).toContain(
      "heuristic-filter.gopherRepetition.spacelessNGramScale is set by profile 'datatrove', which measures every language alike; remove the option or use profile 'language-aware'",
    );
    expect(message).toContain("heuristic-filter.c4.spacelessLineEndPunctuation is set by profile 'datatrove'");
  });

  it('language-aware profile accepts spaceless options', () => {
    const config = parseHeuristicFilterConfig({ profile: 'language-aware', c4: { spacelessLineEndPunctuation: ['。'] } });

    expect(config.c4.spacelessLineEndPunctuation).toEqual(['。']);
  });

  it('reduces stopWordsLanguage to its primary subtag', () => {
    expect(parseHeuristicFilterConfig({ gopherQuality: { stopWordsLanguage: 'EN-us' } }).gopherQuality.stopWordsLanguage).toBe('en');
  });
});
