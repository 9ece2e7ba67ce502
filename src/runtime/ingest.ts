import type { Logger } from 'pino';
import type { BusMessage, BusProducer } from '../bus/bus.js';
import { AvroValueCodec, type ValueCodec } from '../codec/registry.js';
import { packageVersion } from '../core/paths.js';
import { dedupScope } from '../core/record.js';
import type { TopicNames } from '../core/topics.js';
import type { ReadItem } from '../io/read-inputs.js';
import type { EngineMetrics } from '../metrics/metrics.js';
import { countRejection } from './stats.js';

export const INGEST_OPERATOR = 'ingest';

/** Messages per producer request; bounds memory while keeping requests large enough to be cheap. */
const SEND_BATCH_SIZE = 500;

export interface IngestStats {
  read: number;
  promoted: number;
  rejected: number;
  dlq: number;
  rules: Record<string, number>;
}

/** A send that has finished without error, the start value of each topic's send in flight. */
const settled: Promise<unknown> = Promise.resolve(null);

export function newIngestStats(): IngestStats {
  return { read: 0, promoted: 0, rejected: 0, dlq: 0, rules: {} };
}

/**
 * Publishes reader output: valid records to L0 keyed by their dedup scope (so each scope
 * keeps its order on one partition), unusable ones to the rejected topic and undecodable
 * bytes to the DLQ.
 *
 * Each topic has at most one request in flight, which keeps input order within a partition.
 * While it waits for the broker's acknowledgement, the next batch is read and encoded. A
 * failed request fails the ingest at the next flush of its topic, or at the end.
 */
export async function ingest(
  items: AsyncIterable<ReadItem>,
  producer: BusProducer,
  topics: TopicNames,
  log: Logger,
  options: { metrics?: EngineMetrics; stats?: IngestStats; codec?: ValueCodec } = {},
): Promise<IngestStats> {
  const version = packageVersion();
  // The caller may pass the stats object to watch progress while ingest runs.
  const stats = options.stats ?? newIngestStats();
  const metrics = options.metrics;
  const codec = options.codec ?? new AvroValueCodec();
  const pending: Record<IngestRole, BusMessage[]> = { l0: [], rejected: [], dlq: [] };
  // Each send settles to its error or null, so a failure waits here without becoming an
  // unhandled rejection while the next batch is read.
  const sending: Record<IngestRole, Promise<unknown>> = { l0: settled, rejected: settled, dlq: settled };

  const waitForSend = async (role: IngestRole) => {
    const error = await sending[role];
    sending[role] = settled;
    if (error !== null) throw error;
  };

  const flush = async (role: IngestRole) => {
    const messages = pending[role];
    if (messages.length === 0) return;
    pending[role] = [];
    await waitForSend(role);
    sending[role] = producer.send(topics[role], messages).then(
      () => {
        metrics?.ingestRecords.labels(role).inc(messages.length);
        metrics?.ingestBytes.inc(messages.reduce((sum, m) => sum + m.value.length, 0));
        return null;
      },
      (err: unknown) => err,
    );
  };

  for await (const item of items) {
    const prepared = await prepareIngestItem(item, { version, stats, log, codec, topics });
    pending[prepared.role].push(prepared.message);
    if (pending[prepared.role].length >= SEND_BATCH_SIZE) await flush(prepared.role);
  }
  for (const role of INGEST_ROLES) {
    await flush(role);
    await waitForSend(role);
  }
  return stats;
}

export type IngestRole = 'l0' | 'rejected' | 'dlq';
const INGEST_ROLES: readonly IngestRole[] = ['l0', 'rejected', 'dlq'];

export interface IngestItemContext {
  version: string;
  stats: IngestStats;
  log: Logger;
  codec: ValueCodec;
  topics: TopicNames;
}

/**
 * Encodes one reader item as the message ingest publishes and returns the topic role it goes
 * to. Adds the ingest lineage entry and counts the item in `stats`.
 */
export async function prepareIngestItem(
  item: ReadItem,
  { version, stats, log, codec, topics }: IngestItemContext,
): Promise<{ role: IngestRole; message: BusMessage }> {
  stats.read++;
  const now = Date.now();
  if (item.kind === 'record') {
    item.record.lineage.push({ operator: INGEST_OPERATOR, version, time: now, action: 'ingest', parentId: null, details: null });
    stats.promoted++;
    return { role: 'l0', message: { key: dedupScope(item.record), value: await codec.encodeTier(topics.l0, item.record) } };
  }
  if (item.kind === 'reject') {
    item.record.lineage.push({ operator: INGEST_OPERATOR, version, time: now, action: 'reject', parentId: null, details: null });
    const value = await codec.encodeRejected(topics.rejected, {
      record: item.record,
      operator: INGEST_OPERATOR,
      operatorVersion: version,
      rule: item.rule,
      reason: item.reason,
      value: item.value,
      duplicateOf: null,
      time: now,
    });
    countRejection(stats, item.rule);
    log.debug({ recordId: item.record.id, rule: item.rule, reason: item.reason }, 'input record rejected');
    return { role: 'rejected', message: { key: item.record.id, value } };
  }
  stats.dlq++;
  log.error({ origin: item.letter.origin, position: item.letter.position, error: item.letter.error }, 'input is not a record; sent to the DLQ');
  return { role: 'dlq', message: { key: item.letter.key, value: await codec.encodeDeadLetter(topics.dlq, item.letter) } };
}
