import { promote, reject, type Operator, type OperatorContext, type Outcome } from '../../core/operator.js';
import { dedupScope, type TierRecord } from '../../core/record.js';
import { OPERATOR_NAME, parseMinHashDedupConfig, type MinHashDedupConfig } from './config.js';
import { LshBloomIndex } from './lsh-bloom.js';
import { ChangeJournal } from '../shared/change-journal.js';
import { encodeBandKeys, MinHashDedupState, type MinHashDedupChange } from './state.js';
import { MinHasher } from './minhash.js';
import { Shingler } from './shingles.js';

export const MINHASH_DEDUP_RULES = ['duplicate'] as const;

/** Index key of all records when the scope is 'global'. */
const GLOBAL_SCOPE = 'global';

/**
 * Near-duplicate filter: MinHash signatures over word or character shingles, banded for LSH,
 * with the band keys kept in per-band Bloom filters (LSHBloom). The first record of a cluster
 * is promoted, and every later record that shares a band key with an earlier one in its scope
 * is rejected with rule `duplicate`.
 *
 * Records without any word or character (punctuation only, empty) are promoted without
 * a signature. Such records carry no content to compare, and exact-dedup catches identical ones.
 *
 * Signals: `minhash_shingles`, the number of shingles of the record, repeats included.
 */
export class MinHashDedupOperator implements Operator {
  readonly name = OPERATOR_NAME;
  readonly version = '1.0.0';
  readonly rules = MINHASH_DEDUP_RULES;
  readonly config: MinHashDedupConfig;

  private readonly shingler: Shingler;
  private readonly minHasher: MinHasher;
  private readonly signature: Int32Array;
  private readonly bandKeys: Int32Array;
  // All the state there is; `state` writes it to the changelog and restores it after a restart.
  readonly indexes = new Map<string, LshBloomIndex>();
  trackedDocuments = 0;
  private warnedUntracked = false;
  readonly journal = new ChangeJournal<MinHashDedupChange>();
  readonly state: MinHashDedupState = new MinHashDedupState(this);

  constructor(config: MinHashDedupConfig = parseMinHashDedupConfig({})) {
    this.config = config;
    this.shingler = new Shingler({
      shingle: config.shingle,
      wordShingleSize: config.shingleSize,
      charShingleSize: config.cjkShingleSize,
    });
    this.minHasher = new MinHasher({ bands: config.bands, rows: config.rows, seed: config.seed });
    this.signature = new Int32Array(this.minHasher.numPermutations);
    this.bandKeys = new Int32Array(2 * config.bands);
  }

  process(record: TierRecord, ctx: OperatorContext): Outcome[] {
    const shingles = this.shingler.extract(record.text);
    record.signals.minhash_shingles = shingles.shingles;
    if (shingles.shingles === 0) return promote(record);

    this.minHasher.signature(shingles.hashes, shingles.shingles, this.signature);
    this.minHasher.bandKeys(this.signature, this.bandKeys);

    const scope = this.config.scope === 'global' ? GLOBAL_SCOPE : dedupScope(record);
    const index = this.indexFor(scope, ctx);
    const match = index.query(this.bandKeys);
    if (match.matchedBands > 0) {
      const reason = this.duplicateReason(scope, match.matchedBands, match.firstMatchId);
      return reject(record, 'duplicate', reason, match.matchedBands, match.firstMatchId);
    }

    const filtersBefore = index.filterCount;
    const trackedId = this.trackId(record.id, ctx);
    index.insert(this.bandKeys, trackedId);
    this.journal.push([scope, encodeBandKeys(this.bandKeys), trackedId]);
    if (filtersBefore > 0 && index.filterCount > filtersBefore) {
      ctx.log.info(
        { scope, filters: index.filterCount, filterBytes: index.filterBytes },
        'near-duplicate index outgrew expectedDocuments; added larger Bloom filters',
      );
    }
    return promote(record);
  }

  private indexFor(scope: string, ctx: OperatorContext): LshBloomIndex {
    let index = this.indexes.get(scope);
    if (index === undefined) {
      index = this.scopeIndex(scope);
      ctx.log.debug({ scope, scopes: this.indexes.size }, 'created near-duplicate index for new scope');
    }
    return index;
  }

  /** Returns the index of `scope`, creating an empty one when missing. */
  scopeIndex(scope: string): LshBloomIndex {
    let index = this.indexes.get(scope);
    if (index === undefined) {
      index = new LshBloomIndex({
        bands: this.config.bands,
        expectedDocuments: this.config.expectedDocuments,
        falsePositiveRate: this.config.falsePositiveRate,
      });
      this.indexes.set(scope, index);
    }
    return index;
  }

  /** Returns `id` while fewer than maxTrackedIds documents are tracked, else null. */
  private trackId(id: string, ctx: OperatorContext): string | null {
    if (this.trackedDocuments < this.config.maxTrackedIds) {
      this.trackedDocuments++;
      return id;
    }
    if (!this.warnedUntracked) {
      this.warnedUntracked = true;
      ctx.log.warn(
        { maxTrackedIds: this.config.maxTrackedIds },
        'stopped tracking record ids; later near-duplicate rejections may have duplicateOf null',
      );
    }
    return null;
  }

  private duplicateReason(scope: string, matchedBands: number, firstMatchId: string | null): string {
    const bands = `${matchedBands} of ${this.config.bands} MinHash LSH bands match earlier records in scope '${scope}'`;
    if (firstMatchId !== null) return `near duplicate of ${firstMatchId}: ${bands}`;
    return (
      `near duplicate: ${bands}, and the earlier record's id is unknown because it was not tracked ` +
      `(maxTrackedIds ${this.config.maxTrackedIds}) or the match is a Bloom filter false positive`
    );
  }
}

/** Builds the operator from raw options; throws ConfigError naming the bad option. */
export function createMinHashDedup(config: unknown): MinHashDedupOperator {
  return new MinHashDedupOperator(parseMinHashDedupConfig(config));
}
