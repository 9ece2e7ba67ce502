import { hostname } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import type { Subscription, TransactionalProducer } from '../bus/bus.js';
import { loadConfigFile } from '../core/config-file.js';
import { ConfigError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { EngineMetrics } from '../metrics/metrics.js';
import { createStageOperators, forkStatefulOperators } from '../operators/index.js';
import { CHANGELOG_SUFFIX, CHANGELOG_TOPIC_CONFIG } from '../runtime/changelog.js';
import { StageRunner } from '../runtime/stage-runner.js';
import { startTransactionalStage } from '../runtime/transactional-stage.js';
import { parallelizeStage } from '../runtime/worker-pool.js';
import { getTopology } from '../topologies/index.js';
import { planStages } from '../topologies/plan.js';
import { addKafkaOptions, connectKafka, type KafkaCliOptions } from './kafka-options.js';
import { addLlmOptions, connectLlm, type LlmCliOptions } from './llm-options.js';
import { addMetricsOptions, serveMetrics, type MetricsCliOptions } from './metrics-options.js';
import { DEFAULT_BATCH_SIZE, positiveInt, shutdownSignal, workerCount, WORKERS_HELP } from './options.js';

/**
 * Parses --instance-id: it becomes part of a transactional id, and of changelog keys where dedup
 * state is kept per process. `@hostname` stands for the host name, which stays the same across
 * restarts of one container.
 */
function instanceId(raw: string): string {
  const value = raw === '@hostname' ? hostname() : raw;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(value)) {
    throw new InvalidArgumentError(`--instance-id must be 1 to 100 letters, digits, '.', '_' or '-', got "${value}".`);
  }
  return value;
}

/** Parses --session-timeout: Kafka brokers accept 6 s to 5 min by default. */
function sessionTimeoutMs(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 6000 || ms > 300_000) {
    throw new InvalidArgumentError(`--session-timeout must be milliseconds from 6000 to 300000, got "${value}".`);
  }
  return ms;
}

interface UpCliOptions extends KafkaCliOptions, MetricsCliOptions, LlmCliOptions {
  topology: string;
  config?: string;
  stage?: string[];
  batchSize: number;
  statsInterval: number;
  shutdownTimeout: number;
  sessionTimeout?: number;
  snapshotInterval: number;
  instanceId?: string;
  workers: number;
}

export function upCommand(): Command {
  const command = new Command('up')
    .description('Run the topology\'s stages as Kafka consumer groups until SIGINT or SIGTERM')
    .option('--topology <name>', 'topology to run', 'default')
    .option('--config <file>', 'JSON file with per-operator settings: {"operators": {"<name>": {...}}}')
    .option('--stage <name...>', 'run only these stages (default: all)')
    .option('--batch-size <n>', 'records handed to a stage at a time', positiveInt('--batch-size'), DEFAULT_BATCH_SIZE)
    .option('--workers <n>', WORKERS_HELP, workerCount('--workers'), 0)
    .option('--stats-interval <seconds>', 'how often to log stage counts', positiveInt('--stats-interval'), 30)
    .option('--shutdown-timeout <seconds>', 'after SIGINT or SIGTERM, abort the open transaction and exit with status 1 if the batch in progress has not finished by then', positiveInt('--shutdown-timeout'), 30)
    .option('--session-timeout <ms>', 'consumer group session timeout: how soon the group hands a dead process\'s partitions to others (the broker accepts 6000 and up)', sessionTimeoutMs)
    .option('--snapshot-interval <seconds>', 'how often dedup operators write a full snapshot of their state to the changelog topic', positiveInt('--snapshot-interval'), 60)
    .option('--instance-id <id>', 'names this process among several running the same stages; each needs its own, stable across restarts; @hostname uses the host name (default: TIERS_INSTANCE_ID)', instanceId, process.env.TIERS_INSTANCE_ID === undefined || process.env.TIERS_INSTANCE_ID === '' ? undefined : instanceId(process.env.TIERS_INSTANCE_ID));
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
    const parallel = stages.map((stage) =>
      parallelizeStage(stage, createStageOperators(stage, config.operators, { llm }), config.operators, options.workers, log.child({ stage: stage.name })),
    );
    const operators = parallel.map((stage) => stage.operators);

    const subscriptions: Subscription[] = [];
    const notReadyReason = () => {
      if (subscriptions.length < stages.length) return 'connecting to Kafka';
      const idle = stages.filter((_, i) => subscriptions[i]!.assignedPartitions() === 0).map((stage) => stage.name);
      return idle.length === 0 ? null : `no partitions assigned to stage ${idle.join(', ')}`;
    };
    const server = await serveMetrics(options, metrics, notReadyReason, log);

    const { bus, topics, prefix, codec } = await connectKafka(options, 'tiers-up', log);
    const changelogTopic = `${prefix}.${CHANGELOG_SUFFIX}`;
    await bus.ensureTopics([{ name: changelogTopic, partitions: 1, config: CHANGELOG_TOPIC_CONFIG }]);
    // Only the transactional producers publish; this one exists for the runner's plain path.
    const producer = await bus.createProducer();
    const runners: StageRunner[] = [];
    const producers: TransactionalProducer[] = [];
    let fenced: (err: unknown) => void = () => {};
    const fencedOut = new Promise<string>((resolve) => {
      fenced = (err) => {
        log.error({ err }, 'another process took over this stage; stopping');
        resolve('fenced by a newer process');
      };
    });
    for (const [i, stage] of stages.entries()) {
      const stageLog = log.child({ stage: stage.name, topic: topics[stage.input] });
      const runner = new StageRunner(stage, operators[i]!, topics, producer, stageLog, metrics, codec);
      runners.push(runner);
      const groupId = `${prefix}.${stage.name}`;
      const transactionalId = options.instanceId === undefined ? groupId : `${groupId}.${options.instanceId}`;
      const started = await startTransactionalStage({
        bus,
        runner,
        operators: operators[i]!,
        forkStateful: () => forkStatefulOperators(stage, operators[i]!, config.operators, { llm }),
        groupId,
        inputTopic: topics[stage.input],
        changelogTopic,
        transactionalId,
        maxBatchSize: Math.min(options.batchSize, stage.maxBatchSize ?? Infinity),
        ...(options.sessionTimeout !== undefined ? { sessionTimeoutMs: options.sessionTimeout } : {}),
        snapshotIntervalSeconds: options.snapshotInterval,
        log: stageLog,
        onFenced: fenced,
      });
      subscriptions.push(started.subscription);
      producers.push(started.producer);
      stageLog.info({ groupId, transactionalId, output: topics[stage.output] }, 'stage started');
    }
    const timer = setInterval(() => log.info({ stages: runners.map((r) => r.stats) }, 'stage counts'), options.statsInterval * 1000);
    timer.unref();

    let failed = false;
    const crashed = Promise.race(subscriptions.map((s) => s.done)).then(
      () => 'consumer stopped',
      (err: unknown) => {
        failed = true;
        log.error({ err }, 'a stage consumer crashed and will not restart');
        return 'consumer crashed';
      },
    );
    const reason = await Promise.race([shutdownSignal(), crashed, fencedOut.then((r) => ((failed = true), r))]);
    log.info({ reason }, 'stopping: finishing the batch in progress');
    clearInterval(timer);
    // Exiting without the commit is safe: the unfinished batch is consumed again on restart.
    // Aborting the open transaction first spares read-committed consumers a wait for the
    // broker's transaction timeout.
    const deadline = setTimeout(() => {
      log.error({ shutdownTimeoutSeconds: options.shutdownTimeout }, 'shutdown timed out; aborting the open transaction and exiting');
      const abort = Promise.allSettled(producers.map((p) => p.abortOpen()));
      const exit = () => process.exit(1);
      void abort.then(exit);
      setTimeout(exit, 5000).unref();
    }, options.shutdownTimeout * 1000);
    deadline.unref();
    for (const subscription of subscriptions) await subscription.stop();
    for (const transactional of producers) await transactional.close();
    await producer.close();
    await bus.close();
    await Promise.all(parallel.map((stage) => stage.pool?.close()));
    server?.close();
    clearTimeout(deadline);
    log.info({ stages: runners.map((r) => r.stats) }, 'stopped');
    // NOTE: kafkajs can keep a socket open after a broker outage, which keeps the process alive
    // after a clean stop. Everything is committed and closed by now, so exit explicitly.
    // A crashed or fenced stage exits 1, so a supervisor restarts it.
    setTimeout(() => process.exit(failed ? 1 : 0), 2000).unref();
  });
}
