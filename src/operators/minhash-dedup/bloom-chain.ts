import bloomFilters from 'bloom-filters';
import { fmix32 } from './hash.js';

// bloom-filters 3.0.4 is CommonJS, so Node's ESM loader only exposes its default export.
const { BloomFilter, Hashing } = bloomFilters;
type BloomFilterInstance = InstanceType<typeof BloomFilter>;

/**
 * Index hashing for keys that are already uniform hashes (a SHA-256 prefix, a MinHash band
 * key). By default bloom-filters 3.0.4 hashes every key twice with a pure-JavaScript XXH64,
 * which took about 8 µs per add or lookup (Node 20 on a 2-core AMD EPYC VM). Its README
 * documents replacing `_hashing` with a subclass that overrides `serialize`. This one mixes the
 * key's first 8 bytes with the seed instead, because the key bits are already random.
 */
class PrehashedKeyHashing extends Hashing {
  override serialize(element: string | ArrayBuffer | Buffer, seed?: number): number {
    if (!Buffer.isBuffer(element) || element.length < 8) {
      throw new TypeError('BloomChain keys must be Buffers of at least 8 bytes of hash output');
    }
    const seedMix = fmix32((seed ?? 0) | 0);
    const low = element.readInt32LE(0);
    const high = element.readInt32LE(4);
    return (fmix32(low ^ seedMix) ^ fmix32((high + seedMix) | 0)) >>> 0;
  }
}

const prehashedKeyHashing = new PrehashedKeyHashing();

/**
 * Capacity of each added filter relative to the one before. A factor of 4 reaches 100 million keys
 * from 100,000 in 5 steps, so lookups check few filters.
 */
const GROWTH_FACTOR = 4;

/**
 * Filter i gets the error rate falsePositiveRate × (1 − r) × r^i with r = 1/2. This geometric
 * series sums to less than falsePositiveRate however many filters are added.
 */
const ERROR_TIGHTENING_RATIO = 0.5;

/** The serialized form of a BloomChain. */
export interface BloomChainJson {
  filters: unknown[];
  lastCapacity: number;
  lastItems: number;
  addedItems: number;
}

export interface BloomChainOptions {
  /** Keys the first filter is sized for. */
  expectedItems: number;
  /** Upper bound on the chance that a key never added is reported present, over the whole chain. */
  falsePositiveRate: number;
}

/**
 * A set of hash keys in a growing chain of `BloomFilter`s from bloom-filters: a key may be
 * reported present when it was never added (at most `falsePositiveRate`), but an added key is
 * always found. The first filter is allocated on the first `add`, so an unused chain costs
 * nothing. Once the newest filter is full, a larger one is added.
 *
 * NOTE: one filter needs about 29 bits per key at 1e-6, and a Node Buffer or typed array can be at
 * most 4 GiB. A chain that grows past roughly a billion keys fails to allocate its next filter.
 */
export class BloomChain {
  private readonly options: BloomChainOptions;
  private readonly filters: BloomFilterInstance[] = [];
  private lastCapacity = 0;
  private lastItems = 0;
  private addedItems = 0;

  constructor(options: BloomChainOptions) {
    this.options = options;
  }

  /** Keys added so far, as counted by `add` calls. */
  get items(): number {
    return this.addedItems;
  }

  get filterCount(): number {
    return this.filters.length;
  }

  /** Memory of the bit arrays, in bytes. */
  get bytes(): number {
    let bits = 0;
    for (const filter of this.filters) bits += filter.size;
    return Math.ceil(bits / 8);
  }

  /** True when `key` may have been added; false when it certainly was not. */
  has(key: Buffer): boolean {
    for (const filter of this.filters) {
      if (filter.has(key)) return true;
    }
    return false;
  }

  /** Adds `key`. The caller checks `has` first, so that `items` counts distinct keys. */
  add(key: Buffer): void {
    if (this.filters.length === 0 || this.lastItems >= this.lastCapacity) this.addFilter();
    this.filters[this.filters.length - 1]!.add(key);
    this.lastItems++;
    this.addedItems++;
  }

  /** Returns a JSON-encodable copy of the chain for snapshots, with bit arrays as base64. */
  toJSON(): BloomChainJson {
    return {
      filters: this.filters.map((filter) => filter.saveAsJSON() as unknown),
      lastCapacity: this.lastCapacity,
      lastItems: this.lastItems,
      addedItems: this.addedItems,
    };
  }

  /** Rebuilds a chain written by `toJSON` with the same options. */
  static fromJSON(json: BloomChainJson, options: BloomChainOptions): BloomChain {
    const chain = new BloomChain(options);
    for (const data of json.filters) {
      const filter: BloomFilterInstance = BloomFilter.fromJSON(data as JSON);
      filter._hashing = prehashedKeyHashing;
      chain.filters.push(filter);
    }
    chain.lastCapacity = json.lastCapacity;
    chain.lastItems = json.lastItems;
    chain.addedItems = json.addedItems;
    return chain;
  }

  private addFilter(): void {
    const index = this.filters.length;
    const capacity = this.options.expectedItems * Math.pow(GROWTH_FACTOR, index);
    const errorRate =
      this.options.falsePositiveRate * (1 - ERROR_TIGHTENING_RATIO) * Math.pow(ERROR_TIGHTENING_RATIO, index);
    const filter = BloomFilter.create(capacity, errorRate);
    filter._hashing = prehashedKeyHashing;
    // A different seed per filter keeps the bit positions of one key unrelated across filters.
    filter.seed = filter.seed + index * 0x9e3779b9;
    this.filters.push(filter);
    this.lastCapacity = capacity;
    this.lastItems = 0;
  }
}
