import { Command } from 'commander';
import { InputsFailedError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { InputReader } from '../io/read-inputs.js';
import { EngineMetrics } from '../metrics/metrics.js';
import { ingest } from '../runtime/ingest.js';
import { addMetricsOptions, serveMetrics, type MetricsCliOptions } from './metrics-options.js';
import { addKafkaOptions, connectKafka, type KafkaCliOptions } from './kafka-options.js';
import { addReadOptions, readOptionsFrom, type ReadCliOptions } from './read-options.js';

export function ingestCommand(): Command {
  const command = new Command('ingest')
    .description('Publish input files to the L0 topic on Kafka (rejected inputs to <prefix>.rejected, unreadable ones to <prefix>.dlq)')
    .argument('<inputs...>', 'JSON-lines files (.jsonl, .gz, .zst), WET files, or directories');
  addKafkaOptions(command);
  addReadOptions(command);
  addMetricsOptions(command, false);
  return command.action(async (inputs: string[], options: KafkaCliOptions & ReadCliOptions & MetricsCliOptions) => {
    const log = createLogger({ command: 'ingest' });
    const metrics = new EngineMetrics();
    const server = await serveMetrics(options, metrics, () => null, log);
    const { bus, topics } = await connectKafka(options, 'tiers-ingest', log);
    try {
      const producer = await bus.createProducer();
      const reader = new InputReader(inputs, readOptionsFrom(options), log);
      log.info({ inputs, topic: topics.l0 }, 'ingest started');
      const stats = await ingest(reader.items(), producer, topics, log, { metrics });
      await producer.close();
      const { files, filesFailed, filesSkipped } = reader.stats;
      const summary = { files, filesFailed, filesSkipped, ...stats, topic: topics.l0 };
      log.info(summary, 'ingest finished');
      process.stdout.write(JSON.stringify(summary) + '\n');
      if (reader.stats.failedFiles.length > 0) throw new InputsFailedError(reader.stats.failedFiles);
    } finally {
      await bus.close();
      server?.close();
    }
  });
}
