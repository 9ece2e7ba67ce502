import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import type { Logger } from 'pino';
import type { BusMessage, ConsumedMessage } from '../bus/bus.js';
import { EngineError } from '../core/errors.js';
import type { Operator, OperatorState } from '../core/operator.js';

/** Suffix of the compacted topic that contains operator state: `<prefix>.changelog`. */
export const CHANGELOG_SUFFIX = 'changelog';
export const CHANGELOG_TOPIC_CONFIG = { 'cleanup.policy': 'compact' } as const;

/**
 * Bytes of one snapshot part, and of the parts sent in one transaction. Kafka limits a record
 * batch, and kafkajs sends all of a transaction's messages for one partition as one batch,
 * so this stays well under the 8 MiB `max.message.bytes` of the engine's topics.
 */
export const SNAPSHOT_PART_BYTES = 1024 * 1024;
const gzipAsync = promisify(gzip);
/**
 * zlib level 1: a near-duplicate snapshot of 50 MB of JSON took seconds at the default level 6,
 * and most of its bytes are Bloom filter bits that no level compresses much.
 */
const SNAPSHOT_GZIP_LEVEL = 1;
const PARTS_PER_TRANSACTION = 4;

/** A snapshot ready to write: transactions to commit in order, then `written` on success. */
export interface SnapshotPlan {
  transactions: BusMessage[][];
  written(): void;
}

export interface ChangelogOptions {
  /**
   * Namespace of the keys, so stages and processes can share one topic: the stage's
   * transactional id, which is its consumer group plus the process's instance id.
   */
  groupId: string;
  /** Seconds between snapshots. Between them each batch writes only what it changed. */
  snapshotIntervalSeconds: number;
}

interface OperatorLog {
  name: string;
  state: OperatorState;
  /** Sequence number of the last change written or restored; 0 before the first. */
  seq: number;
  /** Sequence numbers of change messages that no snapshot covers yet. */
  liveChanges: number[];
  /** Sequence number and part count of the latest snapshot on the topic, if any. */
  snapshot: SnapshotHeader | null;
}

interface SnapshotHeader {
  seq: number;
  parts: number;
}

/**
 * Keeps the memory of a stage's stateful operators (dedup indexes) in a compacted changelog
 * topic, written inside the same Kafka transaction as the stage's outputs and consumed offsets.
 * After a crash the restored state therefore reflects exactly the input the committed offsets
 * cover: no more, no less.
 *
 * Keys per operator, below `<group>/<operator>/`:
 * - `change/<seq>`: what one batch added, written in that batch's transaction;
 * - `snapshot/<seq>/<i>`: part i of the gzip-compressed state after change `seq`;
 * - `snapshot`: a JSON header `{seq, parts}` naming the snapshot to restore.
 * A snapshot is written between batches, when the state equals what the committed offsets
 * cover. Its parts go out in transactions of their own, as they can outgrow one record
 * batch; the header follows last, with tombstones for the changes it covers and the
 * previous snapshot's parts, so compaction keeps about one snapshot plus the changes since.
 * A crash half-way leaves the old header in force and the new parts as orphans, which the
 * next batch after a restore tombstones.
 */
export class StateChangelog {
  private readonly operators: OperatorLog[];
  private lastSnapshotAt = Date.now();
  /**
   * Keys to delete with the next batch, found by `restore`: parts of snapshots whose header
   * never committed, and changes an older snapshot already covers. Only a restore, which reads
   * what the topic really holds, finds them: after a failed commit the process cannot tell
   * whether the broker applied it.
   */
  private orphans: string[] = [];

  constructor(
    operators: readonly Operator[],
    private readonly options: ChangelogOptions,
    private readonly log: Logger,
  ) {
    this.operators = operators
      .filter((op): op is Operator & { state: OperatorState } => op.state !== undefined)
      .map((op) => ({ name: op.name, state: op.state, seq: 0, liveChanges: [], snapshot: null }));
  }

  /** True when no operator of the stage keeps state. */
  get empty(): boolean {
    return this.operators.length === 0;
  }

  /** Messages that record what the batch just processed changed, for the batch's transaction. */
  batchMessages(): BusMessage[] {
    const messages: BusMessage[] = this.orphans.map((key) => ({ key, value: Buffer.alloc(0), tombstone: true }));
    this.orphans = [];
    for (const op of this.operators) {
      const changes = op.state.takeChanges();
      if (changes === null) continue;
      op.seq++;
      op.liveChanges.push(op.seq);
      messages.push({ key: this.key(op, `change/${op.seq}`), value: changes });
    }
    return messages;
  }

  /** True when `snapshotIntervalSeconds` have passed and some operator has changes no snapshot covers. */
  snapshotDue(now = Date.now()): boolean {
    if (now - this.lastSnapshotAt < this.options.snapshotIntervalSeconds * 1000) return false;
    if (this.operators.some((op) => op.liveChanges.length > 0)) return true;
    this.lastSnapshotAt = now;
    return false;
  }

  /** Encodes every operator with uncovered changes. Call between batches only. */
  async planSnapshot(now = Date.now()): Promise<SnapshotPlan> {
    const parts: BusMessage[] = [];
    const finals: BusMessage[] = [];
    const updates: Array<() => void> = [];
    for (const op of this.operators) {
      if (op.liveChanges.length === 0) continue;
      const started = Date.now();
      // Compressed on the thread pool, so /metrics and heartbeats are served meanwhile.
      const bytes = await gzipAsync(op.state.snapshot(), { level: SNAPSHOT_GZIP_LEVEL });
      const header: SnapshotHeader = { seq: op.seq, parts: Math.max(1, Math.ceil(bytes.length / SNAPSHOT_PART_BYTES)) };
      for (let i = 0; i < header.parts; i++) {
        const part = bytes.subarray(i * SNAPSHOT_PART_BYTES, (i + 1) * SNAPSHOT_PART_BYTES);
        parts.push({ key: this.key(op, `snapshot/${header.seq}/${i}`), value: part });
      }
      finals.push({ key: this.key(op, 'snapshot'), value: Buffer.from(JSON.stringify(header)) });
      for (const seq of op.liveChanges) finals.push(this.tombstone(op, `change/${seq}`));
      const previous = op.snapshot;
      if (previous !== null) for (let i = 0; i < previous.parts; i++) finals.push(this.tombstone(op, `snapshot/${previous.seq}/${i}`));
      const covered = op.liveChanges.length;
      updates.push(() => {
        op.liveChanges = op.liveChanges.filter((seq) => seq > header.seq);
        op.snapshot = header;
        this.log.info(
          { operator: op.name, seq: header.seq, bytes: bytes.length, parts: header.parts, changesCovered: covered, ms: Date.now() - started },
          'operator state snapshot written',
        );
      });
    }
    const transactions: BusMessage[][] = [];
    for (let i = 0; i < parts.length; i += PARTS_PER_TRANSACTION) transactions.push(parts.slice(i, i + PARTS_PER_TRANSACTION));
    transactions.push(finals);
    return {
      transactions,
      written: () => {
        for (const update of updates) update();
        this.lastSnapshotAt = now;
      },
    };
  }

  /**
   * Rebuilds every operator's state from the changelog's messages in offset order: the latest
   * snapshot, then the changes after it. Operators with nothing on the topic start empty.
   */
  restore(messages: Iterable<ConsumedMessage>): void {
    this.orphans = [];
    const latest = new Map<string, Buffer>();
    for (const message of messages) {
      if (message.key === null) continue;
      // The engine never writes an empty value, so an empty one is a tombstone.
      if (message.value.length === 0) latest.delete(message.key);
      else latest.set(message.key, message.value);
    }
    for (const op of this.operators) this.restoreOperator(op, latest);
    this.lastSnapshotAt = Date.now();
  }

  private restoreOperator(op: OperatorLog, latest: Map<string, Buffer>): void {
    const started = Date.now();
    op.state.reset();
    const header = this.readHeader(op, latest);
    if (header !== null) {
      const parts: Buffer[] = [];
      for (let i = 0; i < header.parts; i++) {
        const part = latest.get(this.key(op, `snapshot/${header.seq}/${i}`));
        if (part === undefined) throw this.corrupt(op, `snapshot part ${i} of ${header.parts} is missing`);
        parts.push(part);
      }
      op.state.restore(gunzipSync(Buffer.concat(parts)));
    }
    const after = header?.seq ?? 0;
    const changePrefix = this.key(op, 'change/');
    const partPrefix = this.key(op, 'snapshot/');
    const changes: Array<{ seq: number; value: Buffer }> = [];
    for (const [key, value] of latest) {
      if (key.startsWith(changePrefix)) {
        const seq = Number(key.slice(changePrefix.length));
        if (seq > after) changes.push({ seq, value });
        else this.orphans.push(key);
      } else if (key.startsWith(partPrefix) && !key.startsWith(`${partPrefix}${after}/`)) {
        this.orphans.push(key);
      }
    }
    changes.sort((a, b) => a.seq - b.seq);
    for (const change of changes) op.state.applyChanges(change.value);
    op.seq = Math.max(after, changes.at(-1)?.seq ?? 0);
    op.liveChanges = changes.map((change) => change.seq);
    op.snapshot = header;
    this.log.info(
      { operator: op.name, snapshotSeq: header?.seq ?? null, changesApplied: changes.length, seq: op.seq, ms: Date.now() - started },
      'operator state restored from the changelog',
    );
  }

  private readHeader(op: OperatorLog, latest: Map<string, Buffer>): SnapshotHeader | null {
    const raw = latest.get(this.key(op, 'snapshot'));
    if (raw === undefined) return null;
    const header = JSON.parse(raw.toString('utf8')) as Partial<SnapshotHeader>;
    if (!Number.isInteger(header.seq) || !Number.isInteger(header.parts) || header.parts! < 1) {
      throw this.corrupt(op, `snapshot header ${raw.toString('utf8').slice(0, 100)} is not {seq, parts}`);
    }
    return header as SnapshotHeader;
  }

  private corrupt(op: OperatorLog, detail: string): EngineError {
    return new EngineError(
      'TIERS_STATE_CORRUPT',
      `cannot restore the state of ${op.name} for group ${this.options.groupId}: ${detail}. ` +
        'Delete the changelog keys of this group (or use a new topic prefix) to start with empty state.',
    );
  }

  private key(op: OperatorLog, suffix: string): string {
    return `${this.options.groupId}/${op.name}/${suffix}`;
  }

  private tombstone(op: OperatorLog, suffix: string): BusMessage {
    return { key: this.key(op, suffix), value: Buffer.alloc(0), tombstone: true };
  }
}
