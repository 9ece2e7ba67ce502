/**
 * The one transport interface. Operators never see it; the stage runner, the ingest step
 * and the taps talk to Kafka or to the embedded in-process topics through it alone.
 */

export interface BusMessage {
  /** Partitioning key; messages with the same key keep their order. */
  key: string | null;
  value: Buffer;
  /**
   * When true the message is sent with a null value, whatever `value` holds: a tombstone, which
   * tells log compaction to drop every earlier message with the same key.
   */
  tombstone?: boolean;
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

/** The consumer position to commit together with a transaction's messages. */
export interface ConsumedPosition {
  groupId: string;
  topic: string;
  partition: number;
  /** Offset of the next message to consume, as a decimal string (the last handled offset + 1). */
  offset: string;
}

/**
 * A producer whose sends are atomic: consumers that read committed (the default of every
 * consumer in this engine) see all messages of one `sendAtomically` call or none of them.
 */
export interface TransactionalProducer {
  /**
   * Publishes the messages in one transaction and commits it; on failure the transaction is
   * aborted. With `consumed`, that consumer group's offset is committed in the same
   * transaction, so the input counts as consumed exactly when the outputs become visible.
   */
  sendAtomically(batches: TopicMessages[], consumed?: ConsumedPosition): Promise<void>;
  /** Aborts the transaction in progress, if any, so a process that must exit leaves none open. */
  abortOpen(): Promise<void>;
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
  /**
   * On the last chunk of a fetch only: the offset after the fetch's last record, transaction
   * markers included. Committing it rather than the last message's offset + 1 keeps a
   * consumer of a transactional topic from ending one offset short, on the marker.
   */
  endOffset?: string;
}

export interface SubscribeOptions {
  groupId: string;
  topic: string;
  fromBeginning: boolean;
  /** Upper bound on messages handed to one handler call. */
  maxBatchSize: number;
  handler: BatchHandler;
  /**
   * When false, the transport never commits offsets itself: taps that only read, and stages
   * that commit them inside their own transactions. Default true.
   */
  commitOffsets?: boolean;
  /**
   * With `commitOffsets: false`, still commit past fetches that held only transaction
   * markers. Such fetches never reach the handler, so a handler that commits in its own
   * transactions would leave the group one offset short of the end of a transactional topic.
   */
  commitControlRecords?: boolean;
  /**
   * Milliseconds without a heartbeat after which the group drops this member and hands its
   * partitions to others. Kafka's default of 30 s applies when unset; the broker accepts 6 s and up.
   */
  sessionTimeoutMs?: number;
  /**
   * Called with this member's partitions of `topic` each time it joins the group: at start,
   * after each rebalance and after a rejoin. Another member may have owned any of them since
   * the previous call.
   */
  onAssignment?: (partitions: number[]) => void;
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
