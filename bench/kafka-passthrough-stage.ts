/**
 * A filter stage with no operators, run the way `tiers up` runs a stage: the same Kafka bus,
 * Avro codec, transactional producer, changelog and StageRunner. Every L0 record is decoded,
 * promoted and encoded again to L1. bench/kafka-throughput.ts times it to separate the cost of the
 * engine's Kafka path from the cost of the operators.
 *
 * Usage: node dist/bench/kafka-passthrough-stage.js <brokers> <prefix> <partitions>
 * It runs until SIGTERM or SIGINT.
 */
import { once } from 'node:events';
import { pino } from 'pino';
import { KafkaBus } from '../src/bus/kafka-bus.js';
import { DEFAULT_BATCH_SIZE } from '../src/cli/options.js';
import { AvroValueCodec } from '../src/codec/registry.js';
import { TOPIC_ROLES, topicNames } from '../src/core/topics.js';
import { CHANGELOG_SUFFIX, CHANGELOG_TOPIC_CONFIG } from '../src/runtime/changelog.js';
import { StageRunner } from '../src/runtime/stage-runner.js';
import { startTransactionalStage } from '../src/runtime/transactional-stage.js';
import type { StageSpec } from '../src/topologies/types.js';

const [brokers, prefix, partitionArg] = process.argv.slice(2);
const partitions = Number(partitionArg);
if (brokers === undefined || prefix === undefined || !Number.isInteger(partitions) || partitions < 1) {
  throw new Error('usage: kafka-passthrough-stage.js <brokers> <prefix> <partitions>, with partitions a positive integer');
}

const log = pino({ level: 'info' });
const topics = topicNames(prefix);
const bus = new KafkaBus({ brokers: brokers.split(','), clientId: 'kafka-passthrough-stage', log });
await bus.ensureTopics(TOPIC_ROLES.map((role) => ({ name: topics[role], partitions })));
const changelogTopic = `${prefix}.${CHANGELOG_SUFFIX}`;
await bus.ensureTopics([{ name: changelogTopic, partitions: 1, config: CHANGELOG_TOPIC_CONFIG }]);

const stage: StageSpec = { name: 'filter', input: 'l0', output: 'l1', operators: [] };
const groupId = `${prefix}.${stage.name}`;
const runner = new StageRunner(stage, [], topics, await bus.createProducer(), log, undefined, new AvroValueCodec());
const started = await startTransactionalStage({
  bus,
  runner,
  operators: [],
  groupId,
  inputTopic: topics.l0,
  changelogTopic,
  transactionalId: groupId,
  maxBatchSize: DEFAULT_BATCH_SIZE,
  snapshotIntervalSeconds: 60,
  log,
  onFenced: (err) => {
    log.error({ err }, 'fenced by another process');
    process.exit(1);
  },
});
log.info({ groupId }, 'pass-through stage started');

await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT'), started.subscription.done]);
log.info({ stats: runner.stats }, 'pass-through stage stopping');
await started.subscription.stop();
await bus.close();
