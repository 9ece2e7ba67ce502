import { describe, expect, it } from 'vitest';
import { hashPair, hashRange, hashString, mix32 } from './hash.js';

describe('hash', () => {
  it('matches FNV-1a with the MurmurHash3 finalizer', () => {
    // Reference values computed independently in Python from the byte sequence: kind byte, then
    // UTF-16LE code units (or little-endian 32-bit words for pairs). Saved models rely on them.
    expect(hashString(1, 'hello')).toBe(1881059596);
    expect(hashString(4, '中国')).toBe(766247528);
    expect(hashPair(2, 1, 2)).toBe(4154374895);
    expect(mix32(0)).toBe(0);
  });

  it('hashes a range like the same substring', () => {
    expect(hashRange(1, 'xxhelloyy', 2, 7)).toBe(hashString(1, 'hello'));
  });

  it('separates kinds and pair order', () => {
    expect(hashString(1, 'ab')).not.toBe(hashString(2, 'ab'));
    expect(hashPair(2, 10, 20)).not.toBe(hashPair(2, 20, 10));
  });

  it('returns unsigned 32-bit integers', () => {
    for (const text of ['', 'a', '中', '😀', 'a longer piece of text']) {
      const hash = hashString(3, text);
      expect(Number.isInteger(hash)).toBe(true);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(hash).toBeLessThan(2 ** 32);
    }
  });
});
