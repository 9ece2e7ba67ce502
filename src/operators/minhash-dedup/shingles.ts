import { isSpacelessCodePoint } from '../../text/script.js';
import { TOKEN_HASH_START, fmix32, mixCodeUnit, murmurFinish, murmurMixBlock } from './hash.js';

/**
 * Shingling for MinHash: text becomes a sequence of token hashes, and each run of n
 * consecutive tokens becomes one 32-bit shingle hash. Tokens are hashed from their code
 * units as they are read, so no substring is cut out per token or shingle.
 */

/** Tokenization of a document: whitespace-separated words, or characters of spaceless scripts. */
export type ShingleMode = 'word' | 'char';

/** Character classes; a table lookup gives the class of any BMP code point. */
const SPACE = 0;
/** Punctuation, symbols and controls: dropped from tokens. */
const SKIP = 1;
/** Letters and combining marks of scripts that separate words with spaces. */
const LETTER = 2;
const NUMBER = 3;
/** Letters of scripts written without spaces (Han, kana, Thai, ...). */
const SPACELESS = 4;

/**
 * Auto mode cuts a document into characters when at least this share of its letters belong
 * to spaceless scripts, so "mostly Chinese" text with some Latin words is cut per character.
 */
export const MIN_SPACELESS_LETTER_RATIO = 0.5;

/** Seed of the positional hash that combines n token hashes into one shingle hash. */
const SHINGLE_SEED = 0x5bd1e995;

let bmpKinds: Uint8Array | undefined;
let bmpLower: Uint16Array | undefined;
const astralKinds = new Map<number, number>();

function classify(char: string, codePoint: number): number {
  if (/\s/u.test(char)) return SPACE;
  const letter = /[\p{L}\p{M}]/u.test(char);
  const number = !letter && /\p{N}/u.test(char);
  if ((letter || number) && isSpacelessCodePoint(codePoint)) return SPACELESS;
  if (letter) return LETTER;
  if (number) return NUMBER;
  return SKIP;
}

/**
 * Builds the class and lower-case tables for the 65,536 BMP code points once per process (192 KiB,
 * about 20 ms on a 2-core AMD EPYC VM), so the token loop needs no regular expression or toLowerCase call.
 */
function buildTables(): void {
  const kinds = new Uint8Array(0x10000);
  const lower = new Uint16Array(0x10000);
  for (let unit = 0; unit < 0x10000; unit++) {
    lower[unit] = unit;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      // Lone surrogates; valid pairs are combined and classified before the table is read.
      kinds[unit] = SKIP;
      continue;
    }
    const char = String.fromCharCode(unit);
    kinds[unit] = classify(char, unit);
    const lowered = char.toLowerCase();
    // A few letters lower-case to two code units (U+0130 becomes "i̇"); they keep their own unit.
    if (lowered.length === 1) lower[unit] = lowered.charCodeAt(0);
  }
  bmpKinds = kinds;
  bmpLower = lower;
}

function astralKind(codePoint: number): number {
  let kind = astralKinds.get(codePoint);
  if (kind === undefined) {
    kind = classify(String.fromCodePoint(codePoint), codePoint);
    // Capped so that text full of rare astral characters cannot grow the cache without bound.
    if (astralKinds.size < 4096) astralKinds.set(codePoint, kind);
  }
  return kind;
}

/**
 * Returns 'char' when at least MIN_SPACELESS_LETTER_RATIO of the letters in `text` belong to
 * spaceless scripts, else 'word'. Text without letters is 'word'.
 */
export function detectShingleMode(text: string): ShingleMode {
  if (bmpKinds === undefined) buildTables();
  const kinds = bmpKinds!;
  let letters = 0;
  let spaceless = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    let kind: number;
    if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      kind = astralKind(toCodePoint(unit, text.charCodeAt(i + 1)));
      i++;
    } else {
      kind = kinds[unit]!;
    }
    if (kind === SPACELESS) {
      spaceless++;
      letters++;
    } else if (kind === LETTER) {
      letters++;
    }
  }
  return letters > 0 && spaceless / letters >= MIN_SPACELESS_LETTER_RATIO ? 'char' : 'word';
}

export interface ShinglerOptions {
  /** 'auto' picks 'char' for text that is mostly in spaceless scripts, else 'word'. */
  shingle: 'auto' | ShingleMode;
  /** Tokens per shingle in word mode. */
  wordShingleSize: number;
  /** Tokens per shingle in char mode. */
  charShingleSize: number;
}

export interface ShingleResult {
  mode: ShingleMode;
  tokens: number;
  /** Number of shingle hashes, repeats included. */
  shingles: number;
  /**
   * The shingle hashes in the first `shingles` entries. The buffer is reused, so it is valid only
   * until the next `extract` call.
   */
  hashes: Int32Array;
}

/**
 * Cuts documents into shingle hashes, reusing one hash buffer across documents.
 *
 * Word mode: tokens are runs of non-whitespace, lower-cased, with punctuation and symbols
 * dropped ("It's" and "its" give the same token). Char mode: each spaceless-script character is a
 * token, and runs of other letters and digits (numbers, Latin names) are tokens too.
 *
 * A document with at least one token but fewer than n yields exactly one shingle made of all
 * its tokens, so distinct short texts keep distinct signatures. A document without tokens
 * yields no shingles.
 */
export class Shingler {
  private hashes = new Int32Array(1024);
  private readonly options: ShinglerOptions;
  private readonly ring: Int32Array;
  private size = 0;
  private tokenCount = 0;
  private shingleCount = 0;

  constructor(options: ShinglerOptions) {
    this.options = options;
    this.ring = new Int32Array(Math.max(options.wordShingleSize, options.charShingleSize));
  }

  extract(text: string): ShingleResult {
    if (bmpKinds === undefined) buildTables();
    const mode = this.options.shingle === 'auto' ? detectShingleMode(text) : this.options.shingle;
    this.size = mode === 'char' ? this.options.charShingleSize : this.options.wordShingleSize;
    this.tokenCount = 0;
    this.shingleCount = 0;

    if (mode === 'char') this.tokenizeChars(text);
    else this.tokenizeWords(text);

    if (this.tokenCount > 0 && this.tokenCount < this.size) {
      this.pushShingle(this.combine(0, this.tokenCount));
    }
    return { mode, tokens: this.tokenCount, shingles: this.shingleCount, hashes: this.hashes };
  }

  private tokenizeWords(text: string): void {
    const kinds = bmpKinds!;
    const lower = bmpLower!;
    let hash = TOKEN_HASH_START;
    let tokenLength = 0;
    for (let i = 0; i < text.length; i++) {
      let unit = text.charCodeAt(i);
      let second = -1;
      let kind: number;
      if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
        second = text.charCodeAt(i + 1);
        kind = astralKind(toCodePoint(unit, second));
        i++;
      } else {
        kind = kinds[unit]!;
        unit = lower[unit]!;
      }

      if (kind === SPACE) {
        if (tokenLength > 0) this.pushToken(fmix32(hash));
        hash = TOKEN_HASH_START;
        tokenLength = 0;
      } else if (kind !== SKIP) {
        hash = mixCodeUnit(hash, unit);
        if (second >= 0) hash = mixCodeUnit(hash, second);
        tokenLength++;
      }
    }
    if (tokenLength > 0) this.pushToken(fmix32(hash));
  }

  private tokenizeChars(text: string): void {
    const kinds = bmpKinds!;
    const lower = bmpLower!;
    let hash = TOKEN_HASH_START;
    let tokenLength = 0;
    for (let i = 0; i < text.length; i++) {
      let unit = text.charCodeAt(i);
      let second = -1;
      let kind: number;
      if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
        second = text.charCodeAt(i + 1);
        kind = astralKind(toCodePoint(unit, second));
        i++;
      } else {
        kind = kinds[unit]!;
        unit = lower[unit]!;
      }

      if (kind === LETTER || kind === NUMBER) {
        hash = mixCodeUnit(hash, unit);
        if (second >= 0) hash = mixCodeUnit(hash, second);
        tokenLength++;
        continue;
      }
      // Anything else ends the pending run of letters or digits.
      if (tokenLength > 0) this.pushToken(fmix32(hash));
      hash = TOKEN_HASH_START;
      tokenLength = 0;
      if (kind === SPACELESS) {
        let charHash = mixCodeUnit(TOKEN_HASH_START, unit);
        if (second >= 0) charHash = mixCodeUnit(charHash, second);
        this.pushToken(fmix32(charHash));
      }
    }
    if (tokenLength > 0) this.pushToken(fmix32(hash));
  }

  private pushToken(tokenHash: number): void {
    const size = this.size;
    this.ring[this.tokenCount % size] = tokenHash;
    this.tokenCount++;
    if (this.tokenCount >= size) {
      this.pushShingle(this.combine(this.tokenCount - size, size));
    }
  }

  /** Hashes `length` ring entries in order, starting at token number `first`. */
  private combine(first: number, length: number): number {
    const ring = this.ring;
    const size = this.size;
    let hash = SHINGLE_SEED;
    for (let j = 0; j < length; j++) {
      hash = murmurMixBlock(hash, ring[(first + j) % size]!);
    }
    return murmurFinish(hash, length);
  }

  private pushShingle(shingleHash: number): void {
    if (this.shingleCount === this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.shingleCount++] = shingleHash;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function toCodePoint(high: number, low: number): number {
  return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
}
