/**
 * Stable 32-bit hashing of text ranges and hash pairs for the feature buckets. The values are
 * part of every saved model, so changing any constant here needs a new model file format version.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Returns the FNV-1a state after feeding one byte. */
function fnvByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
}

/** Returns the FNV-1a state after feeding a 32-bit value, low byte first. */
function fnvWord(hash: number, word: number): number {
  let h = fnvByte(hash, word & 0xff);
  h = fnvByte(h, (word >>> 8) & 0xff);
  h = fnvByte(h, (word >>> 16) & 0xff);
  return fnvByte(h, word >>> 24);
}

/**
 * MurmurHash3's 32-bit finalizer. FNV-1a alone leaves the low bits poorly mixed for short
 * keys, and those bits pick the bucket.
 */
export function mix32(hash: number): number {
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes the UTF-16 code units `text[start..end)`, each fed as two bytes, low byte first,
 * after a one-byte `kind` tag that keeps words, character n-grams and document features apart.
 * Reads the string in place, so no substring is allocated.
 */
export function hashRange(kind: number, text: string, start: number, end: number): number {
  let h = fnvByte(FNV_OFFSET, kind);
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    h = fnvByte(fnvByte(h, unit & 0xff), unit >>> 8);
  }
  return mix32(h);
}

/** Hashes an ordered pair of hashes under a kind tag, for word bigrams and character bigrams. */
export function hashPair(kind: number, first: number, second: number): number {
  return mix32(fnvWord(fnvWord(fnvByte(FNV_OFFSET, kind), first), second));
}

/** Hashes a whole string under a kind tag. */
export function hashString(kind: number, text: string): number {
  return hashRange(kind, text, 0, text.length);
}
