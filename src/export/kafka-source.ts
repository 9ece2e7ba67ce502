import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaBus, kafkaSecurityConfig, type KafkaSecurity } from '../bus/kafka-bus.js';
import type { ValueCodec } from '../codec/registry.js';
import { tierRecordToJson } from '../codec/jsonl.js';
import { ConfigError, EngineError } from '../core/errors.js';
import type { Tier } from '../core/record.js';
import { topicNames } from '../core/topics.js';
import type { TierSource } from './source.js';

export interface KafkaSourceOptions {
  brokers: string[];
  security?: KafkaSecurity;
  prefix: string;
  tiers: Tier[];
  log: Logger;
  /** Decodes tier-topic values; the same codec the producers of the prefix use. */
  codec: ValueCodec;
  /** Fails the export when no batch arrives for this long while partitions are still unread. */
  idleTimeoutMs: number;
}

/**
 * Copies each tier topic, from the beginning to the high watermarks taken at the start, into
 * one JSON-lines file per partition in a temporary directory. Records produced after the start
 * are left out. The throwaway consumer group commits no offsets. Partitions are then read in
 * partition order, so the same topic contents give the same export whatever order the broker
 * delivered them in. The copy needs about as much temporary disk as the tiers' JSON lines.
 */
export async function kafkaSource(options: KafkaSourceOptions): Promise<TierSource> {
  const { brokers, prefix, log, security } = options;
  await new KafkaBus({ brokers, clientId: 'tiers-export', log, security }).checkReachable();
  const kafka = new Kafka({
    clientId: 'tiers-export',
    brokers,
    ...kafkaSecurityConfig(security),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 300 },
  });
  const topics = topicNames(prefix);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<Tier, Map<number, bigint>>();
  const watermarks: Record<string, Array<{ partition: number; high: string }>> = {};
  try {
    const existing = new Set(await admin.listTopics());
    for (const tier of options.tiers) {
      const topic = topics[tier];
      if (!existing.has(topic)) {
        throw new ConfigError(`topic ${topic} does not exist on ${brokers.join(',')}: check --prefix, or leave ${tier} out of --tiers or --weights`);
      }
      const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
      watermarks[topic] = offsets.map((p) => ({ partition: p.partition, high: p.high }));
      ends.set(tier, new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)])));
    }
  } finally {
    await admin.disconnect();
  }

  const dir = await mkdtemp(join(tmpdir(), 'tiers-export-'));
  const files = new Map<Tier, string[]>();
  try {
    for (const tier of options.tiers) {
      const tierEnds = ends.get(tier)!;
      files.set(tier, [...tierEnds.keys()].sort((a, b) => a - b).map((p) => join(dir, `${tier}.p${p}.jsonl`)));
      const pathOf = (p: number) => join(dir, `${tier}.p${p}.jsonl`);
      const count = await copyTopic(kafka, topics[tier], tierEnds, pathOf, prefix, options.idleTimeoutMs, options.codec);
      log.info({ topic: topics[tier], records: count }, 'copied topic up to its start watermarks');
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    info: { kind: 'kafka', prefix, topics: watermarks },
    files: (tier) => files.get(tier) ?? [],
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

async function copyTopic(
  kafka: Kafka,
  topic: string,
  ends: Map<number, bigint>,
  pathOf: (partition: number) => string,
  prefix: string,
  idleTimeoutMs: number,
  codec: ValueCodec,
): Promise<number> {
  const remaining = new Map(ends);
  // Next offset to copy per partition, so a batch fetched again is not copied twice.
  const next = new Map<number, bigint>();
  const streams = new Map<number, WriteStream>();
  for (const partition of ends.keys()) streams.set(partition, createWriteStream(pathOf(partition), { encoding: 'utf8' }));
  if (remaining.size === 0) return 0;

  const consumer = kafka.consumer({ groupId: `${prefix}.export.${randomUUID()}`, readUncommitted: false });
  let count = 0;
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdleTimer = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      const message = `no record arrived from ${topic} for ${idleTimeoutMs / 1000} s while ${remaining.size} partition(s) were unread; check the brokers, or raise --kafka-idle-timeout`;
      fail(new EngineError('TIERS_TRANSPORT_FAILED', message));
    }, idleTimeoutMs);
  };
  // Batches of only transaction markers never reach eachBatch, so progress comes from this
  // event, which kafkajs emits for every fetched batch.
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    armIdleTimer();
    const end = remaining.get(event.payload.partition);
    if (end !== undefined && BigInt(event.payload.lastOffset) + 1n >= end) remaining.delete(event.payload.partition);
    if (remaining.size === 0) finish();
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) fail(event.payload.error);
  });
  try {
    armIdleTimer();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        const stream = streams.get(batch.partition);
        if (end === undefined || !stream) return;
        let chunk = '';
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset >= end) break;
          if (offset < (next.get(batch.partition) ?? 0n)) continue;
          next.set(batch.partition, offset + 1n);
          chunk += tierRecordToJson(await codec.decodeTier(message.value ?? Buffer.alloc(0))) + '\n';
          count++;
        }
        if (chunk && !stream.write(chunk)) await once(stream, 'drain');
      },
    });
    await finished;
    return count;
  } finally {
    clearTimeout(idleTimer);
    await consumer.disconnect().catch(() => {});
    for (const stream of streams.values()) {
      stream.end();
      await once(stream, 'finish').catch(() => {});
    }
  }
}
