import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ValueCodec } from '../codec/registry.js';
import { errorMessage } from '../core/errors.js';
import { topicNames, type TopicNames } from '../core/topics.js';
import type { Topology } from '../topologies/index.js';
import { RejectionReader, type StartOffset } from './rejection-reader.js';
import { RejectionWindow } from './rejection-window.js';
import { sampleLlmMetrics } from './llm-metrics.js';
import { takeSample } from './sampler.js';
import { buildSnapshot, topologyOperators, type SnapshotContext } from './snapshot.js';
import type { Sample, StatusSnapshot } from './types.js';

export interface SessionOptions {
  brokers: string[];
  codec: ValueCodec;
  prefix: string;
  topology: Topology;
  windowSeconds: number;
  log: Logger;
  /** /metrics URLs of operator processes to read LLM token counters from. */
  metricsUrls?: string[];
}

/** Poll interval while waiting for the rejected-topic reader to catch up (milliseconds). */
const CATCH_UP_POLL_MS = 100;

/**
 * State of one `tiers status` run: the admin client that samples offsets, and the reader
 * and window that count rejections published since the run started.
 */
export class StatusSession {
  private readonly topics: TopicNames;
  private readonly context: SnapshotContext;
  private readonly operators: string[];
  /** Created at the first poll, whose time starts the window and whose watermarks start the reader. */
  private counting: { window: RejectionWindow; reader: RejectionReader } | undefined;
  /** Offsets of the rejected topic where counting begins, fixed when the topic is first seen. */
  private readerStart: StartOffset[] | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: SessionOptions,
  ) {
    this.topics = topicNames(options.prefix);
    this.context = {
      prefix: options.prefix,
      brokers: options.brokers,
      topology: options.topology,
      topics: this.topics,
      metricsUrls: options.metricsUrls,
    };
    this.operators = topologyOperators(options.topology);
  }

  /** Samples offsets and groups, and starts the rejected-topic reader once that topic exists. */
  async poll(): Promise<Sample> {
    const sample = await takeSample(this.admin, this.options.prefix, this.topics, this.options.topology.stages);
    if (this.options.metricsUrls?.length) sample.llm = await sampleLlmMetrics(this.options.metricsUrls);
    const firstPoll = this.counting === undefined;
    if (!this.counting) {
      const window = new RejectionWindow(this.options.windowSeconds, sample.time);
      this.counting = { window, reader: new RejectionReader(this.kafka, this.options.prefix, this.topics.rejected, window, this.options.log, this.options.codec) };
    }
    await this.startReader(this.counting.reader, sample, firstPoll);
    return sample;
  }

  /** Builds a snapshot. Call it only after a successful poll. */
  snapshot(current: Sample, previous: Sample | undefined, error: string | null = null): StatusSnapshot {
    if (!this.counting) throw new Error('snapshot before the first poll');
    const { window, reader } = this.counting;
    const rejections = {
      topic: this.topics.rejected,
      reading: reader.started,
      undecodable: reader.undecodable,
      ...window.summarize(current.time, this.operators),
    };
    return buildSnapshot(this.context, current, previous, rejections, error);
  }

  /**
   * Waits until the reader has counted every rejection published before `sample`, so a
   * snapshot's rule counts match its offsets. Returns false if `timeoutMs` passed first.
   */
  async waitForRejections(sample: Sample, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const rejected = sample.topics.rejected;
    const reader = this.counting?.reader;
    if (!reader?.started || !rejected.found) return true;
    const deadline = Date.now() + timeoutMs;
    while (!reader.caughtUpWith(rejected.partitions)) {
      if (Date.now() >= deadline || signal.aborted) return false;
      await sleep(CATCH_UP_POLL_MS, signal);
    }
    return true;
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([this.counting?.reader.stop(), this.admin.disconnect()]);
    for (const result of results) {
      if (result.status === 'rejected') this.options.log.warn({ error: errorMessage(result.reason) }, 'Kafka client did not disconnect cleanly');
    }
  }

  private async startReader(reader: RejectionReader, sample: Sample, firstPoll: boolean): Promise<void> {
    const rejected = sample.topics.rejected;
    if (reader.started || !rejected.found) return;
    // At the first poll only new rejections count, so reading starts at the end. A topic that
    // appeared later contains only rejections from after the start, so reading starts at its beginning.
    this.readerStart ??= rejected.partitions.map((p) => ({ partition: p.partition, offset: firstPoll ? p.high : p.low }));
    try {
      await reader.start(this.readerStart);
      this.options.log.debug({ topic: rejected.topic, groupId: reader.groupId }, 'reading rejections');
    } catch (err) {
      this.options.log.warn({ topic: rejected.topic, error: errorMessage(err) }, 'could not start the rejected-topic reader; retrying at the next poll');
    }
  }
}

/** Resolves after `ms` milliseconds, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
