/**
 * 32-bit hashing primitives for shingling and MinHash. Everything works on int32 values
 * with Math.imul, so the hot loops stay in small integers and allocate nothing.
 */

/** FNV-1a 32-bit offset basis, the start value of a token hash. */
export const TOKEN_HASH_START = 0x811c9dc5 | 0;

/** Mixes one UTF-16 code unit into a running FNV-1a 32-bit hash. */
export function mixCodeUnit(hash: number, codeUnit: number): number {
  return Math.imul(hash ^ codeUnit, 0x01000193);
}

/**
 * MurmurHash3's 32-bit finalizer. It is a bijection on 32 bits in which every input bit flips
 * each output bit with probability close to 1/2.
 */
export function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Mixes one 32-bit block into a running MurmurHash3 x86_32 state. */
export function murmurMixBlock(hash: number, block: number): number {
  let k = Math.imul(block, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Finishes a MurmurHash3 x86_32 state after `blockCount` blocks. */
export function murmurFinish(hash: number, blockCount: number): number {
  return fmix32(hash ^ (blockCount * 4));
}

/**
 * Hashes `length` int32 values of `values` from `start`, in order, with MurmurHash3 x86_32
 * over their 4-byte blocks. Different seeds give independent hash functions.
 */
export function hashInt32Run(values: ArrayLike<number>, start: number, length: number, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < length; i++) {
    h = murmurMixBlock(h, values[start + i]!);
  }
  return murmurFinish(h, length);
}

/**
 * Fills `out` with pseudo-random int32 values derived from `seed`: a Weyl sequence with the
 * golden-ratio step, each value passed through fmix32, as SplitMix generators do. The same seed
 * gives the same values, which keeps signatures stable across restarts.
 */
export function fillSeeds(out: Int32Array, seed: number): void {
  let state = seed | 0;
  for (let i = 0; i < out.length; i++) {
    state = (state + 0x9e3779b9) | 0;
    out[i] = fmix32(state);
  }
}
