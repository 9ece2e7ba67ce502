/**
 * The one transport interface. Operators never see it; the stage runner, the ingest step
 * and the taps talk to Kafka or to the embedded in-process topics through it alone.
 */

export interface BusMessage {
  /** Partitioning key; messages with the same key keep their order. */
  key: string | null;
  value: Buffer;
}

export interface ConsumedMessage extends BusMessage {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (offsets can exceed 2^53). */
  offset: string;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Extra topic configuration applied when the topic is created, such as `cleanup.policy: compact`. */
  config?: Record<string, string>;
}

export interface BusProducer {
  /** Resolves once the transport has accepted every message (acks from all in-sync replicas on Kafka). */
  send(topic: string, messages: BusMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** Messages for one topic inside a transaction. */
export interface TopicMessages {
  topic: string;
  messages: BusMessage[];
}

/**
 * A producer whose sends are atomic: consumers that read committed (the default of every
 * consumer in this engine) see all messages of one `sendAtomically` call or none of them.
 */
export interface TransactionalProducer {
  /** Publishes the messages in one transaction and commits it; on failure the transaction is aborted. */
  sendAtomically(batches: TopicMessages[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Called with messages of one partition in offset order. The transport commits their offsets
 * only after the returned promise resolves; if it rejects, nothing of the batch is committed.
 * A handler that used only the first N messages returns N: only those are committed, and the
 * rest of the batch is delivered again later.
 */
export type BatchHandler = (messages: ConsumedMessage[], info: BatchInfo) => Promise<number | void>;

export interface BatchInfo {
  /** Offset after the last message in the partition when the batch was fetched, as a decimal string. */
  highWatermark: string;
}

export interface SubscribeOptions {
  groupId: string;
  topic: string;
  fromBeginning: boolean;
  /** Upper bound on messages handed to one handler call. */
  maxBatchSize: number;
  handler: BatchHandler;
  /** When false, offsets are never committed (taps that only read). Default true. */
  commitOffsets?: boolean;
}

export interface Subscription {
  /** Stops fetching, waits for the batch in progress to finish and leaves the group. */
  stop(): Promise<void>;
  /** Resolves when the subscription stops; rejects if it crashed. */
  readonly done: Promise<void>;
  /** Partitions currently assigned to this consumer; 0 while joining or rebalancing. */
  assignedPartitions(): number;
}

export interface Bus {
  readonly kind: 'kafka' | 'embedded';
  /** Creates missing topics with the given partition counts; existing topics are kept. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  createProducer(): Promise<BusProducer>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
