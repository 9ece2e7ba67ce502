import type { Command } from 'commander';
import type { Logger } from 'pino';
import { KafkaBus, resolveBrokers } from '../bus/kafka-bus.js';
import { resolveTopicPrefix, TOPIC_ROLES, topicNames, type TopicNames } from '../core/topics.js';
import { DEFAULT_PARTITIONS, positiveInt } from './options.js';

export interface KafkaCliOptions {
  brokers?: string;
  prefix?: string;
  partitions: number;
}

/** Adds --brokers, --prefix and --partitions. */
export function addKafkaOptions(command: Command): Command {
  return command
    .option('--brokers <list>', 'comma-separated HOST:PORT list (default: $TIERS_BROKERS, else 127.0.0.1:9092)')
    .option('--prefix <prefix>', 'topic prefix (default: $TIERS_TOPIC_PREFIX, else tiers)')
    .option('--partitions <n>', 'partitions of each topic the engine creates', positiveInt('--partitions'), DEFAULT_PARTITIONS);
}

export interface KafkaSetup {
  bus: KafkaBus;
  topics: TopicNames;
  prefix: string;
}

/** Connects to the brokers and creates any missing tier, rejected and DLQ topic. */
export async function connectKafka(options: KafkaCliOptions, clientId: string, log: Logger): Promise<KafkaSetup> {
  const prefix = resolveTopicPrefix(options.prefix);
  const brokers = resolveBrokers(options.brokers);
  const topics = topicNames(prefix);
  const bus = new KafkaBus({ brokers, clientId, log });
  await bus.ensureTopics(TOPIC_ROLES.map((role) => ({ name: topics[role], partitions: options.partitions })));
  log.info({ brokers, prefix }, 'connected to Kafka');
  return { bus, topics, prefix };
}
