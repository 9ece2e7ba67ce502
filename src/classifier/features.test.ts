import { describe, expect, it } from 'vitest';
import { FEATURE_KIND, FeatureExtractor, featureConfigSchema, lengthBucket, type FeatureConfig, type SparseVector } from './features.js';
import { hashPair, hashString } from './hash.js';

const BUCKETS = 1 << 20;

function config(overrides: Partial<FeatureConfig> = {}): FeatureConfig {
  return featureConfigSchema.parse({ buckets: BUCKETS, documentFeatures: false, ...overrides });
}

function bucket(kind: number, text: string): number {
  return hashString(kind, text) % BUCKETS;
}

function wordBigram(first: string, second: string): number {
  return hashPair(FEATURE_KIND.wordBigram, hashString(FEATURE_KIND.word, first), hashString(FEATURE_KIND.word, second)) % BUCKETS;
}

function indexSet(vector: SparseVector): Set<number> {
  return new Set(vector.indices);
}

describe('FeatureExtractor', () => {
  it('splits Chinese into overlapping character bigrams', () => {
    const vector = new FeatureExtractor(config({ charUnigrams: false })).extract('我爱中国', 'web');

    const expected = new Set([bucket(FEATURE_KIND.charBigram, '我爱'), bucket(FEATURE_KIND.charBigram, '爱中'), bucket(FEATURE_KIND.charBigram, '中国')]);
    expect(indexSet(vector)).toEqual(expected);
  });

  it('adds Chinese character unigrams when enabled', () => {
    const indices = indexSet(new FeatureExtractor(config()).extract('中国', 'web'));

    expect(indices.has(bucket(FEATURE_KIND.char, '中'))).toBe(true);
    expect(indices.has(bucket(FEATURE_KIND.char, '国'))).toBe(true);
    expect(indices.has(bucket(FEATURE_KIND.charBigram, '中国'))).toBe(true);
    expect(indices.size).toBe(3);
  });

  it('lowercases English words and adds word bigrams', () => {
    const vector = new FeatureExtractor(config()).extract('Hello, World', 'web');

    const expected = new Set([
      bucket(FEATURE_KIND.word, 'hello'),
      bucket(FEATURE_KIND.word, ','),
      bucket(FEATURE_KIND.word, 'world'),
      wordBigram('hello', ','),
      wordBigram(',', 'world'),
    ]);
    expect(indexSet(vector)).toEqual(expected);
  });

  it('keeps words and Han runs of mixed text apart', () => {
    const indices = indexSet(new FeatureExtractor(config({ charUnigrams: false })).extract('使用 Python 编程', 'web'));

    expect(indices.has(bucket(FEATURE_KIND.charBigram, '使用'))).toBe(true);
    expect(indices.has(bucket(FEATURE_KIND.word, 'python'))).toBe(true);
    expect(indices.has(bucket(FEATURE_KIND.charBigram, '编程'))).toBe(true);
    // The Han run before "python" ends the word sequence, so no bigram joins it to a character.
    expect(indices.size).toBe(3);
  });

  it('treats Japanese kana, Hangul and Thai as unspaced scripts', () => {
    const extractor = new FeatureExtractor(config({ charUnigrams: false }));

    expect(indexSet(extractor.extract('ひらがな', 'web')).has(bucket(FEATURE_KIND.charBigram, 'ひら'))).toBe(true);
    expect(indexSet(extractor.extract('한국어', 'web')).has(bucket(FEATURE_KIND.charBigram, '한국'))).toBe(true);
    expect(indexSet(extractor.extract('ภาษาไทย', 'web')).has(bucket(FEATURE_KIND.charBigram, 'ภา'))).toBe(true);
  });

  it('keeps Cyrillic and accented words whole', () => {
    const indices = indexSet(new FeatureExtractor(config({ wordBigrams: false })).extract('Привет café', 'web'));

    expect(indices).toEqual(new Set([bucket(FEATURE_KIND.word, 'привет'), bucket(FEATURE_KIND.word, 'café')]));
  });

  it('handles characters outside the Basic Multilingual Plane', () => {
    const indices = indexSet(new FeatureExtractor(config({ charUnigrams: false })).extract('𠀀𠀁 😀', 'web'));

    expect(indices.has(bucket(FEATURE_KIND.charBigram, '𠀀𠀁'))).toBe(true);
    expect(indices.has(bucket(FEATURE_KIND.word, '😀'))).toBe(true);
  });

  it('normalises counts to unit L2 length', () => {
    const vector = new FeatureExtractor(config({ wordBigrams: false })).extract('spam spam spam eggs', 'web');

    const byIndex = new Map([...vector.indices].map((index, k) => [index, vector.values[k]!]));
    expect(byIndex.get(bucket(FEATURE_KIND.word, 'spam'))).toBeCloseTo(3 / Math.sqrt(10), 6);
    expect(byIndex.get(bucket(FEATURE_KIND.word, 'eggs'))).toBeCloseTo(1 / Math.sqrt(10), 6);
  });

  it('adds length and domain features', () => {
    const vector = new FeatureExtractor(config({ documentFeatures: true })).extract('abc', 'math');

    const indices = [...vector.indices];
    expect(indices).toContain(hashPair(FEATURE_KIND.length, lengthBucket(3), 0) % BUCKETS);
    expect(indices).toContain(hashString(FEATURE_KIND.domain, 'math') % BUCKETS);
    expect(vector.values.at(-1)).toBe(1);
  });

  it('gives an empty text only document features', () => {
    expect(new FeatureExtractor(config()).extract('', 'web').indices.length).toBe(0);
    expect(new FeatureExtractor(config({ documentFeatures: true })).extract(' \n\t', 'web').indices.length).toBe(2);
  });

  it('reads at most maxChars without splitting a surrogate pair', () => {
    const indices = indexSet(new FeatureExtractor(config({ maxChars: 100 })).extract('a'.repeat(99) + '😀 tail', 'web'));

    expect(indices.has(bucket(FEATURE_KIND.word, 'tail'))).toBe(false);
    expect(indices.has(bucket(FEATURE_KIND.word, '😀'))).toBe(false);
    expect(indices.has(bucket(FEATURE_KIND.word, 'a'.repeat(99)))).toBe(true);
  });

  it('returns the same vector for the same text', () => {
    const extractor = new FeatureExtractor(config());
    const text = '数据质量 matters: 高质量的训练数据。';

    const first = extractor.extract(text, 'web');
    extractor.extract('something else entirely', 'web');
    const second = extractor.extract(text, 'web');

    expect([...second.indices]).toEqual([...first.indices]);
    expect([...second.values]).toEqual([...first.values]);
  });

  it('grows its buffer for long documents', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ');

    const vector = new FeatureExtractor(config({ wordBigrams: false })).extract(text, 'web');

    expect(vector.indices.length).toBeGreaterThan(4900);
  });
});

describe('lengthBucket', () => {
  it('groups lengths by powers of two', () => {
    expect([0, 1, 2, 3, 4, 7, 8, 1000].map(lengthBucket)).toEqual([0, 1, 2, 2, 3, 3, 4, 10]);
  });
});
