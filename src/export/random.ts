import { createHash } from 'node:crypto';

/**
 * A seeded xoshiro128** generator. The same seed and label give the same sequence on every
 * platform, which is what makes exports byte-identical for a given `--seed`.
 */
export class SeededRandom {
  private readonly state: Uint32Array;

  /** Derives the state from SHA-256 of `seed:label`, so each purpose (shuffle of l1, mixing, ...) has its own stream. */
  constructor(seed: number, label: string) {
    const digest = createHash('sha256').update(`${seed}:${label}`).digest();
    this.state = new Uint32Array([digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12)]);
    // An all-zero state would only ever yield zeros.
    if (this.state.every((word) => word === 0)) this.state[0] = 1;
  }

  /** Returns the next 32-bit unsigned integer. */
  nextUint32(): number {
    const [s0, s1, s2, s3] = this.state as unknown as [number, number, number, number];
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    const n1 = (s1 ^ n2) >>> 0;
    const n0 = (s0 ^ n3) >>> 0;
    this.state[0] = n0;
    this.state[1] = n1;
    this.state[2] = (n2 ^ t) >>> 0;
    this.state[3] = rotl(n3, 11);
    return result;
  }

  /** Returns a float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Returns an integer in [0, bound). */
  nextIndex(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Shuffles an array in place (Fisher-Yates). */
export function shuffleInPlace<T>(items: T[], random: SeededRandom): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.nextIndex(i + 1);
    const swap = items[i]!;
    items[i] = items[j]!;
    items[j] = swap;
  }
}

/**
 * Shuffles a stream through a buffer of `bufferSize` items: once the buffer is full, each new
 * item replaces a randomly chosen buffered one, which is yielded. A stream of at most
 * `bufferSize` items comes out as a uniform random permutation. A longer stream is only mixed
 * locally: an item can move earlier by at most `bufferSize` positions.
 */
export async function* bufferShuffle<T>(items: AsyncIterable<T>, bufferSize: number, random: SeededRandom): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const item of items) {
    if (buffer.length < bufferSize) {
      buffer.push(item);
      continue;
    }
    const j = random.nextIndex(bufferSize);
    const out = buffer[j]!;
    buffer[j] = item;
    yield out;
  }
  shuffleInPlace(buffer, random);
  yield* buffer;
}
