import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Subscription } from '../bus/bus.js';
import { EmbeddedBus } from '../bus/embedded-bus.js';
import { ConfigError } from '../core/errors.js';
import type { Operator } from '../core/operator.js';
import { packageVersion } from '../core/paths.js';
import { TOPIC_ROLES, topicNames, type TopicNames, type TopicRole } from '../core/topics.js';
import { InputReader, type ReadItem, type ReadOptions } from '../io/read-inputs.js';
import type { ReadStats } from '../io/types.js';
import { createStageOperators, type OperatorConfigs } from '../operators/index.js';
import type { LlmClient } from '../llm/client.js';
import type { UsageReport } from '../llm/usage.js';
import { planStages, type SkippedStage, type StagePlan } from '../topologies/plan.js';
import type { Topology } from '../topologies/types.js';
import type { EngineMetrics } from '../metrics/metrics.js';
import { FileSink } from './file-sink.js';
import { ingest, newIngestStats, type IngestStats } from './ingest.js';
import { ProgressLine } from './progress.js';
import { StageRunner } from './stage-runner.js';
import { conservationErrors, type StageStats } from './stats.js';
import { parallelizeStage } from './worker-pool.js';

export interface EmbeddedRunOptions {
  inputs: string[];
  outDir: string;
  topology: Topology;
  operatorConfigs: OperatorConfigs;
  read: ReadOptions;
  /** Messages per partition that may wait between two stages before the upstream one waits. */
  queueCapacity: number;
  maxBatchSize: number;
  log: Logger;
  /** Stops reading new input when aborted; what was read still drains through every stage. */
  signal?: AbortSignal;
  metrics?: EngineMetrics;
  /** Terminal to draw a progress line on; nothing is drawn when it is not a TTY. */
  progress?: NodeJS.WriteStream;
  /** The shared model client for LLM operators; without it their stages are skipped. */
  llm?: LlmClient;
  /** A trained classifier that replaces llm-scorer. */
  scorerModel?: string;
  /** Worker threads per stage for its stateless CPU-bound operators; 0 or absent runs them on the main thread. */
  workers?: number;
}

export interface RunReport {
  version: string;
  topology: string;
  startedAt: string;
  elapsedSeconds: number;
  interrupted: boolean;
  inputs: IngestStats & Pick<ReadStats, 'files' | 'filesFailed' | 'failedFiles' | 'filesSkipped'>;
  stages: StageStats[];
  /** Records written per output file role (l0, l1, rejected, dlq, ...). */
  outputs: Partial<Record<TopicRole, number>>;
  conservation: { balanced: boolean; errors: string[] };
  /** Stages of the topology that did not run, each with how to enable it. */
  skippedStages: SkippedStage[];
  /** Model requests, tokens and the cost estimate, when an LLM endpoint was configured. */
  llm: UsageReport | null;
}

/** Embedded topics are in-process, so the prefix only labels them in logs. */
const EMBEDDED_PREFIX = 'tiers';

async function prepareOutDir(dir: string): Promise<void> {
  const existing = await stat(dir).catch(() => null);
  if (existing && !existing.isDirectory()) {
    throw new ConfigError(`output path ${dir} exists and is not a directory: choose another --out`);
  }
  await mkdir(dir, { recursive: true });
}

async function* untilAborted(items: AsyncIterable<ReadItem>, signal: AbortSignal | undefined) {
  for await (const item of items) {
    if (signal?.aborted) return;
    yield item;
  }
}

/**
 * Runs a whole topology in this process: reads the inputs into L0, runs every stage on the
 * embedded bus, writes each topic to `<outDir>/<role>.jsonl` and returns the counts that
 * report.json holds.
 */
export async function runEmbedded(options: EmbeddedRunOptions): Promise<RunReport> {
  const started = Date.now();
  const log = options.log;
  const topics = topicNames(EMBEDDED_PREFIX);
  const bus = new EmbeddedBus(log, options.queueCapacity);
  await prepareOutDir(options.outDir);
  await bus.ensureTopics(TOPIC_ROLES.map((role) => ({ name: topics[role], partitions: 1 })));

  const plan = planStages(options.topology, { llm: options.llm !== undefined, scorerModel: options.scorerModel });
  for (const skipped of plan.skipped) log.info({ stage: skipped.stage, reason: skipped.reason }, 'stage skipped');
  const parallel = plan.stages.map((stage) =>
    parallelizeStage(stage, createStageOperators(stage, options.operatorConfigs, { llm: options.llm }), options.operatorConfigs, options.workers ?? 0, log),
  );
  const stageOperators = parallel.map((stage) => stage.operators);
  try {
    return await runStages(options, started, bus, topics, plan, stageOperators);
  } finally {
    await Promise.all(parallel.map((stage) => stage.pool?.close()));
  }
}

/** Runs the planned stages on the embedded bus and writes the outputs and report.json. */
async function runStages(
  options: EmbeddedRunOptions,
  started: number,
  bus: EmbeddedBus,
  topics: TopicNames,
  plan: StagePlan,
  stageOperators: Operator[][],
): Promise<RunReport> {
  const log = options.log;
  const producer = await bus.createProducer();
  const subscriptions: Subscription[] = [];

  const roles = new Set<TopicRole>(['l0', 'rejected', 'dlq']);
  for (const stage of plan.stages) roles.add(stage.output);
  const sinks = [...roles].map((role) => new FileSink(role, join(options.outDir, `${role}.jsonl`)));
  for (const sink of sinks) {
    subscriptions.push(
      await bus.subscribe({ groupId: `file-sink`, topic: topics[sink.role], fromBeginning: true, maxBatchSize: options.maxBatchSize, handler: sink.handleBatch }),
    );
  }

  const runners = plan.stages.map((stage, i) => {
    const stageLog = log.child({ stage: stage.name });
    return new StageRunner(stage, stageOperators[i]!, topics, producer, stageLog, options.metrics);
  });
  for (const [i, runner] of runners.entries()) {
    const stage = plan.stages[i]!;
    subscriptions.push(
      await bus.subscribe({
        groupId: stage.name,
        topic: topics[stage.input],
        fromBeginning: true,
        maxBatchSize: Math.min(options.maxBatchSize, stage.maxBatchSize ?? Infinity),
        handler: runner.handleBatch,
      }),
    );
  }

  const crashed = Promise.race(subscriptions.map((s) => s.done)).then(() => {
    throw new Error('an embedded consumer stopped before the run finished');
  });
  crashed.catch(() => {});

  log.info({ inputs: options.inputs, topology: options.topology.name, outDir: options.outDir }, 'run started');
  const reader = new InputReader(options.inputs, options.read, log);
  const ingestStats = newIngestStats();
  const progress = options.progress ? new ProgressLine(options.progress, ingestStats, () => runners.map((r) => r.stats)) : null;
  progress?.start();
  try {
    const items = untilAborted(reader.items(), options.signal);
    await Promise.race([ingest(items, producer, topics, log, { metrics: options.metrics, stats: ingestStats }), crashed]);
    await Promise.race([bus.whenIdle(), crashed]);
  } finally {
    progress?.stop();
  }

  for (const subscription of subscriptions) await subscription.stop();
  for (const sink of sinks) await sink.close();
  await bus.close();

  const stages = runners.map((runner) => runner.stats);
  const errors = stages.flatMap(conservationErrors);
  if (ingestStats.read !== ingestStats.promoted + ingestStats.rejected + ingestStats.dlq) {
    errors.push(`ingest: read ${ingestStats.read} != l0 ${ingestStats.promoted} + rejected ${ingestStats.rejected} + dlq ${ingestStats.dlq}`);
  }
  const outputs: Partial<Record<TopicRole, number>> = {};
  for (const sink of sinks) outputs[sink.role] = sink.count;

  const report: RunReport = {
    version: packageVersion(),
    topology: options.topology.name,
    startedAt: new Date(started).toISOString(),
    elapsedSeconds: (Date.now() - started) / 1000,
    interrupted: options.signal?.aborted ?? false,
    inputs: {
      files: reader.stats.files,
      filesFailed: reader.stats.filesFailed,
      failedFiles: reader.stats.failedFiles,
      filesSkipped: reader.stats.filesSkipped,
      ...ingestStats,
    },
    stages,
    outputs,
    conservation: { balanced: errors.length === 0, errors },
    skippedStages: plan.skipped,
    llm: options.llm?.report() ?? null,
  };
  await writeFile(join(options.outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  log.info({ outputs, elapsedSeconds: report.elapsedSeconds, balanced: report.conservation.balanced }, 'run finished');
  return report;
}
