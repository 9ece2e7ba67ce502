import type { Command } from 'commander';
import type { Logger } from 'pino';
import { KafkaBus, resolveBrokers } from '../bus/kafka-bus.js';
import { createValueCodec, type CodecKind, type ValueCodec } from '../codec/registry.js';
import { ConfigError } from '../core/errors.js';
import { resolveTopicPrefix, TOPIC_ROLES, topicNames, type TopicNames } from '../core/topics.js';
import { DEFAULT_PARTITIONS, positiveInt } from './options.js';

export interface KafkaCliOptions {
  brokers?: string;
  prefix?: string;
  partitions: number;
  codec?: string;
  registryUrl?: string;
}

const CODEC_KINDS: readonly CodecKind[] = ['avro', 'registry', 'json'];

/** Adds --brokers, --prefix, --partitions, --codec and --registry-url. */
export function addKafkaOptions(command: Command): Command {
  return command
    .option('--brokers <list>', 'comma-separated HOST:PORT list (default: $TIERS_BROKERS, else 127.0.0.1:9092)')
    .option('--prefix <prefix>', 'topic prefix (default: $TIERS_TOPIC_PREFIX, else tiers)')
    .option('--partitions <n>', 'partitions of each topic the engine creates', positiveInt('--partitions'), DEFAULT_PARTITIONS)
    .option(
      '--codec <kind>',
      'message value format: registry (Confluent wire format), avro (plain Avro) or json (default: registry when a registry URL is set, else avro)',
    )
    .option('--registry-url <url>', 'Confluent-compatible schema registry API (default: $TIERS_REGISTRY_URL)');
}

/**
 * Chooses the value codec: --codec, else `registry` when a registry URL is configured, else
 * plain Avro. Every process that shares a prefix must use the same codec.
 */
export function resolveCodec(options: Pick<KafkaCliOptions, 'codec' | 'registryUrl'>, env: NodeJS.ProcessEnv = process.env): ValueCodec {
  const registryUrl = options.registryUrl ?? env.TIERS_REGISTRY_URL;
  const kind = options.codec ?? env.TIERS_CODEC ?? (registryUrl ? 'registry' : 'avro');
  if (!CODEC_KINDS.includes(kind as CodecKind)) {
    throw new ConfigError(`invalid --codec "${kind}": expected one of ${CODEC_KINDS.join(', ')}`);
  }
  if (kind === 'registry' && !registryUrl) {
    throw new ConfigError('--codec registry needs --registry-url or TIERS_REGISTRY_URL, such as http://127.0.0.1:8081/apis/ccompat/v7');
  }
  return createValueCodec({ kind: kind as CodecKind, registryUrl });
}

export interface KafkaSetup {
  bus: KafkaBus;
  topics: TopicNames;
  prefix: string;
  codec: ValueCodec;
}

/**
 * Connects to the brokers, creates any missing tier, rejected and DLQ topic and, with the
 * registry codec, registers the value schemas of every topic of the prefix.
 */
export async function connectKafka(options: KafkaCliOptions, clientId: string, log: Logger): Promise<KafkaSetup> {
  const prefix = resolveTopicPrefix(options.prefix);
  const brokers = resolveBrokers(options.brokers);
  const codec = resolveCodec(options);
  const topics = topicNames(prefix);
  const bus = new KafkaBus({ brokers, clientId, log });
  await bus.ensureTopics(TOPIC_ROLES.map((role) => ({ name: topics[role], partitions: options.partitions })));
  await codec.prepareTopics(prefix);
  log.info({ brokers, prefix, codec: codec.kind }, 'connected to Kafka');
  return { bus, topics, prefix, codec };
}
