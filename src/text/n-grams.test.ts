import { describe, expect, it } from 'vitest';
import { hashNGram, indexTokens, NGramHashes, nGramLength, NGramSlots } from './n-grams.js';

describe('indexTokens', () => {
  it('assigns shared ids and code-point lengths', () => {
    const indexed = indexTokens(['a', 'bc', 'a', '😀']);

    expect([...indexed.ids]).toEqual([0, 1, 0, 2]);
    expect([...indexed.lengths]).toEqual([1, 2, 1, 1]);
  });
});

describe('nGramLength', () => {
  it('sums token lengths without separators', () => {
    expect(nGramLength(indexTokens(['ab', 'c', 'def']), 0, 3)).toBe(6);
  });
});

describe('NGramHashes', () => {
  it('holds the hash of every n-gram as sizes grow and shrink', () => {
    const ids = Uint32Array.from([5, 1, 5, 1, 7, 0xffffffff, 5, 1]);
    const hashes = new NGramHashes(ids);
    for (const n of [1, 2, 3, 5, 8, 2]) {
      hashes.extendTo(n);
      const expected = Array.from({ length: ids.length - n + 1 }, (_, start) => hashNGram(ids, start, n));
      expect([...hashes.values.subarray(0, ids.length - n + 1)], `size ${n}`).toEqual(expected);
    }
  });

  it('rejects slots of another size', () => {
    const ids = Uint32Array.from([1, 2, 3]);
    const hashes = new NGramHashes(ids);
    hashes.extendTo(2);
    expect(() => new NGramSlots(ids, 3, hashes)).toThrow(/extendTo\(3\)/);
  });
});

describe('NGramSlots', () => {
  it('numbers distinct n-grams in order of first occurrence', () => {
    const indexed = indexTokens('a b a b c'.split(' '));
    const slots = new NGramSlots(indexed.ids, 2);

    expect([0, 1, 2, 3].map((start) => slots.slotAt(start))).toEqual([0, 1, 0, 2]);
    expect([0, 1, 2].map((slot) => slots.firstStart(slot))).toEqual([0, 1, 3]);
    expect(slots.size).toBe(3);
  });

  it('keeps n-grams apart when their hashes collide', () => {
    const [first, second] = findCollidingBigrams();
    const ids = Uint32Array.from([...first, ...second, ...second]);
    const slots = new NGramSlots(ids, 2);

    const firstSlot = slots.slotAt(0);
    const secondSlot = slots.slotAt(2);

    expect(secondSlot).not.toBe(firstSlot);
    expect(slots.slotAt(4)).toBe(secondSlot);
    expect(slots.slotAt(0)).toBe(firstSlot);
  });

  it('numbers many distinct n-grams without merging any', () => {
    const count = 200_000;
    const ids = new Uint32Array(count + 1);
    for (let i = 0; i <= count; i++) ids[i] = i % 1000;
    const slots = new NGramSlots(ids, 2);

    let wrong = 0;
    for (let start = 0; start < 1000; start++) if (slots.slotAt(start) !== start) wrong++;
    for (let start = 1000; start < count; start++) if (slots.slotAt(start) !== start % 1000) wrong++;

    expect(wrong).toBe(0);
    expect(slots.size).toBe(1000);
  });
});

/** Searches pseudo-random bigrams (a fixed sequence) for two with the same hash. */
function findCollidingBigrams(): [number[], number[]] {
  const seen = new Map<number, number[]>();
  const pair = new Uint32Array(2);
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  for (let attempt = 0; attempt < 1_000_000; attempt++) {
    pair[0] = next();
    pair[1] = next();
    const hash = hashNGram(pair, 0, 2);
    const earlier = seen.get(hash);
    if (earlier !== undefined && (earlier[0] !== pair[0] || earlier[1] !== pair[1])) return [earlier, [pair[0]!, pair[1]!]];
    seen.set(hash, [pair[0]!, pair[1]!]);
  }
  throw new Error('no colliding bigrams among 1,000,000 pseudo-random pairs');
}
