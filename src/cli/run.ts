import { Command } from 'commander';
import { loadConfigFile } from '../core/config-file.js';
import { InputsFailedError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { runEmbedded } from '../runtime/embedded-run.js';
import { DEFAULT_QUEUE_CAPACITY } from '../bus/embedded-bus.js';
import { EngineMetrics } from '../metrics/metrics.js';
import { getTopology } from '../topologies/index.js';
import { addLlmOptions, connectLlm, type LlmCliOptions } from './llm-options.js';
import { addMetricsOptions, serveMetrics, type MetricsCliOptions } from './metrics-options.js';
import { DEFAULT_BATCH_SIZE, positiveInt, workerCount, WORKERS_HELP } from './options.js';
import { addReadOptions, readOptionsFrom, type ReadCliOptions } from './read-options.js';

interface RunCliOptions extends ReadCliOptions, MetricsCliOptions, LlmCliOptions {
  out: string;
  topology: string;
  config?: string;
  queueCapacity: number;
  batchSize: number;
  workers: number;
}

export function runCommand(): Command {
  const command = new Command('run')
    .description('Run the whole topology in this process (no Kafka) and write each tier to DIR/<tier>.jsonl')
    .argument('<inputs...>', 'JSON-lines files (.jsonl, .gz, .zst), WET files, or directories')
    .requiredOption('-o, --out <dir>', 'output directory for l0.jsonl, l1.jsonl, rejected.jsonl, dlq.jsonl and report.json')
    .option('--topology <name>', 'topology to run', 'default')
    .option('--config <file>', 'JSON file with per-operator settings: {"operators": {"<name>": {...}}}')
    .option('--queue-capacity <n>', 'messages that may wait between two stages', positiveInt('--queue-capacity'), DEFAULT_QUEUE_CAPACITY)
    .option('--batch-size <n>', 'records handed to a stage at a time', positiveInt('--batch-size'), DEFAULT_BATCH_SIZE)
    .option('--workers <n>', WORKERS_HELP, workerCount('--workers'), 0);
  addReadOptions(command);
  addLlmOptions(command);
  addMetricsOptions(command, false);
  return command.action(async (inputs: string[], options: RunCliOptions) => {
    // On a terminal the progress line shows what info logs would, so only warnings and errors print.
    const log = createLogger({ command: 'run' }, process.stderr.isTTY ? 'warn' : 'info');
    const topology = getTopology(options.topology);
    const config = loadConfigFile(options.config);
    const abort = new AbortController();
    const onSignal = (signal: string) => {
      log.warn({ signal }, 'stopping: no new input is read; records already read finish every stage');
      abort.abort();
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    const metrics = new EngineMetrics();
    const llm = await connectLlm(options, config, log, metrics);
    const server = await serveMetrics(options, metrics, () => null, log);
    const report = await runEmbedded({
      inputs,
      outDir: options.out,
      topology,
      operatorConfigs: config.operators,
      read: readOptionsFrom(options),
      queueCapacity: options.queueCapacity,
      maxBatchSize: options.batchSize,
      workers: options.workers,
      log,
      signal: abort.signal,
      metrics,
      progress: process.stderr,
      llm,
      scorerModel: options.scorerModel,
    }).finally(() => server?.close());
    const summary = {
      out: options.out,
      outputs: report.outputs,
      filesFailed: report.inputs.filesFailed,
      balanced: report.conservation.balanced,
      skippedStages: report.skippedStages,
      ...(report.llm ? { llmCostUsd: report.llm.costUsd, llmTokens: report.llm.promptTokens + report.llm.completionTokens } : {}),
      elapsedSeconds: report.elapsedSeconds,
    };
    for (const skipped of report.skippedStages) process.stderr.write(`tiers: stage ${skipped.stage} skipped: ${skipped.reason}\n`);
    process.stdout.write(JSON.stringify(summary) + '\n');
    if (!report.conservation.balanced) {
      throw new Error(`counts do not balance: ${report.conservation.errors.join('; ')}`);
    }
    if (report.inputs.failedFiles.length > 0) throw new InputsFailedError(report.inputs.failedFiles);
  });
}
