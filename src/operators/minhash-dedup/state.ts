import type { OperatorState } from '../../core/operator.js';
import { parseChange } from '../shared/change-journal.js';
import type { LshBloomIndexJson } from './lsh-bloom.js';
import type { MinHashDedupOperator } from './minhash-dedup.js';

/** One inserted document: scope, its band keys (base64 of the Int32Array bytes), and its id when tracked. */
export type MinHashDedupChange = [scope: string, bandKeys: string, id: string | null];

interface MinHashDedupSnapshot {
  trackedDocuments: number;
  scopes: Array<{ scope: string; index: LshBloomIndexJson }>;
}

/** Band keys as written into a change; `keys` is the operator's reused buffer, so this copies it. */
export function encodeBandKeys(keys: Int32Array): string {
  return Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength).toString('base64');
}

function decodeBandKeys(encoded: string, bands: number): Int32Array {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== bands * 8) {
    throw new Error(`invalid minhash-dedup change: it contains ${bytes.length / 8} band keys but the operator is configured with ${bands} bands. Use the same bands as the process that wrote the changelog, or start with a new topic prefix`);
  }
  const keys = new Int32Array(2 * bands);
  for (let i = 0; i < keys.length; i++) keys[i] = bytes.readInt32LE(4 * i);
  return keys;
}

/** The near-duplicate band indexes as changelog changes and snapshots. */
export class MinHashDedupState implements OperatorState {
  constructor(private readonly operator: MinHashDedupOperator) {}

  get keyedByScope(): boolean {
    // With one global index, records of every partition are compared with each other.
    return this.operator.config.scope !== 'global';
  }

  takeChanges(): Buffer | null {
    return this.operator.journal.take();
  }

  applyChanges(changes: Buffer): void {
    const bands = this.operator.config.bands;
    for (const entry of parseChange(changes, this.operator.name)) {
      const [scope, keys, id] = entry as MinHashDedupChange;
      this.operator.scopeIndex(scope).insert(decodeBandKeys(keys, bands), id);
      if (id !== null) this.operator.trackedDocuments++;
    }
  }

  snapshot(): Buffer {
    const snapshot: MinHashDedupSnapshot = {
      trackedDocuments: this.operator.trackedDocuments,
      scopes: [...this.operator.indexes].map(([scope, index]) => ({ scope, index: index.toJSON() })),
    };
    return Buffer.from(JSON.stringify(snapshot));
  }

  restore(snapshot: Buffer): void {
    this.reset();
    const parsed = JSON.parse(snapshot.toString('utf8')) as MinHashDedupSnapshot;
    for (const entry of parsed.scopes) this.operator.scopeIndex(entry.scope).loadJSON(entry.index);
    this.operator.trackedDocuments = parsed.trackedDocuments;
  }

  reset(): void {
    this.operator.indexes.clear();
    this.operator.trackedDocuments = 0;
    this.operator.journal.clear();
  }
}
