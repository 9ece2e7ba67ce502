import { Command } from 'commander';
import type { Subscription } from '../bus/bus.js';
import { loadConfigFile } from '../core/config-file.js';
import { ConfigError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { EngineMetrics } from '../metrics/metrics.js';
import { createStageOperators } from '../operators/index.js';
import { StageRunner } from '../runtime/stage-runner.js';
import { getTopology } from '../topologies/index.js';
import { planStages } from '../topologies/plan.js';
import { addKafkaOptions, connectKafka, type KafkaCliOptions } from './kafka-options.js';
import { addLlmOptions, connectLlm, type LlmCliOptions } from './llm-options.js';
import { addMetricsOptions, serveMetrics, type MetricsCliOptions } from './metrics-options.js';
import { DEFAULT_BATCH_SIZE, positiveInt, shutdownSignal } from './options.js';

interface UpCliOptions extends KafkaCliOptions, MetricsCliOptions, LlmCliOptions {
  topology: string;
  config?: string;
  stage?: string[];
  batchSize: number;
  statsInterval: number;
  shutdownTimeout: number;
}

export function upCommand(): Command {
  const command = new Command('up')
    .description('Run the topology\'s stages as Kafka consumer groups until SIGINT or SIGTERM')
    .option('--topology <name>', 'topology to run', 'default')
    .option('--config <file>', 'JSON file with per-operator settings: {"operators": {"<name>": {...}}}')
    .option('--stage <name...>', 'run only these stages (default: all)')
    .option('--batch-size <n>', 'records handed to a stage at a time', positiveInt('--batch-size'), DEFAULT_BATCH_SIZE)
    .option('--stats-interval <seconds>', 'how often to log stage counts', positiveInt('--stats-interval'), 30)
    .option('--shutdown-timeout <seconds>', 'after SIGINT or SIGTERM, exit with status 1 if the batch in progress has not finished by then', positiveInt('--shutdown-timeout'), 30);
  addKafkaOptions(command);
  addLlmOptions(command);
  addMetricsOptions(command, true);
  return command.action(async (options: UpCliOptions) => {
    const log = createLogger({ command: 'up' });
    const topology = getTopology(options.topology);
    const config = loadConfigFile(options.config);
    const unknown = (options.stage ?? []).filter((name) => !topology.stages.some((stage) => stage.name === name));
    if (unknown.length > 0) {
      const known = topology.stages.map((stage) => stage.name).join(', ');
      throw new ConfigError(`unknown stage ${unknown.join(', ')} in topology ${topology.name}: expected one of ${known}`);
    }
    const metrics = new EngineMetrics();
    const llm = await connectLlm(options, config, log, metrics);
    const plan = planStages(topology, { llm: llm !== undefined, scorerModel: options.scorerModel, only: options.stage });
    if (options.stage && plan.skipped.length > 0) {
      throw new ConfigError(`cannot run ${plan.skipped.map((s) => `stage ${s.stage}: ${s.reason}`).join('; ')}`);
    }
    for (const skipped of plan.skipped) log.warn({ stage: skipped.stage, reason: skipped.reason }, 'stage skipped');
    const stages = plan.stages;
    // Build operators before connecting so a config error stops the process before the first fetch.
    const operators = stages.map((stage) => createStageOperators(stage, config.operators, { llm }));

    const subscriptions: Subscription[] = [];
    const notReadyReason = () => {
      if (subscriptions.length < stages.length) return 'connecting to Kafka';
      const idle = stages.filter((_, i) => subscriptions[i]!.assignedPartitions() === 0).map((stage) => stage.name);
      return idle.length === 0 ? null : `no partitions assigned to stage ${idle.join(', ')}`;
    };
    const server = await serveMetrics(options, metrics, notReadyReason, log);

    const { bus, topics, prefix, codec } = await connectKafka(options, 'tiers-up', log);
    const producer = await bus.createProducer();
    const runners: StageRunner[] = [];
    for (const [i, stage] of stages.entries()) {
      const stageLog = log.child({ stage: stage.name, topic: topics[stage.input] });
      const runner = new StageRunner(stage, operators[i]!, topics, producer, stageLog, metrics, codec);
      runners.push(runner);
      const groupId = `${prefix}.${stage.name}`;
      subscriptions.push(
        await bus.subscribe({ groupId, topic: topics[stage.input], fromBeginning: true, maxBatchSize: Math.min(options.batchSize, stage.maxBatchSize ?? Infinity), handler: runner.handleBatch }),
      );
      stageLog.info({ groupId, output: topics[stage.output] }, 'stage started');
    }
    const timer = setInterval(() => log.info({ stages: runners.map((r) => r.stats) }, 'stage counts'), options.statsInterval * 1000);
    timer.unref();

    const crashed = Promise.race(subscriptions.map((s) => s.done)).then(() => 'consumer stopped');
    const reason = await Promise.race([shutdownSignal(), crashed]);
    log.info({ reason }, 'stopping: finishing the batch in progress');
    clearInterval(timer);
    // Exiting without the commit is safe: the unfinished batch is consumed again on restart.
    const deadline = setTimeout(() => {
      log.error({ shutdownTimeoutSeconds: options.shutdownTimeout }, 'shutdown timed out; exiting without committing the batch in progress');
      process.exit(1);
    }, options.shutdownTimeout * 1000);
    deadline.unref();
    for (const subscription of subscriptions) await subscription.stop();
    await producer.close();
    await bus.close();
    server?.close();
    clearTimeout(deadline);
    log.info({ stages: runners.map((r) => r.stats) }, 'stopped');
    // NOTE: kafkajs can keep a socket open after a broker outage, which keeps the process alive
    // after a clean stop. Everything is committed and closed by now, so exit explicitly.
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
