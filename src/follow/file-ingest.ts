import { basename } from 'node:path';
import type { Logger } from 'pino';
import type { BusMessage, TransactionalProducer } from '../bus/bus.js';
import { errorMessage } from '../core/errors.js';
import { packageVersion } from '../core/paths.js';
import type { ValueCodec } from '../codec/registry.js';
import type { TopicNames } from '../core/topics.js';
import { detectFormat, stripFormatSuffix, type DetectedFormat } from '../io/formats.js';
import { readJsonLines } from '../io/jsonl-reader.js';
import { readSourceFile } from '../io/source-reader.js';
import type { ReadItem, ResolvedReadOptions } from '../io/types.js';
import { readWarc } from '../io/warc-reader.js';
import { readWet } from '../io/wet-reader.js';
import type { EngineMetrics } from '../metrics/metrics.js';
import { newIngestStats, prepareIngestItem, type IngestRole, type IngestStats } from '../runtime/ingest.js';
import { encodeProgress, type ProgressEntry, type ProgressState } from './progress.js';

/** A complete file to ingest. */
export interface FileJob {
  path: string;
  /** Path relative to the followed folder, with `/` separators; part of source-file ids. */
  relativePath: string;
  /** The followed folder; its name is the default dataset of source files. */
  root: string;
  detected: DetectedFormat;
  sha256: string;
  size: number;
  mtimeMs: number;
  /** File name the ids are derived from: the current name, or the first name of a resumed file. */
  fileName: string;
  /** Index of the first reader item to publish; the items before it are already in Kafka. */
  from: number;
}

export interface FileIngestContext {
  producer: TransactionalProducer;
  topics: TopicNames;
  codec: ValueCodec;
  progressTopic: string;
  ingesterId: string;
  readOptions: ResolvedReadOptions;
  /** Reader items per transaction. */
  batchSize: number;
  log: Logger;
  metrics?: EngineMetrics;
  /** Checked after each committed batch; true stops the file there, to be resumed later. */
  shouldStop: () => boolean;
}

export interface FileIngestResult {
  state: ProgressState | 'interrupted';
  /** Reader items accounted for in Kafka, including those published before a restart. */
  records: number;
  /** Items this call published, by where they went. */
  stats: IngestStats;
  error: string | null;
  /** The last progress entry committed for the file. */
  entry: ProgressEntry;
}

/**
 * Reads one complete file and publishes its items from `job.from` on. Each batch of
 * `batchSize` items goes out in one transaction together with the progress update that counts
 * it, so after a crash Kafka contains either the batch and its progress or neither. A read error
 * (a truncated or corrupt file) ends the file as `broken` with the items read before it kept.
 * Errors from Kafka are thrown: the batch in flight is aborted and a restart resumes it.
 */
export async function ingestFile(job: FileJob, context: FileIngestContext): Promise<FileIngestResult> {
  const version = packageVersion();
  const stats = newIngestStats();
  const pending: Record<IngestRole, BusMessage[]> = { l0: [], rejected: [], dlq: [] };
  let position = 0;
  let inBatch = 0;

  const commit = async (state: ProgressState, error: string | null) => {
    const entry: ProgressEntry = {
      sha256: job.sha256,
      path: job.path,
      fileName: job.fileName,
      size: job.size,
      mtimeMs: job.mtimeMs,
      state,
      records: position,
      time: Date.now(),
      ingesterId: context.ingesterId,
      error,
    };
    const roles = ['l0', 'rejected', 'dlq'] as const;
    await context.producer.sendAtomically([
      ...roles.map((role) => ({ topic: context.topics[role], messages: pending[role] })),
      { topic: context.progressTopic, messages: [encodeProgress(entry)] },
    ]);
    // Counted only once committed, so an aborted batch counts nothing.
    for (const role of roles) {
      context.metrics?.ingestRecords.labels(role).inc(pending[role].length);
      context.metrics?.ingestBytes.inc(pending[role].reduce((sum, m) => sum + m.value.length, 0));
      pending[role] = [];
    }
    inBatch = 0;
    return entry;
  };

  const iterator = readJobItems(job, context.readOptions, context.log);
  let readError: string | null = null;
  try {
    for (;;) {
      let next: IteratorResult<ReadItem>;
      try {
        next = await iterator.next();
      } catch (err) {
        readError = errorMessage(err);
        break;
      }
      if (next.done === true) break;
      position++;
      if (position <= job.from) continue;

      const prepared = await prepareIngestItem(next.value, { version, stats, log: context.log, codec: context.codec, topics: context.topics });
      pending[prepared.role].push(prepared.message);
      inBatch++;
      if (inBatch >= context.batchSize) {
        const entry = await commit('in-progress', null);
        if (context.shouldStop()) return { state: 'interrupted', records: position, stats, error: null, entry };
      }
    }
  } finally {
    await iterator.return(undefined);
  }

  if (position < job.from) {
    // The content hash matched, so the reader should yield the same items as before.
    context.log.warn({ path: job.path, records: position, from: job.from }, 'file has fewer items than its progress records');
    position = job.from;
  }
  const state = readError === null ? 'done' : 'broken';
  const entry = await commit(state, readError);
  return { state, records: position, stats, error: readError, entry };
}

/** Yields a file's items with the readers of `tiers ingest`, deriving hash ids from `job.fileName`. */
function readJobItems(job: FileJob, options: ResolvedReadOptions, log: Logger): AsyncGenerator<ReadItem> {
  // The stem is the default dataset, so it comes from the name the ids use too.
  const named = detectFormat(job.fileName) ?? job.detected;
  const file = {
    path: job.path,
    fileName: job.fileName,
    stem: stripFormatSuffix(job.fileName, named),
    compression: job.detected.compression,
  };
  switch (job.detected.format) {
    case 'jsonl':
      return readJsonLines(file, options);
    case 'wet':
      return readWet(file, options, log);
    case 'source':
      return readSource(job, options);
    case 'warc':
      return readWarc(file, options, log);
  }
}

async function* readSource(job: FileJob, options: ResolvedReadOptions): AsyncGenerator<ReadItem> {
  const dataset = options.dataset ?? basename(job.root);
  yield await readSourceFile({ path: job.path, relativePath: job.relativePath, language: job.detected.language ?? 'unknown', dataset }, options);
}
