/**
 * Exact word n-gram identity without building a string per n-gram. Tokens become dense
 * integer ids, each n-gram is looked up by a hash of its ids, and a hash match is confirmed
 * by comparing the ids, so hash collisions never merge different n-grams.
 */

import { codePointLength } from './chars.js';

/** Tokens as dense integer ids (equal tokens share an id), with token lengths in code points. */
export interface IndexedTokens {
  ids: Uint32Array;
  lengths: Uint32Array;
}

export function indexTokens(tokens: readonly string[]): IndexedTokens {
  const idByToken = new Map<string, number>();
  const ids = new Uint32Array(tokens.length);
  const lengths = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    let id = idByToken.get(token);
    if (id === undefined) {
      id = idByToken.size;
      idByToken.set(token, id);
    }
    ids[i] = id;
    lengths[i] = codePointLength(token);
  }
  return { ids, lengths };
}

/** Sum of the token lengths of the n-gram at `start`, without separators. */
export function nGramLength(indexed: IndexedTokens, start: number, n: number): number {
  let total = 0;
  for (let k = start; k < start + n; k++) total += indexed.lengths[k]!;
  return total;
}

/** Hashes the ids of the n-gram at `start`: FNV-1a, folded to 30 bits so V8 keeps map keys as small integers. */
export function hashNGram(ids: Uint32Array, start: number, n: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let k = start; k < start + n; k++) {
    hash = Math.imul(hash ^ ids[k]!, 0x01000193);
    hash ^= hash >>> 15;
  }
  return hash & 0x3fffffff;
}

/**
 * Numbers the distinct n-grams of one size in order of first occurrence. Slot numbers are
 * dense, so callers can keep per-n-gram counts in arrays.
 */
export class NGramSlots {
  private readonly slotByHash = new Map<number, number>();
  // Only n-grams whose hash is already taken by a different n-gram land here.
  private readonly slotByKey = new Map<string, number>();
  /** Start index of each slot's first occurrence. */
  readonly firstStart: number[] = [];

  constructor(
    private readonly ids: Uint32Array,
    private readonly n: number,
  ) {}

  get size(): number {
    return this.firstStart.length;
  }

  /** Returns the slot of the n-gram at `start`, numbering it when it is new. */
  slotAt(start: number): number {
    const hash = hashNGram(this.ids, start, this.n);
    const slot = this.slotByHash.get(hash);
    if (slot === undefined) {
      this.slotByHash.set(hash, this.firstStart.length);
      this.firstStart.push(start);
      return this.firstStart.length - 1;
    }
    if (this.sameIds(this.firstStart[slot]!, start)) return slot;

    const key = this.exactKey(start);
    let other = this.slotByKey.get(key);
    if (other === undefined) {
      other = this.firstStart.length;
      this.slotByKey.set(key, other);
      this.firstStart.push(start);
    }
    return other;
  }

  private sameIds(a: number, b: number): boolean {
    for (let k = 0; k < this.n; k++) if (this.ids[a + k] !== this.ids[b + k]) return false;
    return true;
  }

  /** Two UTF-16 code units per id, so the key is exact for any id. */
  private exactKey(start: number): string {
    let key = '';
    for (let k = start; k < start + this.n; k++) {
      const id = this.ids[k]!;
      key += String.fromCharCode(id & 0xffff, id >>> 16);
    }
    return key;
  }
}
