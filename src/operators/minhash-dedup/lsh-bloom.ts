import { BloomChain, type BloomChainJson, type BloomChainOptions } from './bloom-chain.js';

/**
 * LSHBloom (Khan et al., 2024, arXiv:2411.04257): instead of an LSH table of band key → documents, each band
 * keeps only a Bloom filter of the band keys seen, so memory per document is a few dozen bits
 * per band. A document whose key is already in any band's filter is a near-duplicate candidate.
 */

export interface LshBloomIndexOptions {
  bands: number;
  /** Documents the first filter of each band is sized for; larger filters are chained on past it. */
  expectedDocuments: number;
  /** Chance that a document matching no earlier one is still flagged, summed over all bands. */
  falsePositiveRate: number;
}

/** The serialized form of an LshBloomIndex: band filters, and per tracked document its key per band. */
export interface LshBloomIndexJson {
  tracksAll: boolean;
  chains: BloomChainJson[];
  documents: Array<[string, Array<number | null>]>;
}

export interface BandMatch {
  /** Bands whose key was seen before. */
  matchedBands: number;
  /** Id of the first document that inserted a matching key, when tracked. */
  firstMatchId: string | null;
}

/**
 * The band index of one dedup scope. Next to each band's Bloom filters it keeps a map of
 * band key → id of the document that inserted it, for documents the caller chooses to track.
 * While every inserted document is tracked, the maps alone decide membership, so there are no
 * Bloom false positives. After the first untracked insert the filters decide.
 */
export class LshBloomIndex {
  private chains: BloomChain[] = [];
  private readonly chainOptions: BloomChainOptions;
  /** Keys are the top 53 bits of each 64-bit band key, so they fit a JavaScript number. */
  private readonly firstIds: Map<number, string>[] = [];
  private tracksAll = true;
  private readonly keyBuffer = Buffer.alloc(8);

  constructor(options: LshBloomIndexOptions) {
    this.chainOptions = { expectedItems: options.expectedDocuments, falsePositiveRate: options.falsePositiveRate / options.bands };
    for (let b = 0; b < options.bands; b++) {
      this.chains.push(new BloomChain(this.chainOptions));
      this.firstIds.push(new Map());
    }
  }

  /** Memory of all band filters, in bytes. */
  get filterBytes(): number {
    let bytes = 0;
    for (const chain of this.chains) bytes += chain.bytes;
    return bytes;
  }

  get filterCount(): number {
    let count = 0;
    for (const chain of this.chains) count += chain.filterCount;
    return count;
  }

  /** Counts the bands of `keys` (two int32 halves per band, as `MinHasher.bandKeys` writes them) seen before. */
  query(keys: Int32Array): BandMatch {
    let matchedBands = 0;
    let firstMatchId: string | null = null;
    for (let b = 0; b < this.chains.length; b++) {
      const id = this.firstIds[b]!.get(mapKey(keys, b));
      if (id !== undefined) {
        matchedBands++;
        firstMatchId ??= id;
      } else if (!this.tracksAll && this.chains[b]!.has(this.writeKey(keys, b))) {
        matchedBands++;
      }
    }
    return { matchedBands, firstMatchId };
  }

  /** Adds every band key of a document; `id` null leaves the document untracked. */
  insert(keys: Int32Array, id: string | null): void {
    if (id === null) this.tracksAll = false;
    for (let b = 0; b < this.chains.length; b++) {
      this.chains[b]!.add(this.writeKey(keys, b));
      if (id !== null) this.firstIds[b]!.set(mapKey(keys, b), id);
    }
  }

  /**
   * Returns a JSON-encodable copy for snapshots. Tracked ids are grouped by document, because a
   * document's id is stored once per band and an id-per-band list would repeat it.
   */
  toJSON(): LshBloomIndexJson {
    const bands = this.chains.length;
    const documents = new Map<string, Array<number | null>>();
    this.firstIds.forEach((ids, band) => {
      for (const [key, id] of ids) {
        let keys = documents.get(id);
        if (keys === undefined) documents.set(id, (keys = new Array<number | null>(bands).fill(null)));
        keys[band] = key;
      }
    });
    return { tracksAll: this.tracksAll, chains: this.chains.map((chain) => chain.toJSON()), documents: [...documents] };
  }

  /** Replaces this index's content with a copy written by `toJSON` for the same bands. */
  loadJSON(json: LshBloomIndexJson): void {
    if (json.chains.length !== this.chains.length) {
      throw new Error(`snapshot has ${json.chains.length} bands but the operator is configured with ${this.chains.length}`);
    }
    this.chains = json.chains.map((chain) => BloomChain.fromJSON(chain, this.chainOptions));
    this.tracksAll = json.tracksAll;
    for (const ids of this.firstIds) ids.clear();
    for (const [id, keys] of json.documents) {
      keys.forEach((key, band) => {
        if (key !== null) this.firstIds[band]!.set(key, id);
      });
    }
  }

  private writeKey(keys: Int32Array, band: number): Buffer {
    this.keyBuffer.writeInt32LE(keys[2 * band]!, 0);
    this.keyBuffer.writeInt32LE(keys[2 * band + 1]!, 4);
    return this.keyBuffer;
  }
}

function mapKey(keys: Int32Array, band: number): number {
  return (keys[2 * band]! >>> 11) * 0x100000000 + (keys[2 * band + 1]! >>> 0);
}
