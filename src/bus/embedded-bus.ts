import type { Logger } from 'pino';
import type {
  Bus,
  BusMessage,
  BusProducer,
  ConsumedMessage,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from './bus.js';

/** Default bound on messages waiting or in flight per partition and consumer group. */
export const DEFAULT_QUEUE_CAPACITY = 1000;

interface GroupPartition {
  queue: ConsumedMessage[];
  wake: (() => void) | null;
}

interface Group {
  partitions: GroupPartition[];
}

interface Topic {
  name: string;
  nextOffsets: bigint[];
  groups: Map<string, Group>;
  roundRobin: number;
}

/** FNV-1a over the key's UTF-16 code units; any stable hash keeps one key on one partition. */
function partitionFor(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/**
 * In-process topics with bounded queues. A producer waits while any consumer group's queue
 * for the target partition is full, so a slow stage slows its upstream instead of growing
 * memory. Every subscribed group gets every message (fan-out), as Kafka consumer groups do.
 * Offsets are "committed" by dropping a batch from the queue once its handler resolves.
 */
export class EmbeddedBus implements Bus {
  readonly kind = 'embedded' as const;
  private readonly topics = new Map<string, Topic>();
  private readonly spaceWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  /** Messages queued or in flight across every group; zero means the topology has drained. */
  private pending = 0;

  constructor(
    private readonly log: Logger,
    private readonly queueCapacity = DEFAULT_QUEUE_CAPACITY,
  ) {
    if (!Number.isInteger(queueCapacity) || queueCapacity < 1) {
      throw new RangeError(`embedded queue capacity must be a positive integer, got ${queueCapacity}`);
    }
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      if (this.topics.has(spec.name)) continue;
      this.topics.set(spec.name, {
        name: spec.name,
        nextOffsets: Array.from({ length: spec.partitions }, () => 0n),
        groups: new Map(),
        roundRobin: 0,
      });
    }
  }

  async createProducer(): Promise<BusProducer> {
    return {
      send: (topic, messages) => this.send(topic, messages),
      close: async () => {},
    };
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const topic = this.topic(options.topic);
    if (topic.groups.has(options.groupId)) {
      throw new Error(`embedded topic ${options.topic} already has consumer group ${options.groupId}`);
    }
    // NOTE: a group receives only messages sent after it subscribed, because embedded topics
    // keep no history for fromBeginning to replay.
    const group: Group = {
      partitions: topic.nextOffsets.map(() => ({ queue: [], wake: null })),
    };
    topic.groups.set(options.groupId, group);

    let stopped = false;
    const loops = group.partitions.map((partition) => this.consumeLoop(partition, options, () => stopped));
    const done = Promise.all(loops).then(() => undefined);
    // Keep an unobserved crash from becoming an unhandled rejection; callers await `done`.
    done.catch(() => {});
    return {
      done,
      assignedPartitions: () => (stopped ? 0 : group.partitions.length),
      stop: async () => {
        stopped = true;
        for (const partition of group.partitions) partition.wake?.();
        await done.catch(() => {});
      },
    };
  }

  /** Resolves once every sent message has been handled and committed by every group. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.topics.clear();
  }

  private topic(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) throw new Error(`embedded topic ${name} does not exist; create it with ensureTopics first`);
    return topic;
  }

  private async send(topicName: string, messages: BusMessage[]): Promise<void> {
    const topic = this.topic(topicName);
    if (topic.groups.size === 0 && messages.length > 0) {
      throw new Error(`embedded topic ${topicName} has no consumer group, so its messages would be lost`);
    }
    for (const message of messages) {
      const partitionCount = topic.nextOffsets.length;
      const partition =
        message.key === null ? topic.roundRobin++ % partitionCount : partitionFor(message.key, partitionCount);
      while (this.isFull(topic, partition)) {
        await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
      }
      const offset = topic.nextOffsets[partition]!;
      topic.nextOffsets[partition] = offset + 1n;
      const consumed: ConsumedMessage = { ...message, topic: topicName, partition, offset: offset.toString() };
      for (const group of topic.groups.values()) {
        const target = group.partitions[partition]!;
        target.queue.push(consumed);
        this.pending++;
        target.wake?.();
      }
    }
  }

  private isFull(topic: Topic, partition: number): boolean {
    for (const group of topic.groups.values()) {
      if (group.partitions[partition]!.queue.length >= this.queueCapacity) return true;
    }
    return false;
  }

  private async consumeLoop(partition: GroupPartition, options: SubscribeOptions, isStopped: () => boolean) {
    while (!isStopped()) {
      if (partition.queue.length === 0) {
        await new Promise<void>((resolve) => {
          partition.wake = resolve;
        });
        partition.wake = null;
        continue;
      }
      const batch = partition.queue.slice(0, options.maxBatchSize);
      let handled: number;
      try {
        const last = batch[batch.length - 1]!;
        const highWatermark = (BigInt(last.offset) + BigInt(partition.queue.length - batch.length) + 1n).toString();
        const result = await options.handler(batch, { highWatermark });
        handled = typeof result === 'number' ? Math.max(0, Math.min(result, batch.length)) : batch.length;
      } catch (err) {
        this.log.error({ err, topic: options.topic, groupId: options.groupId }, 'embedded consumer stopped on a handler error');
        throw err;
      }
      partition.queue.splice(0, handled);
      this.pending -= handled;
      this.wakeWaiters();
      // A partly handled batch is delivered again; yield first so stop() can take effect.
      if (handled < batch.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private wakeWaiters(): void {
    for (const resolve of this.spaceWaiters.splice(0)) resolve();
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
