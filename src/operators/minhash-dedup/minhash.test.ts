import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bandMatchProbability, estimateJaccard, MinHasher } from './minhash.js';
import { Shingler } from './shingles.js';

const C4_DEMO = '/work/shared/data/web_en/c4_demo.jsonl';

function c4Words(line: number): string[] {
  const text = (JSON.parse(readFileSync(C4_DEMO, 'utf8').split('\n')[line - 1]!) as { text: string }).text;
  return text.split(/\s+/).filter((word) => word.length > 0);
}

function signatureOf(text: string, hasher: MinHasher): Int32Array {
  const shingler = new Shingler({ shingle: 'word', wordShingleSize: 5, charShingleSize: 5 });
  const result = shingler.extract(text);
  const signature = new Int32Array(hasher.numPermutations);
  hasher.signature(result.hashes, result.shingles, signature);
  return signature;
}

function exactJaccard(a: string, b: string): number {
  const shingler = new Shingler({ shingle: 'word', wordShingleSize: 5, charShingleSize: 5 });
  const resultA = shingler.extract(a);
  const setA = new Set(resultA.hashes.subarray(0, resultA.shingles));
  const resultB = shingler.extract(b);
  const setB = new Set(resultB.hashes.subarray(0, resultB.shingles));
  let shared = 0;
  for (const hash of setA) if (setB.has(hash)) shared++;
  return shared / (setA.size + setB.size - shared);
}

/** Builds two 300-word real texts that share the first `sharedWords` words of c4 line 2 and then differ. */
function pairSharing(sharedWords: number): [string, string] {
  const base = c4Words(2);
  const other = c4Words(4);
  const a = base.slice(0, 300).join(' ');
  const b = [...base.slice(0, sharedWords), ...other.slice(0, 300 - sharedWords)].join(' ');
  return [a, b];
}

describe('MinHasher', () => {
  it('gives equal texts equal signatures', () => {
    const hasher = new MinHasher({ bands: 14, rows: 8, seed: 1 });
    const text = c4Words(2).join(' ');

    expect(signatureOf(text, hasher)).toEqual(signatureOf(text, hasher));
  });

  it('changes every signature with the seed', () => {
    const text = c4Words(2).join(' ');
    const withSeed1 = signatureOf(text, new MinHasher({ bands: 14, rows: 8, seed: 1 }));
    const withSeed2 = signatureOf(text, new MinHasher({ bands: 14, rows: 8, seed: 2 }));

    expect(estimateJaccard(withSeed1, withSeed2)).toBeLessThan(0.05);
  });

  it.each([0.25, 0.5, 0.8])('estimates Jaccard near %s without bias', (target) => {
    // Choose the shared prefix so that the exact Jaccard is close to the target.
    let shared = 0;
    while (exactJaccard(...pairSharing(shared)) < target) shared += 5;
    const [a, b] = pairSharing(shared);
    const exact = exactJaccard(a, b);

    const estimates: number[] = [];
    for (let seed = 1; seed <= 60; seed++) {
      const hasher = new MinHasher({ bands: 14, rows: 8, seed });
      estimates.push(estimateJaccard(signatureOf(a, hasher), signatureOf(b, hasher)));
    }
    const mean = estimates.reduce((sum, value) => sum + value, 0) / estimates.length;
    const variance = estimates.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (estimates.length - 1);
    // Independent permutations make each estimate binomial: standard deviation sqrt(J(1 − J) / 112).
    const expectedDeviation = Math.sqrt((exact * (1 - exact)) / 112);

    expect(Math.abs(mean - exact)).toBeLessThan(4 * (expectedDeviation / Math.sqrt(60)));
    expect(Math.sqrt(variance)).toBeGreaterThan(0.6 * expectedDeviation);
    expect(Math.sqrt(variance)).toBeLessThan(1.5 * expectedDeviation);
  });

  it('changes only the band of a changed row', () => {
    const hasher = new MinHasher({ bands: 4, rows: 3, seed: 7 });
    const signature = Int32Array.from({ length: 12 }, (_, i) => i * 1000);
    const changed = signature.slice();
    changed[4] = 42; // row 1 of band 1
    const keys = new Int32Array(8);
    const changedKeys = new Int32Array(8);
    hasher.bandKeys(signature, keys);
    hasher.bandKeys(changed, changedKeys);

    expect([0, 1, 2, 3].map((band) => keys[2 * band] === changedKeys[2 * band])).toEqual([true, false, true, true]);
    expect([0, 1, 2, 3].map((band) => keys[2 * band + 1] === changedKeys[2 * band + 1])).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });

  it('gives equal rows in different bands different keys', () => {
    const hasher = new MinHasher({ bands: 2, rows: 2, seed: 1 });
    const keys = new Int32Array(4);
    hasher.bandKeys(Int32Array.from([5, 6, 5, 6]), keys);

    expect(keys[0]).not.toBe(keys[2]);
    expect(keys[1]).not.toBe(keys[3]);
  });
});

describe('bandMatchProbability', () => {
  it('matches the values for 14 bands of 8 rows', () => {
    expect(bandMatchProbability(0.3, 14, 8)).toBeCloseTo(0.0009, 4);
    expect(bandMatchProbability(0.69, 14, 8)).toBeCloseTo(0.522, 3);
    expect(bandMatchProbability(0.8, 14, 8)).toBeCloseTo(0.924, 3);
    expect(bandMatchProbability(1, 14, 8)).toBe(1);
  });
});

describe('estimateJaccard', () => {
  it('rejects signatures of different lengths', () => {
    expect(() => estimateJaccard(new Int32Array(2), new Int32Array(3))).toThrow(RangeError);
  });
});
