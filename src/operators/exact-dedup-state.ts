import type { OperatorState } from '../core/operator.js';
import type { ExactDedupOperator } from './exact-dedup.js';
import { BloomChain, type BloomChainJson } from './minhash-dedup/bloom-chain.js';
import { parseChange } from './shared/change-journal.js';

/** One inserted document: scope, base64url hash key, and its id when tracked. */
export type ExactDedupChange = [scope: string, key: string, id: string | null];

interface ExactDedupSnapshot {
  trackedDocuments: number;
  scopes: Array<{ scope: string; tracksAll: boolean; filters: BloomChainJson; ids: Array<[string, string]> }>;
}

/** The exact-dedup indexes as changelog changes and snapshots. */
export class ExactDedupState implements OperatorState {
  constructor(private readonly operator: ExactDedupOperator) {}

  get keyedByScope(): boolean {
    // With one global index, records of every partition are compared with each other.
    return this.operator.config.scope !== 'global';
  }

  takeChanges(): Buffer | null {
    return this.operator.journal.take();
  }

  applyChanges(changes: Buffer): void {
    for (const entry of parseChange(changes, this.operator.name)) {
      const [scope, key, id] = entry as ExactDedupChange;
      const index = this.operator.scopeIndex(scope);
      index.filters.add(Buffer.from(key, 'base64url'));
      if (id === null) {
        index.tracksAll = false;
      } else {
        index.firstIds.set(key, id);
        this.operator.trackedDocuments++;
      }
    }
  }

  snapshot(): Buffer {
    const snapshot: ExactDedupSnapshot = {
      trackedDocuments: this.operator.trackedDocuments,
      scopes: [...this.operator.indexes].map(([scope, index]) => ({
        scope,
        tracksAll: index.tracksAll,
        filters: index.filters.toJSON(),
        ids: [...index.firstIds],
      })),
    };
    return Buffer.from(JSON.stringify(snapshot));
  }

  restore(snapshot: Buffer): void {
    this.reset();
    const parsed = JSON.parse(snapshot.toString('utf8')) as ExactDedupSnapshot;
    for (const entry of parsed.scopes) {
      this.operator.indexes.set(entry.scope, {
        filters: BloomChain.fromJSON(entry.filters, this.operator.bloomOptions()),
        firstIds: new Map(entry.ids),
        tracksAll: entry.tracksAll,
      });
    }
    this.operator.trackedDocuments = parsed.trackedDocuments;
  }

  reset(): void {
    this.operator.indexes.clear();
    this.operator.trackedDocuments = 0;
    this.operator.journal.clear();
  }
}
