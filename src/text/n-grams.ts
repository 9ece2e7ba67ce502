/**
 * Exact word n-gram identity without building a string per n-gram. Tokens become dense
 * integer ids, each n-gram is looked up by a hash of its ids in an open-addressing table on
 * typed arrays, and a hash match is confirmed by comparing the ids, so hash collisions never
 * merge different n-grams.
 */

import { codePointLength } from './chars.js';

/** Tokens as dense integer ids (equal tokens share an id), with token lengths in code points. */
export interface IndexedTokens {
  ids: Uint32Array;
  lengths: Uint32Array;
}

export function indexTokens(tokens: readonly string[]): IndexedTokens {
  const idByToken = new Map<string, number>();
  // Code-point length per id, so each distinct token is measured once.
  const lengthById: number[] = [];
  const ids = new Uint32Array(tokens.length);
  const lengths = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    let id = idByToken.get(token);
    if (id === undefined) {
      id = lengthById.length;
      idByToken.set(token, id);
      lengthById.push(codePointLength(token));
    }
    ids[i] = id;
    lengths[i] = lengthById[id]!;
  }
  return { ids, lengths };
}

/** Sum of the token lengths of the n-gram at `start`, without separators. */
export function nGramLength(indexed: IndexedTokens, start: number, n: number): number {
  let total = 0;
  for (let k = start; k < start + n; k++) total += indexed.lengths[k]!;
  return total;
}

const FNV_OFFSET = 0x811c9dc5 | 0;

/** Mixes one token id into an FNV-1a hash, with an extra shift so ids that differ in high bits spread. */
function mix(hash: number, id: number): number {
  const next = Math.imul(hash ^ id, 0x01000193);
  return next ^ (next >>> 15);
}

/** Hashes the ids of the n-gram at `start`. The value equals that of NGramHashes at size `n`. */
export function hashNGram(ids: Uint32Array, start: number, n: number): number {
  let hash = FNV_OFFSET;
  for (let k = start; k < start + n; k++) hash = mix(hash, ids[k]!);
  return hash;
}

/**
 * The hash of the n-gram at every start, for one size at a time. Growing the size by one
 * costs one step per position, so the Gopher sizes 2 to 10 cost ten steps per token, where
 * hashing each n-gram from scratch costs 54.
 */
export class NGramHashes {
  readonly values: Int32Array;
  private size = 0;

  constructor(private readonly ids: Uint32Array) {
    this.values = new Int32Array(ids.length).fill(FNV_OFFSET);
  }

  /** The n-gram size the values are for. */
  get n(): number {
    return this.size;
  }

  /** Makes `values[start]` the hash of the n-gram of size `n` at `start`, for every start that has one. */
  extendTo(n: number): void {
    if (n < this.size) {
      this.values.fill(FNV_OFFSET);
      this.size = 0;
    }
    const { ids, values } = this;
    for (; this.size < n; this.size++) {
      const last = ids.length - this.size - 1;
      for (let start = 0; start <= last; start++) values[start] = mix(values[start]!, ids[start + this.size]!);
    }
  }
}

/**
 * Numbers the distinct n-grams of one size in order of first occurrence. Slot numbers are
 * dense, so callers can keep per-n-gram counts in arrays.
 */
export class NGramSlots {
  private readonly hashes: NGramHashes;
  /** Open-addressing table: slot + 1 per cell, 0 when empty. At most half full. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly slotHash: Int32Array;
  private readonly starts: Int32Array;
  private count = 0;

  /** `hashes`, when given, must hold this size already (see NGramHashes.extendTo). */
  constructor(
    private readonly ids: Uint32Array,
    private readonly n: number,
    hashes?: NGramHashes,
  ) {
    if (hashes === undefined) {
      hashes = new NGramHashes(ids);
      hashes.extendTo(n);
    } else if (hashes.n !== n) {
      throw new Error(`NGramSlots of size ${n} got hashes of size ${hashes.n}; call extendTo(${n}) first`);
    }
    this.hashes = hashes;
    const positions = Math.max(0, ids.length - n + 1);
    let capacity = 16;
    while (capacity < 2 * positions) capacity *= 2;
    this.table = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.slotHash = new Int32Array(positions);
    this.starts = new Int32Array(positions);
  }

  get size(): number {
    return this.count;
  }

  /** Start index of the first occurrence of the n-gram in `slot`. */
  firstStart(slot: number): number {
    return this.starts[slot]!;
  }

  /** Returns the slot of the n-gram at `start`, numbering it when it is new. */
  slotAt(start: number): number {
    const hash = this.hashes.values[start]!;
    const { table, mask } = this;
    for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
      const slot = table[cell]! - 1;
      if (slot < 0) {
        const added = this.count++;
        table[cell] = added + 1;
        this.slotHash[added] = hash;
        this.starts[added] = start;
        return added;
      }
      if (this.slotHash[slot] === hash && this.sameIds(this.starts[slot]!, start)) return slot;
    }
  }

  private sameIds(a: number, b: number): boolean {
    if (a === b) return true;
    const ids = this.ids;
    for (let k = 0; k < this.n; k++) if (ids[a + k] !== ids[b + k]) return false;
    return true;
  }
}
