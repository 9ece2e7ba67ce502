import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { AvroValueCodec, type ValueCodec } from '../codec/registry.js';
import { errorMessage } from '../core/errors.js';
import type { RejectionWindow } from './rejection-window.js';
import type { PartitionOffsets } from './types.js';

export interface StartOffset {
  partition: number;
  offset: number;
}

/** Upper bound on one fetch's wait, so Ctrl-C and `--once` do not wait for a long poll (milliseconds). */
const MAX_FETCH_WAIT_MS = 1000;
/**
 * Session and rebalance timeouts of the reader's group (milliseconds), below the kafkajs
 * defaults of 30 s and 60 s. After a broker outage the rejoin waits for the old member to
 * time out, so shorter timeouts let counting resume sooner. 10 s is above the broker's
 * default group.min.session.timeout.ms of 6 s.
 */
const GROUP_TIMEOUT_MS = 10_000;

/**
 * Reads the rejected topic from given offsets with a throwaway consumer group that never
 * commits, and counts each rejection's operator and rule in a RejectionWindow.
 */
export class RejectionReader {
  readonly groupId: string;
  /** Partition → next offset to count. Guards against counting a record twice after a rebalance. */
  private readonly next = new Map<number, number>();
  private consumer: Consumer | undefined;
  private undecodableCount = 0;
  /** Message of the last crash since the last successful join, to log repeats once. */
  private lastCrash: string | undefined;

  constructor(
    private readonly kafka: Kafka,
    prefix: string,
    readonly topic: string,
    private readonly window: RejectionWindow,
    private readonly log: Logger,
    private readonly codec: ValueCodec = new AvroValueCodec(),
  ) {
    this.groupId = `${prefix}.status.${randomUUID()}`;
  }

  get started(): boolean {
    return this.consumer !== undefined;
  }

  get undecodable(): number {
    return this.undecodableCount;
  }

  /**
   * Starts reading at `startOffsets`, or where counting stopped when the reader ran before.
   * Partitions not listed (added later) are read from their first stored record, since all
   * of their records are newer than the start.
   */
  async start(startOffsets: readonly StartOffset[]): Promise<void> {
    for (const { partition, offset } of startOffsets) {
      if (!this.next.has(partition)) this.next.set(partition, offset);
    }
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: MAX_FETCH_WAIT_MS,
      sessionTimeout: GROUP_TIMEOUT_MS,
      rebalanceTimeout: GROUP_TIMEOUT_MS,
    });

    // A new group has no committed offsets, so each (re)join seeks to where counting stopped.
    // kafkajs emits GROUP_JOIN before its first fetch and applies pending seeks on that fetch.
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (this.lastCrash !== undefined) this.log.info({ groupId: this.groupId }, 'rejected-topic reader rejoined');
      this.lastCrash = undefined;
      for (const partition of event.payload.memberAssignment[this.topic] ?? []) {
        const offset = this.next.get(partition);
        if (offset !== undefined) consumer.seek({ topic: this.topic, partition, offset: String(offset) });
      }
    });
    consumer.on(consumer.events.CRASH, (event) => {
      // kafkajs restarts a crashed consumer every few seconds while the broker is down, so each distinct error is logged once.
      const error = errorMessage(event.payload.error);
      if (error === this.lastCrash) return;
      this.lastCrash = error;
      this.log.warn({ error, groupId: this.groupId, restart: event.payload.restart }, 'rejected-topic reader crashed');
      // kafkajs gives up on errors it does not retry, so mark the reader stopped and let the next poll start it again.
      if (!event.payload.restart && this.consumer === consumer) {
        this.consumer = undefined;
        consumer.disconnect().catch(() => {});
      }
    });

    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            if (offset < (this.next.get(batch.partition) ?? 0)) continue;
            // The Kafka timestamp is the producer's clock, or the broker's on LogAppendTime topics.
            await this.count(message.value, Number(message.timestamp), batch.partition, offset);
            this.next.set(batch.partition, offset + 1);
          }
        },
      });
    } catch (err) {
      await consumer.disconnect().catch(() => {});
      throw err;
    }
    this.consumer = consumer;
  }

  /** True when every record below the given high watermarks has been counted. */
  caughtUpWith(targets: readonly PartitionOffsets[]): boolean {
    return targets.every((p) => (this.next.get(p.partition) ?? p.low) >= p.high);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async count(value: Buffer | null, time: number, partition: number, offset: number): Promise<void> {
    try {
      const rejected = await this.codec.decodeRejected(value ?? Buffer.alloc(0));
      this.window.add(rejected.operator, rejected.rule, time);
    } catch (err) {
      // Log the first few so a wrong topic or schema shows up, then only count.
      this.undecodableCount++;
      if (this.undecodableCount <= 3) {
        this.log.warn({ topic: this.topic, partition, offset, error: errorMessage(err) }, 'rejected-topic value did not decode; counting it as undecodable');
      }
    }
  }
}
