import { resolve } from 'node:path';
import { Command } from 'commander';
import { ConfigError, InputsFailedError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/log.js';
import { Follower } from '../follow/follower.js';
import { FollowMetrics } from '../follow/metrics.js';
import { PathFilter } from '../follow/patterns.js';
import { PROGRESS_TOPIC_CONFIG, ProgressStore, decodeProgress, defaultIngesterId, progressTopic } from '../follow/progress.js';
import { FolderScanner } from '../follow/scanner.js';
import { STDIN_INPUT, readStdinJsonLines } from '../follow/stdin.js';
import { InputReader, resolveReadOptions } from '../io/read-inputs.js';
import { EngineMetrics } from '../metrics/metrics.js';
import { ingest } from '../runtime/ingest.js';
import { addMetricsOptions, serveMetrics, type MetricsCliOptions } from './metrics-options.js';
import { addKafkaOptions, connectKafka, type KafkaCliOptions } from './kafka-options.js';
import { positiveInt, positiveSeconds, shutdownSignal } from './options.js';
import { addReadOptions, readOptionsFrom, type ReadCliOptions } from './read-options.js';

interface FollowCliOptions {
  follow?: string[];
  include?: string[];
  exclude?: string[];
  stableSeconds: number;
  brokenAfterSeconds?: number;
  pollSeconds: number;
  ingesterId?: string;
  batchSize: number;
}

type IngestCliOptions = KafkaCliOptions & ReadCliOptions & MetricsCliOptions & FollowCliOptions;

/** Time allowed to read the progress topic at start; it also waits for other ingesters' open transactions to end. */
const PROGRESS_LOAD_TIMEOUT_MS = 120_000;

export function ingestCommand(): Command {
  const command = new Command('ingest')
    .description(
      'Publish input files to the L0 topic on Kafka (rejected inputs to <prefix>.rejected, unreadable ones to <prefix>.dlq). ' +
        'With --follow, watch folders and ingest each file once it is complete, exactly once across restarts.',
    )
    .argument('[inputs...]', 'JSON-lines files (.jsonl, .gz, .zst), WET files, or directories; - reads JSON lines from standard input')
    .option('--follow <folders...>', 'watch these folders recursively and ingest new files until SIGINT or SIGTERM')
    .option('--include <globs...>', 'with --follow: only files matching a glob (a glob without / matches the file name)')
    .option('--exclude <globs...>', 'with --follow: leave out files matching a glob')
    .option('--stable-seconds <s>', 'with --follow: seconds without a change in size or mtime after which a file counts as written', positiveSeconds('--stable-seconds'), 10)
    .option('--broken-after-seconds <s>', 'with --follow: seconds a truncated gzip or zstd file may stay unchanged before its readable part is ingested and it is reported broken (default: 5 × --stable-seconds)', positiveSeconds('--broken-after-seconds'))
    .option('--poll-seconds <s>', 'with --follow: seconds between scans of the folders', positiveSeconds('--poll-seconds'), 2)
    .option('--ingester-id <id>', 'with --follow: Kafka transactional id; a restarted ingester with the same id fences the old one (default: from the prefix and the folders\' absolute paths)')
    .option('--batch-size <n>', 'with --follow: input items per Kafka transaction', positiveInt('--batch-size'), 500);
  addKafkaOptions(command);
  addReadOptions(command);
  addMetricsOptions(command, false);
  return command.action(async (inputs: string[], options: IngestCliOptions) => {
    const log = createLogger({ command: 'ingest' });
    if (options.follow !== undefined) {
      if (inputs.length > 0) throw new ConfigError('give either input paths or --follow FOLDER..., not both');
      await ingestFollow(options.follow, options, log);
    } else if (inputs.includes(STDIN_INPUT)) {
      if (inputs.length > 1) throw new ConfigError('- (standard input) cannot be combined with other inputs');
      await ingestInputs(inputs, options, log, true);
    } else {
      if (inputs.length === 0) throw new ConfigError('no inputs given: pass files or directories, - for standard input, or --follow FOLDER...');
      await ingestInputs(inputs, options, log, false);
    }
  });
}

/** Publishes named files and directories, or standard input, once. */
async function ingestInputs(inputs: string[], options: IngestCliOptions, log: Logger, fromStdin: boolean): Promise<void> {
  const metrics = new EngineMetrics();
  const server = await serveMetrics(options, metrics, () => null, log);
  const { bus, topics, codec } = await connectKafka(options, 'tiers-ingest', log);
  try {
    const producer = await bus.createProducer();
    const readOptions = readOptionsFrom(options);
    const reader = fromStdin ? null : new InputReader(inputs, readOptions, log);
    const items = reader === null ? readStdinJsonLines(readOptions) : reader.items();
    log.info({ inputs, topic: topics.l0 }, 'ingest started');
    const stats = await ingest(items, producer, topics, log, { metrics, codec });
    await producer.close();
    const readStats = reader?.stats ?? { files: 0, filesFailed: 0, filesSkipped: 0, failedFiles: [] };
    const { files, filesFailed, filesSkipped } = readStats;
    const summary = { files, filesFailed, filesSkipped, ...stats, topic: topics.l0 };
    log.info(summary, 'ingest finished');
    process.stdout.write(JSON.stringify(summary) + '\n');
    if (readStats.failedFiles.length > 0) throw new InputsFailedError(readStats.failedFiles);
  } finally {
    await bus.close();
    server?.close();
  }
}

/**
 * Follows folders until SIGINT or SIGTERM: connects, fences any earlier ingester with the same
 * id, loads the progress topic, then ingests each complete file in Kafka transactions.
 */
async function ingestFollow(folderArgs: string[], options: IngestCliOptions, log: Logger): Promise<void> {
  const readOptions = resolveReadOptions(readOptionsFrom(options));
  const filter = newPathFilter(options);
  const folders = folderArgs.map((folder) => resolve(folder));
  const stableMs = options.stableSeconds * 1000;
  const brokenAfterMs = (options.brokenAfterSeconds ?? 5 * options.stableSeconds) * 1000;

  let follower: Follower | null = null;
  let stopRequested = false;
  void shutdownSignal((signal) => {
    stopRequested = true;
    log.info({ signal }, 'stopping after the batch in progress');
    follower?.stop();
  });

  const metrics = new EngineMetrics();
  let progressLoaded = false;
  const server = await serveMetrics(options, metrics, () => (progressLoaded ? null : 'loading ingest progress'), log);
  const followMetrics = new FollowMetrics(metrics, () => follower?.oldestPendingSince() ?? null);
  const { bus, topics, prefix, codec } = await connectKafka(options, 'tiers-ingest', log);
  try {
    const topic = progressTopic(prefix);
    // One partition is plenty for one update per transaction and keeps all progress in one ordered log.
    await bus.ensureTopics([{ name: topic, partitions: 1, config: { ...PROGRESS_TOPIC_CONFIG } }]);
    const ingesterId = options.ingesterId ?? defaultIngesterId(prefix, folders);

    // The producer goes first: initializing it aborts a crashed predecessor's open
    // transaction, which would otherwise hold back the read-committed read below.
    const producer = await bus.createTransactionalProducer(ingesterId);
    const store = new ProgressStore();
    let invalid = 0;
    const onMessage = (message: { key: string | null; value: Buffer }) => {
      const entry = decodeProgress(message.key, message.value);
      if (entry === null) invalid++;
      else store.apply(entry);
    };
    await bus.readTopicToEnd(topic, onMessage, PROGRESS_LOAD_TIMEOUT_MS);
    if (invalid > 0) log.warn({ topic, invalid }, 'ignored progress messages that are not valid entries');
    progressLoaded = true;
    log.info({ topic, files: store.size, ingesterId, folders }, 'ingest progress loaded; following folders');

    const scanner = new FolderScanner(folders, filter, readOptions.followSymlinks, log, {
      onNewFile: () => followMetrics.filesSeen.inc(),
    });
    const context = { producer, topics, codec, progressTopic: topic, ingesterId, readOptions, batchSize: options.batchSize, log, metrics };
    const completeness = { stableMs, brokenAfterMs, pollMs: options.pollSeconds * 1000 };
    follower = new Follower(scanner, store, context, completeness, log, followMetrics);
    const summary = stopRequested ? follower.summary : await follower.run();
    await producer.close();
    log.info({ ...summary, ingesterId }, 'follow stopped');
    process.stdout.write(JSON.stringify({ ...summary, ingesterId, topic: topics.l0 }) + '\n');
  } finally {
    await bus.close();
    server?.close();
  }
}

function newPathFilter(options: FollowCliOptions): PathFilter {
  try {
    return new PathFilter(options.include, options.exclude);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}
