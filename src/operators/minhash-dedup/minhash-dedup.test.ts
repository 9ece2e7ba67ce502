import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import type { Outcome } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import { makeRecord } from '../../core/testing.js';
import { NormalizeOperator } from '../normalize.js';
import { parseMinHashDedupConfig } from './config.js';
import { bandMatchProbability, MinHasher } from './minhash.js';
import { createMinHashDedup, MinHashDedupOperator } from './minhash-dedup.js';
import { Shingler } from './shingles.js';

const ctx = { log: pino({ level: 'silent' }) };
const DATA = '/work/shared/data';
const DEMO_DEDUP = `${DATA}/labelled/dedup/demo-dataset-deduplication.jsonl`;
const FUZZY_LICENCES = `${DATA}/labelled/dedup/cs336-fixtures/documents_with_fuzzy_duplicates`;

function jsonlTexts(path: string): string[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => word.length > 0);
}

function run(operator: MinHashDedupOperator, record: TierRecord): Outcome {
  const outcomes = operator.process(record, ctx);
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function inDataset(text: string, id: string, dataset: string): TierRecord {
  return makeRecord(text, { id, source: { uri: null, dataset, dump: null, fetchTime: null, license: null } });
}

/** Exact Jaccard similarity of the shingle sets of two texts, with the operator's default shingling. */
function exactJaccard(a: string, b: string): number {
  const shingler = new Shingler({ shingle: 'auto', wordShingleSize: 5, charShingleSize: 5 });
  const resultA = shingler.extract(a);
  const setA = new Set(resultA.hashes.subarray(0, resultA.shingles));
  const resultB = shingler.extract(b);
  const setB = new Set(resultB.hashes.subarray(0, resultB.shingles));
  let shared = 0;
  for (const hash of setA) if (setB.has(hash)) shared++;
  return shared / (setA.size + setB.size - shared);
}

/**
 * Reference LSH without Bloom filters: returns the 1-based positions a first-wins pass would
 * reject, by comparing band keys exactly in a set.
 */
function referenceRejections(texts: string[], seed: number): number[] {
  const shingler = new Shingler({ shingle: 'auto', wordShingleSize: 5, charShingleSize: 5 });
  const hasher = new MinHasher({ bands: 14, rows: 8, seed });
  const signature = new Int32Array(112);
  const keys = new Int32Array(28);
  const seen = new Set<string>();
  const rejected: number[] = [];
  texts.forEach((text, i) => {
    const result = shingler.extract(text);
    if (result.shingles === 0) return;
    hasher.signature(result.hashes, result.shingles, signature);
    hasher.bandKeys(signature, keys);
    const bandKeys = Array.from({ length: 14 }, (_, b) => `${b}:${keys[2 * b]}:${keys[2 * b + 1]}`);
    if (bandKeys.some((bandKey) => seen.has(bandKey))) {
      rejected.push(i + 1);
      return;
    }
    for (const bandKey of bandKeys) seen.add(bandKey);
  });
  return rejected;
}

describe('MinHashDedupOperator', () => {
  const base = words(jsonlTexts(`${DATA}/web_en/c4_demo.jsonl`)[1]!).slice(0, 300);

  it('rejects a near duplicate with a few words changed', () => {
    const edited = [...base];
    for (const position of [30, 100, 170, 240]) edited[position] = 'changed';
    const original = base.join(' ');
    const copy = edited.join(' ');
    const similarity = exactJaccard(original, copy);
    const operator = new MinHashDedupOperator();

    expect(similarity).toBeGreaterThan(0.8);
    expect(similarity).toBeLessThan(0.95);
    expect(run(operator, makeRecord(original, { id: 'first' })).kind).toBe('promote');
    const outcome = run(operator, makeRecord(copy, { id: 'copy' }));
    expect(outcome).toMatchObject({ kind: 'reject', rule: 'duplicate', duplicateOf: 'first' });
    expect(outcome).toMatchObject({
      reason: expect.stringMatching(/^near duplicate of first: \d+ of 14 MinHash LSH bands match earlier records in scope 'test'$/),
    });
  });

  it('keeps a document at Jaccard 0.3', () => {
    const other = words(jsonlTexts(`${DATA}/web_en/c4_demo.jsonl`)[3]!);
    const original = base.join(' ');
    const mixed = [...base.slice(0, 140), ...other.slice(0, 160)].join(' ');
    const similarity = exactJaccard(original, mixed);
    const operator = new MinHashDedupOperator();

    expect(similarity).toBeGreaterThan(0.25);
    expect(similarity).toBeLessThan(0.35);
    expect(run(operator, makeRecord(original)).kind).toBe('promote');
    expect(run(operator, makeRecord(mixed)).kind).toBe('promote');
  });

  it('keeps distinct short texts', () => {
    const texts = ['hello world', 'good morning', 'yes', 'no', 'ok', 'thanks a lot', 'see you soon', 'hello', 'world'];
    const operator = new MinHashDedupOperator();
    const kinds = texts.map((text) => run(operator, makeRecord(text)).kind);

    expect(kinds.every((kind) => kind === 'promote')).toBe(true);
    expect(run(operator, makeRecord('Hello, World!'))).toMatchObject({ kind: 'reject', rule: 'duplicate' });
  });

  it('promotes texts without words unmatched', () => {
    const operator = new MinHashDedupOperator();
    for (const text of ['', '', '!!!', '!!!', '😀😀', '— … —']) {
      const record = makeRecord(text);

      expect(run(operator, record).kind).toBe('promote');
      expect(record.signals.minhash_shingles).toBe(0);
    }
  });

  it('records the shingle count', () => {
    const record = makeRecord('one two three four five six seven');
    run(new MinHashDedupOperator(), record);

    expect(record.signals.minhash_shingles).toBe(3);
  });

  it('keeps copies in different datasets with dataset scope', () => {
    const text = base.join(' ');
    const operator = new MinHashDedupOperator();

    expect(run(operator, inDataset(text, 'a', 'one')).kind).toBe('promote');
    expect(run(operator, inDataset(text, 'b', 'two')).kind).toBe('promote');
    expect(run(operator, inDataset(text, 'c', 'two'))).toMatchObject({ kind: 'reject', duplicateOf: 'b' });
  });

  it('rejects copies across datasets with global scope', () => {
    const text = base.join(' ');
    const operator = createMinHashDedup({ scope: 'global' });

    expect(run(operator, inDataset(text, 'a', 'one')).kind).toBe('promote');
    const outcome = run(operator, inDataset(text, 'b', 'two'));
    expect(outcome).toMatchObject({ kind: 'reject', duplicateOf: 'a' });
    expect(outcome).toMatchObject({ reason: expect.stringContaining("in scope 'global'") });
  });

  it('finds a Chinese near duplicate and keeps different Chinese texts', () => {
    const chinese = jsonlTexts(`${DATA}/labelled/quality/clean.jsonl`);
    const original = chinese[0]!.slice(0, 400);
    const chars = [...original];
    for (const position of [60, 200, 340]) chars[position] = '某';
    const copy = chars.join('');
    const operator = new MinHashDedupOperator();
    const record = makeRecord(original, { id: 'zh-1' });

    expect(exactJaccard(original, copy)).toBeGreaterThan(0.85);
    expect(run(operator, record).kind).toBe('promote');
    expect(record.signals.minhash_shingles).toBeGreaterThan(300);
    expect(run(operator, makeRecord(copy))).toMatchObject({ kind: 'reject', duplicateOf: 'zh-1' });
    expect(run(operator, makeRecord(chinese[4]!)).kind).toBe('promote');
    expect(run(operator, makeRecord(chinese[6]!)).kind).toBe('promote');
  });

  it('rejects untracked near duplicates through the Bloom filters', () => {
    const text = base.join(' ');
    const operator = createMinHashDedup({ maxTrackedIds: 0 });

    expect(run(operator, makeRecord(text)).kind).toBe('promote');
    const outcome = run(operator, makeRecord(text));
    expect(outcome).toMatchObject({ kind: 'reject', rule: 'duplicate', duplicateOf: null, value: 14 });
    expect(outcome).toMatchObject({ reason: expect.stringContaining('not tracked (maxTrackedIds 0)') });
  });

  it('logs Bloom filter growth and the tracking cap', () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const operator = createMinHashDedup({ expectedDocuments: 10, maxTrackedIds: 5 });
    for (let i = 0; i < 60; i++) operator.process(makeRecord(`document ${i} has its own words`), { log });
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);

    expect(messages.filter((msg) => msg.startsWith('stopped tracking record ids'))).toHaveLength(1);
    expect(messages.filter((msg) => msg.startsWith('near-duplicate index outgrew expectedDocuments'))).toHaveLength(2);
  });

  it('lists its rules', () => {
    expect(new MinHashDedupOperator().rules).toEqual(['duplicate']);
  });
});

describe('MinHashDedupOperator on labelled data', () => {
  const demo = jsonlTexts(DEMO_DEDUP);

  function rejectedLines(texts: string[], seed: number): { line: number; duplicateOf: string | null | undefined }[] {
    const operator = createMinHashDedup({ seed });
    return texts
      .map((text, i) => ({ line: i + 1, outcome: run(operator, makeRecord(text, { id: `line-${i + 1}` })) }))
      .filter(({ outcome }) => outcome.kind === 'reject')
      .map(({ line, outcome }) => ({ line, duplicateOf: outcome.kind === 'reject' ? outcome.duplicateOf : undefined }));
  }

  it('finds the demo clusters that 5-gram Jaccard supports', () => {
    const rejected = rejectedLines(demo, 1);

    // 12 copies 7, 9 differs from 8 in one word (Jaccard 0.99), 14 adds "时间：" to 13 (0.99).
    expect(rejected).toContainEqual({ line: 12, duplicateOf: 'line-7' });
    expect(rejected).toContainEqual({ line: 9, duplicateOf: 'line-8' });
    expect(rejected).toContainEqual({ line: 14, duplicateOf: 'line-13' });
    // "Sunday" → "sunday" plus "really" leaves 1 of 8 word 5-grams shared: Jaccard 0.125.
    expect(exactJaccard(demo[0]!, demo[5]!)).toBe(0.125);
    expect(rejected.map(({ line }) => line)).not.toContain(6);
    // The whole outcome equals a reference LSH pass that compares band keys in a plain set.
    expect(rejected.map(({ line }) => line)).toEqual(referenceRejections(demo, 1));
  });

  it('matches truncated copies at the rate the banding predicts', () => {
    // Line 10 is the first half of line 8, so its 761 shingles are a subset of 8's 1470:
    // Jaccard 0.52, not the 0.69 the demo's notes give, and 14 × 8 bands flag it with p ≈ 0.07.
    const similarity = exactJaccard(demo[7]!, demo[9]!);
    const expected = bandMatchProbability(similarity, 14, 8);
    expect(similarity).toBeCloseTo(0.517, 2);

    let matches = 0;
    const seeds = 200;
    for (let seed = 1; seed <= seeds; seed++) {
      const operator = createMinHashDedup({ seed, expectedDocuments: 10 });
      run(operator, makeRecord(demo[7]!));
      if (run(operator, makeRecord(demo[9]!)).kind === 'reject') matches++;
    }

    // Binomial(200, 0.069) has standard deviation 3.6 around 13.8; allow about 3 of them.
    expect(Math.abs(matches - expected * seeds)).toBeLessThan(11);
  });

  it('finds the MIT licence pair after normalize and keeps the BSD licence', () => {
    const normalize = new NormalizeOperator();
    const operator = new MinHashDedupOperator();
    const outcomes = ['rails_mit_license.txt', 'react_mit_license.txt', 'pytorch_license.txt'].map((file) => {
      const record = makeRecord(readFileSync(`${FUZZY_LICENCES}/${file}`, 'utf8'), { id: file });
      const normalized = normalize.process(record)[0]!;
      expect(normalized.kind).toBe('promote');
      return run(operator, normalized.record);
    });

    expect(outcomes[0]!.kind).toBe('promote');
    expect(outcomes[1]).toMatchObject({ kind: 'reject', duplicateOf: 'rails_mit_license.txt' });
    expect(outcomes[2]!.kind).toBe('promote');
  });
});

describe('parseMinHashDedupConfig', () => {
  it('fills in the datatrove defaults', () => {
    expect(parseMinHashDedupConfig({})).toEqual({
      bands: 14,
      rows: 8,
      shingleSize: 5,
      cjkShingleSize: 5,
      shingle: 'auto',
      scope: 'dataset',
      expectedDocuments: 100_000,
      falsePositiveRate: 1e-6,
      maxTrackedIds: 100_000,
      seed: 1,
    });
  });

  it('names the path and value of a bad option', () => {
    expect(() => parseMinHashDedupConfig({ bands: 0 })).toThrow(ConfigError);
    expect(() => parseMinHashDedupConfig({ bands: 0 })).toThrow('minhash-dedup.bands must be a positive integer, got 0');
    expect(() => parseMinHashDedupConfig({ rows: 2.5 })).toThrow('minhash-dedup.rows must be a positive integer, got 2.5');
    expect(() => parseMinHashDedupConfig({ shingle: 'words' })).toThrow(
      `minhash-dedup.shingle must be 'auto', 'word' or 'char', got "words"`,
    );
    expect(() => parseMinHashDedupConfig({ falsePositiveRate: 0.5 })).toThrow(
      'minhash-dedup.falsePositiveRate must be at most 0.01, got 0.5',
    );
    expect(() => parseMinHashDedupConfig({ seed: -1 })).toThrow(
      'minhash-dedup.seed must be an integer from 0 to 4294967295, got -1',
    );
  });

  it('names both fields when bands × rows is too large', () => {
    expect(() => parseMinHashDedupConfig({ bands: 100, rows: 20 })).toThrow(
      'minhash-dedup.bands × rows must be at most 1024, got 100 × 20 = 2000',
    );
  });

  it('rejects unknown options', () => {
    expect(() => parseMinHashDedupConfig({ numBands: 20 })).toThrow("minhash-dedup has unknown option(s) 'numBands'");
  });
});
