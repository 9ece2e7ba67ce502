import type { Logger } from 'pino';
import type { TierRecord } from './record.js';

/**
 * An operator's decision for one input record. The runtime turns each outcome into
 * output messages, lineage entries and counters, so operators never touch a transport.
 */
export type Outcome =
  /** `edited` marks a promotion whose text the operator changed; its lineage action is then `edit`. */
  | { kind: 'promote'; record: TierRecord; details?: Record<string, string>; edited?: boolean }
  | {
      kind: 'reject';
      record: TierRecord;
      rule: string;
      reason: string;
      value?: number | string | null;
      duplicateOf?: string | null;
      details?: Record<string, string>;
    }
  /** A new record derived from the input (synthesis); the input itself is not promoted by this. */
  | { kind: 'emit'; record: TierRecord; details?: Record<string, string> };

export interface OperatorContext {
  log: Logger;
}

export interface Operator {
  readonly name: string;
  readonly version: string;
  /**
   * Decides one record. The runtime owns `record` and lets the operator change it in place
   * (text, signals) before promoting it. Returns one or more outcomes; a record with no
   * promote or reject outcome counts as rejected by the runtime, so nothing vanishes.
   */
  process(record: TierRecord, ctx: OperatorContext): Outcome[] | Promise<Outcome[]>;
  /** Every rule name this operator can reject with, so counters start at zero. */
  readonly rules: readonly string[];
  /**
   * How many records of a batch the runtime may hand to `process` at once; 1 (the default)
   * keeps strict input order, which stateful operators such as dedup rely on. Operators that
   * wait on a remote model raise it.
   */
  readonly concurrency?: number;
  /** Present on operators that remember earlier records (dedup), so their memory survives restarts. */
  readonly state?: OperatorState;
}

/**
 * The memory of a stateful operator in a form the runtime can write to a changelog topic.
 * Changes and snapshots are opaque bytes; only the operator that wrote them reads them back.
 */
export interface OperatorState {
  /**
   * True when the state splits by dedup scope, the Kafka message key of tier records. Each
   * partition then needs only the state of its own records, so a stage can keep one state
   * per partition and hand it to whichever process owns the partition.
   */
  readonly keyedByScope: boolean;
  /** Encodes what `process` added since the last call and clears it, or returns null when nothing was added. */
  takeChanges(): Buffer | null;
  /** Re-applies changes written by `takeChanges`, in the order they were taken. */
  applyChanges(changes: Buffer): void;
  /** Encodes the whole state. Changes not yet taken are included, so take them first. */
  snapshot(): Buffer;
  /** Replaces the whole state with a snapshot. */
  restore(snapshot: Buffer): void;
  /** Forgets everything, as at start. */
  reset(): void;
}

/** Shorthand for a single promote outcome. */
export function promote(record: TierRecord): Outcome[] {
  return [{ kind: 'promote', record }];
}

/** Shorthand for a single reject outcome. */
export function reject(
  record: TierRecord,
  rule: string,
  reason: string,
  value: number | string | null = null,
  duplicateOf: string | null = null,
): Outcome[] {
  return [{ kind: 'reject', record, rule, reason, value, duplicateOf }];
}
