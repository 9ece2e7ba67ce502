import { Command } from 'commander';
import { resolveBrokers } from '../bus/kafka-bus.js';
import { ConfigError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import type { Tier } from '../core/record.js';
import { resolveTopicPrefix } from '../core/topics.js';
import { addKafkaSecurityOptions, resolveCodec, resolveKafkaSecurity, type KafkaSecurityCliOptions } from './kafka-options.js';
import { runExport, type ExportPlan } from '../export/export.js';
import { kafkaSource } from '../export/kafka-source.js';
import {
  parseFields,
  parseFormat,
  parsePositiveCount,
  parseSchedule,
  parseSeed,
  parseTierList,
  parseWeights,
  type Schedule,
  type TierWeight,
} from '../export/options.js';
import { directorySource, type TierSource } from '../export/source.js';
import { DEFAULT_ENCODING, loadTokenCounter, parseEncodingName } from '../export/tokens.js';

/** Uncompressed bytes per shard when neither --shard-records nor --shard-bytes is given (256 MiB). */
const DEFAULT_SHARD_BYTES = 256 * 1024 * 1024;
const DEFAULT_SHUFFLE_BUFFER = 10_000;
const DEFAULT_KAFKA_IDLE_SECONDS = 60;

interface ExportCliOptions extends KafkaSecurityCliOptions {
  out: string;
  fromDir?: string;
  brokers?: string;
  prefix?: string;
  codec?: string;
  registryUrl?: string;
  tiers?: string;
  format: string;
  fields?: string;
  schedule?: string;
  weights?: string;
  shardRecords?: string;
  shardBytes?: string;
  seed: string;
  shuffle?: boolean;
  shuffleBuffer?: string;
  tokenizer: string;
  overwrite?: boolean;
  kafkaIdleTimeout: string;
}

export function exportCommand(): Command {
  const command = new Command('export')
    .description('Write tiers to sharded zstd JSON-lines or Parquet files with a manifest, staged tier by tier or mixed by weight')
    .requiredOption('-o, --out <dir>', 'output directory for the shards and manifest.json; must be new or empty unless --overwrite')
    .option('--from-dir <dir>', 'read DIR/<tier>.jsonl as written by `tiers run --out DIR` (default: read the tier topics on Kafka)')
    .option('--brokers <list>', 'Kafka HOST:PORT list when not reading --from-dir (default: $TIERS_BROKERS, else 127.0.0.1:9092)')
    .option('--prefix <prefix>', 'topic prefix when not reading --from-dir (default: $TIERS_TOPIC_PREFIX, else tiers)')
    .option('--codec <kind>', 'message value format on Kafka: registry, avro or json (default: registry when a registry URL is set, else avro)')
    .option('--registry-url <url>', 'Confluent-compatible schema registry API (default: $TIERS_REGISTRY_URL)')
    .option('--tiers <list>', 'tiers to export, in phase order for --schedule staged, such as l1 or l1,l2,l3')
    .option('--format <format>', 'jsonl (JSON lines compressed with zstd, .jsonl.zst) or parquet', 'jsonl')
    .option('--fields <list>', 'keep only these record fields (jsonl) or columns (parquet), comma-separated')
    .option('--schedule <schedule>', 'staged: one phase directory per tier; mixed: one stream sampled by --weights (default: mixed when --weights is given, else staged)')
    .option('--weights <list>', 'sampling weights of a mixed export, such as l1=0.6,l2=0.3,l3=0.1')
    .option('--shard-records <n>', 'start a new shard after this many records')
    .option('--shard-bytes <n>', `start a new shard before it passes this many uncompressed bytes (default ${DEFAULT_SHARD_BYTES} when neither limit is given)`)
    .option('--seed <n>', 'seed of the shuffle and of the mixed sampling; the same seed and input give identical files', '0')
    .option('--shuffle', 'shuffle each tier through a seeded buffer of --shuffle-buffer records')
    .option('--shuffle-buffer <n>', `records held in memory for --shuffle (default ${DEFAULT_SHUFFLE_BUFFER})`)
    .option('--tokenizer <encoding>', 'encoding that counts tokens for the manifest: cl100k_base, o200k_base, p50k_base or r50k_base', DEFAULT_ENCODING)
    .option('--overwrite', 'replace an earlier export in --out (other files there are kept)')
    .option('--kafka-idle-timeout <seconds>', 'fail when a topic sends nothing for this long while it is still unread', String(DEFAULT_KAFKA_IDLE_SECONDS));
  addKafkaSecurityOptions(command);
  return command.action(async (options: ExportCliOptions) => {
    const started = Date.now();
    const log = createLogger({ command: 'export' });
    const plan = planFrom(options);
    const countTokens = await loadTokenCounter(plan.encoding);
    const tiers = plan.weights ? plan.weights.map((w) => w.tier) : plan.tiers;
    const source = await openSource(options, tiers, log);
    log.info({ out: plan.outDir, schedule: plan.schedule, format: plan.format, tiers, source: source.info.kind }, 'export started');
    const result = await runExport(plan, source, countTokens, log).finally(() => source.close());
    const summary = {
      out: plan.outDir,
      manifest: result.manifest,
      schedule: plan.schedule,
      format: plan.format,
      tiers: result.tiers,
      records: result.totals.records,
      textBytes: result.totals.textBytes,
      tokens: result.totals.tokens,
      tokenizer: plan.encoding,
      shards: result.shards,
      elapsedSeconds: (Date.now() - started) / 1000,
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
    log.info(summary, 'export finished');
  });
}

/** Checks every option together and builds the plan. Each problem is a ConfigError that names the fix. */
function planFrom(options: ExportCliOptions): ExportPlan {
  const format = parseFormat(options.format);
  const weights: TierWeight[] | null = options.weights !== undefined ? parseWeights(options.weights) : null;
  let schedule: Schedule = weights ? 'mixed' : 'staged';
  if (options.schedule !== undefined) schedule = parseSchedule(options.schedule);
  let tiers: Tier[] = options.tiers !== undefined ? parseTierList(options.tiers) : [];

  if (schedule === 'mixed') {
    if (!weights) throw new ConfigError('--schedule mixed needs --weights, such as --weights l1=0.7,l2=0.3');
    const weighted = weights.map((w) => w.tier);
    if (tiers.length > 0 && (tiers.length !== weighted.length || tiers.some((t) => !weighted.includes(t)))) {
      throw new ConfigError(`--tiers ${tiers.join(',')} and --weights ${weighted.join(',')} name different tiers: give every mixed tier one weight, or drop --tiers`);
    }
    tiers = weighted;
  } else {
    if (weights) throw new ConfigError('--weights applies only to --schedule mixed: drop --weights, or pass --schedule mixed');
    if (tiers.length === 0) throw new ConfigError('no tier to export: pass --tiers, such as --tiers l1 or --tiers l1,l2,l3');
  }

  const maxRecords = options.shardRecords !== undefined ? parsePositiveCount(options.shardRecords, '--shard-records') : null;
  let maxBytes = options.shardBytes !== undefined ? parsePositiveCount(options.shardBytes, '--shard-bytes') : null;
  if (maxRecords === null && maxBytes === null) maxBytes = DEFAULT_SHARD_BYTES;
  if (options.shuffleBuffer !== undefined && !options.shuffle) {
    throw new ConfigError('--shuffle-buffer has no effect without --shuffle: add --shuffle, or drop --shuffle-buffer');
  }
  const shuffleBuffer = options.shuffle
    ? options.shuffleBuffer !== undefined
      ? parsePositiveCount(options.shuffleBuffer, '--shuffle-buffer')
      : DEFAULT_SHUFFLE_BUFFER
    : null;

  return {
    outDir: options.out,
    overwrite: options.overwrite ?? false,
    format,
    fields: options.fields !== undefined ? parseFields(options.fields, format) : null,
    schedule,
    tiers,
    weights,
    limits: { maxRecords, maxBytes },
    seed: parseSeed(options.seed),
    shuffleBuffer,
    encoding: parseEncodingName(options.tokenizer),
  };
}

async function openSource(options: ExportCliOptions, tiers: Tier[], log: ReturnType<typeof createLogger>): Promise<TierSource> {
  if (options.fromDir !== undefined) {
    if (options.brokers !== undefined || options.prefix !== undefined) {
      throw new ConfigError('--from-dir reads files, so --brokers and --prefix do not apply: pass either --from-dir or the Kafka options');
    }
    return directorySource(options.fromDir, tiers);
  }
  const idleSeconds = Number(options.kafkaIdleTimeout);
  if (!Number.isFinite(idleSeconds) || idleSeconds <= 0) {
    throw new ConfigError(`invalid --kafka-idle-timeout "${options.kafkaIdleTimeout}": use a number of seconds greater than 0`);
  }
  return kafkaSource({
    brokers: resolveBrokers(options.brokers),
    security: resolveKafkaSecurity(options),
    prefix: resolveTopicPrefix(options.prefix),
    tiers,
    log,
    codec: resolveCodec(options),
    idleTimeoutMs: idleSeconds * 1000,
  });
}
