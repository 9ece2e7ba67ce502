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

/**
 * Runs a stage with exactly-once delivery on Kafka. Each batch's outputs, the changes it made to
 * the operators' state and the consumed offset are committed in one transaction, and consumers
 * read committed only, so every input record yields its outputs once however often the process
 * dies. The order at start matters: the transactional producer is initialized first, which
 * aborts any transaction a dead predecessor left open, then the state is read back from the
 * changelog, and only then does the consumer join the group.
 */
export async function startTransactionalStage(options: TransactionalStageOptions): Promise<TransactionalStage> {
  const { bus, runner, groupId, log } = options;
  const producer = await bus.createTransactionalProducer(options.transactionalId);
  // Keyed by the transactional id: each process of a stage keeps its own state.
  const changelog = new StateChangelog(
    options.operators,
    { groupId: options.transactionalId, snapshotIntervalSeconds: options.snapshotIntervalSeconds },
    log,
  );

  const restore = async () => {
    if (changelog.empty) return;
    const messages: ConsumedMessage[] = [];
    await bus.readTopicToEnd(options.changelogTopic, (message) => messages.push(message), RESTORE_TIMEOUT_MS);
    changelog.restore(messages);
  };
  await restore();

  let fenced = false;
  // Set when a batch failed after the operators took it into their memory. The next attempt
  // first goes back to the committed state; if that read fails too, it fails before processing.
  let stateDirty = false;
  // Set when a commit failed. The broker may have applied it all the same, so the next
  // attempt fetches the group's committed offset before processing anything again.
  let commitUncertain = false;

  const handler = async (batch: ConsumedMessage[], info: BatchInfo): Promise<number> => {
    if (fenced) throw new Error(`stage ${groupId} stopped after being fenced`);
    const first = batch[0]!;
    if (stateDirty) {
      log.info({ groupId }, 'restoring operator state from the changelog after a failed batch');
      await restore();
      stateDirty = false;
    }
    let messages = batch;
    if (commitUncertain) {
      const committed = await bus.committedOffset(groupId, first.topic, first.partition);
      commitUncertain = false;
      if (committed !== null) messages = batch.filter((m) => BigInt(m.offset) >= committed);
      if (messages.length < batch.length) {
        log.info({ groupId, partition: first.partition, skipped: batch.length - messages.length }, 'skipping messages a failed-looking commit had committed');
      }
      if (messages.length === 0) return batch.length;
    }
    const last = messages[messages.length - 1]!;
    try {
      const result = await runner.processBatch(messages, info);
      const state = { topic: options.changelogTopic, messages: changelog.batchMessages() };
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
      stateDirty = !changelog.empty;
      commitUncertain = true;
      log.warn({ err, groupId, partition: last.partition, offset: last.offset }, 'batch failed; it will be consumed again');
      throw err;
    }
    if (changelog.snapshotDue()) await writeSnapshot();
    return batch.length;
  };

  const writeSnapshot = async () => {
    const plan = await changelog.planSnapshot();
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
      stateDirty = true;
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
    ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
  });
  return { subscription, producer };
}
