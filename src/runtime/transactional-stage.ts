import type { Logger } from 'pino';
import type { BatchInfo, ConsumedMessage, Subscription, TransactionalProducer } from '../bus/bus.js';
import type { KafkaBus } from '../bus/kafka-bus.js';
import { isFencedError } from '../bus/kafka-bus.js';
import { EngineError, errorMessage } from '../core/errors.js';
import type { Operator } from '../core/operator.js';
import { StateChangelog } from './changelog.js';
import type { StageRunner } from './stage-runner.js';

/** Milliseconds allowed for reading the changelog to its end on start. */
const RESTORE_TIMEOUT_MS = 120_000;

export interface TransactionalStageOptions {
  bus: KafkaBus;
  runner: StageRunner;
  operators: readonly Operator[];
  /**
   * Builds a copy of `operators` whose stateful operators are new, empty instances (the
   * others may be shared). With it, and when every stateful operator's state is keyed by
   * scope, each input partition gets a state of its own that follows the partition from
   * process to process. Without it the process keeps one state for all its partitions.
   */
  forkStateful?: () => Operator[];
  groupId: string;
  inputTopic: string;
  changelogTopic: string;
  /** Stable per process slot: a restarted process with the same id fences its predecessor. */
  transactionalId: string;
  maxBatchSize: number;
  sessionTimeoutMs?: number;
  snapshotIntervalSeconds: number;
  log: Logger;
  /** Called once when this process has been fenced by a newer one and must stop. */
  onFenced: (err: unknown) => void;
}

export interface TransactionalStage {
  subscription: Subscription;
  producer: TransactionalProducer;
}

/** The operators that decide the records of one partition, or of the whole process, with the changelog of their state. */
interface StateSlot {
  operators: readonly Operator[];
  changelog: StateChangelog;
  /** False until the state has been read back from the changelog. */
  restored: boolean;
}

/**
 * Runs a stage with exactly-once delivery on Kafka. Each batch's outputs, the changes it made to
 * the operators' state and the consumed offset are committed in one transaction, and consumers
 * read committed only, so every input record yields its outputs once however often the process
 * dies. The order at start matters: the transactional producer is initialized first, which
 * aborts any transaction a dead predecessor left open, then the state is read back from the
 * changelog, and only then are the operators given records.
 *
 * Where the dedup state is keyed by scope (the default), each input partition has its own
 * state under `<group>/p<partition>` in the changelog. A process reads it back when it gets
 * the partition and drops it at the next rebalance, so the state moves with the partition
 * when processes come and go. Otherwise one state covers all partitions of the process and
 * is keyed by its transactional id, and only a single process should run the stage.
 */
export async function startTransactionalStage(options: TransactionalStageOptions): Promise<TransactionalStage> {
  const { bus, runner, groupId, log } = options;
  const producer = await bus.createTransactionalProducer(options.transactionalId);
  const stateful = options.operators.filter((op) => op.state !== undefined);
  const perPartition = options.forkStateful !== undefined && stateful.length > 0 && stateful.every((op) => op.state!.keyedByScope);
  const newSlot = (operators: readonly Operator[], namespace: string): StateSlot => ({
    operators,
    changelog: new StateChangelog(operators, { groupId: namespace, snapshotIntervalSeconds: options.snapshotIntervalSeconds }, log),
    restored: false,
  });
  // Per partition, slots are made for the partitions the group assigns and dropped when it
  // assigns them again. Otherwise one slot, keyed by the transactional id, serves them all.
  const slots = new Map<number, StateSlot>();
  let assigned: number[] = [];
  const processSlot = perPartition ? null : newSlot(options.operators, options.transactionalId);
  log.info({ groupId, stateKeyedBy: stateful.length === 0 ? 'none' : perPartition ? 'partition' : 'process' }, 'stage state layout');

  /** Reads the changelog once and restores every slot of `pending` from it. */
  const restore = async (pending: StateSlot[]) => {
    for (const slot of pending) if (slot.changelog.empty) slot.restored = true;
    if (pending.every((slot) => slot.restored)) return;
    const messages: ConsumedMessage[] = [];
    await bus.readTopicToEnd(options.changelogTopic, (message) => messages.push(message), RESTORE_TIMEOUT_MS);
    for (const slot of pending) {
      if (slot.restored) continue;
      slot.changelog.restore(messages);
      // Only a complete restore counts: after a failed read the next batch tries again.
      slot.restored = true;
    }
  };
  if (processSlot !== null) await restore([processSlot]);

  /** Returns the restored slot of `partition`, restoring every assigned partition that needs it in one read. */
  const slotFor = async (partition: number): Promise<StateSlot> => {
    if (processSlot !== null) {
      if (!processSlot.restored) await restore([processSlot]);
      return processSlot;
    }
    for (const assignedPartition of new Set([...assigned, partition])) {
      if (!slots.has(assignedPartition)) slots.set(assignedPartition, newSlot(options.forkStateful!(), `${groupId}/p${assignedPartition}`));
    }
    const slot = slots.get(partition)!;
    if (!slot.restored) {
      const pending = [...slots.entries()].filter(([, candidate]) => !candidate.restored);
      await restore(pending.map(([, candidate]) => candidate));
      log.info({ groupId, partitions: pending.map(([restoredPartition]) => restoredPartition) }, 'partition state restored from the changelog');
    }
    return slot;
  };

  let fenced = false;
  // Partitions whose last commit failed. The broker may have applied it all the same, so the
  // next batch of such a partition first fetches the group's committed offset.
  const commitUncertain = new Set<number>();

  const handler = async (batch: ConsumedMessage[], info: BatchInfo): Promise<number> => {
    if (fenced) throw new Error(`stage ${groupId} stopped after being fenced`);
    const first = batch[0]!;
    const slot = await slotFor(first.partition);
    let messages = batch;
    if (commitUncertain.has(first.partition)) {
      const committed = await bus.committedOffset(groupId, first.topic, first.partition);
      commitUncertain.delete(first.partition);
      if (committed !== null) messages = batch.filter((m) => BigInt(m.offset) >= committed);
      if (messages.length < batch.length) {
        log.info({ groupId, partition: first.partition, skipped: batch.length - messages.length }, 'skipping messages a failed-looking commit had committed');
      }
      if (messages.length === 0) return batch.length;
    }
    const last = messages[messages.length - 1]!;
    try {
      const result = await runner.processBatch(messages, info, slot.operators);
      const state = { topic: options.changelogTopic, messages: slot.changelog.batchMessages() };
      const next = BigInt(last.offset) + 1n;
      const end = info.endOffset === undefined ? next : BigInt(info.endOffset);
      await producer
        .sendAtomically([...result.outputs, state], {
          groupId,
          topic: last.topic,
          partition: last.partition,
          offset: (end > next ? end : next).toString(),
        })
        .catch((err: unknown) => {
          if (isFencedError(err)) throw err;
          // kafkajs ends its own retries with a non-retriable error while the broker restarts.
          // The transaction is aborted, so the batch can safely wait and run again.
          throw new EngineError('TIERS_TRANSPORT_FAILED', `committing a batch of ${groupId} failed: ${errorMessage(err)}`, { retriable: true });
        });
      result.published();
    } catch (err) {
      if (isFencedError(err)) {
        fenced = true;
        options.onFenced(err);
        throw err;
      }
      // The operators already took this batch into their memory, but the transaction that
      // records it may not have committed. The batch comes again, so go back to the committed state.
      if (!slot.changelog.empty) {
        log.info({ groupId, partition: last.partition }, 'operator state will be restored from the changelog after the failed batch');
        slot.restored = false;
      }
      commitUncertain.add(last.partition);
      log.warn({ err, groupId, partition: last.partition, offset: last.offset }, 'batch failed; it will be consumed again');
      throw err;
    }
    if (slot.changelog.snapshotDue()) await writeSnapshot(slot);
    return batch.length;
  };

  const writeSnapshot = async (slot: StateSlot) => {
    const plan = await slot.changelog.planSnapshot();
    try {
      for (const transaction of plan.transactions) await producer.sendAtomically([{ topic: options.changelogTopic, messages: transaction }]);
      plan.written();
    } catch (err) {
      if (isFencedError(err)) {
        fenced = true;
        options.onFenced(err);
        return;
      }
      // The state itself is intact; only the changelog's bookkeeping is unknown now, and a
      // restore reads it back from what the topic holds.
      slot.restored = false;
      log.warn({ err, groupId }, 'writing the operator state snapshot failed; it will be retried');
    }
  };

  const subscription = await bus.subscribe({
    groupId,
    topic: options.inputTopic,
    fromBeginning: true,
    maxBatchSize: options.maxBatchSize,
    handler,
    commitOffsets: false,
    commitControlRecords: true,
    // Another process may have changed a partition's state while this one did not own it.
    onAssignment: (partitions) => {
      if (processSlot !== null) return;
      assigned = partitions;
      slots.clear();
    },
    ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
  });
  return { subscription, producer };
}
