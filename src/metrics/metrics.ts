import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DEFAULT_METRICS_PREFIX, METRIC } from './names.js';

/** Batch durations from 1 ms to about 2 minutes; LLM stages sit at the top of that range. */
const BATCH_SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The engine's Prometheus metrics in their own registry, so tests can create several. */
export class EngineMetrics {
  readonly registry = new Registry();
  readonly recordsConsumed: Counter<'stage' | 'operator' | 'tier'>;
  readonly recordsPromoted: Counter<'stage' | 'operator' | 'tier'>;
  readonly recordsRejected: Counter<'stage' | 'operator' | 'tier' | 'rule'>;
  readonly recordsEmitted: Counter<'stage' | 'operator' | 'tier'>;
  readonly dlqRecords: Counter<'stage'>;
  readonly processedBytes: Counter<'stage'>;
  readonly batchDuration: Histogram<'stage'>;
  readonly consumerLag: Gauge<'stage' | 'topic' | 'partition'>;
  readonly ingestRecords: Counter<'outcome'>;
  readonly ingestBytes: Counter;
  readonly llmRequests: Counter<'operator' | 'model' | 'outcome'>;
  readonly llmErrors: Counter<'operator' | 'kind'>;
  readonly llmCircuitOpen: Gauge;
  readonly llmTokens: Counter<'operator' | 'model' | 'kind'>;
  readonly llmRequestDuration: Histogram<'operator' | 'model'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const stageOperator = ['stage', 'operator', 'tier'] as const;
    this.recordsConsumed = new Counter({
      name: METRIC.recordsConsumed,
      help: 'Records an operator received.',
      labelNames: stageOperator,
      registers,
    });
    this.recordsPromoted = new Counter({
      name: METRIC.recordsPromoted,
      help: 'Records an operator promoted.',
      labelNames: stageOperator,
      registers,
    });
    this.recordsRejected = new Counter({
      name: METRIC.recordsRejected,
      help: 'Records an operator rejected, by rule.',
      labelNames: [...stageOperator, 'rule'] as const,
      registers,
    });
    this.recordsEmitted = new Counter({
      name: METRIC.recordsEmitted,
      help: 'New records an operator derived from its input.',
      labelNames: stageOperator,
      registers,
    });

    this.dlqRecords = new Counter({
      name: METRIC.dlqRecords,
      help: 'Messages a stage sent to the DLQ because they are not valid records.',
      labelNames: ['stage'] as const,
      registers,
    });
    this.processedBytes = new Counter({
      name: METRIC.processedBytes,
      help: 'Bytes of message values a stage consumed.',
      labelNames: ['stage'] as const,
      registers,
    });
    this.batchDuration = new Histogram({
      name: METRIC.batchDuration,
      help: 'Seconds to process and publish one batch.',
      labelNames: ['stage'] as const,
      buckets: BATCH_SECONDS_BUCKETS,
      registers,
    });

    this.consumerLag = new Gauge({
      name: METRIC.consumerLag,
      help: 'Messages between the consumer position and the end of the partition, at the last fetched batch.',
      labelNames: ['stage', 'topic', 'partition'] as const,
      registers,
    });

    this.ingestRecords = new Counter({
      name: METRIC.ingestRecords,
      help: 'Input items read, by where they went.',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.ingestBytes = new Counter({ name: METRIC.ingestBytes, help: 'Bytes of message values published by ingest.', registers });

    this.llmRequests = new Counter({
      name: METRIC.llmRequests,
      help: 'Model requests by how they ended: ok, cache_hit or error (after every retry).',
      labelNames: ['operator', 'model', 'outcome'] as const,
      registers,
    });
    this.llmErrors = new Counter({
      name: METRIC.llmErrors,
      help: 'Failed model request attempts by kind, retried ones included.',
      labelNames: ['operator', 'kind'] as const,
      registers,
    });
    this.llmCircuitOpen = new Gauge({
      name: METRIC.llmCircuitOpen,
      help: '1 while the circuit breaker keeps requests from a failing model endpoint, else 0.',
      registers,
    });
    this.llmTokens = new Counter({
      name: METRIC.llmTokens,
      help: 'Tokens the model read (prompt) and wrote (completion); cache hits cost none.',
      labelNames: ['operator', 'model', 'kind'] as const,
      registers,
    });
    this.llmRequestDuration = new Histogram({
      name: METRIC.llmRequestDuration,
      help: 'Seconds from sending one model request to its answer.',
      labelNames: ['operator', 'model'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });

    for (const outcome of ['l0', 'rejected', 'dlq']) this.ingestRecords.labels(outcome).inc(0);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: DEFAULT_METRICS_PREFIX });
  }

  /** Creates a stage's series at zero, so rates and alerts see them before the first record. */
  zeroStage(stage: string, tier: string, operators: { name: string; rules: readonly string[] }[]): void {
    this.dlqRecords.labels(stage).inc(0);
    this.processedBytes.labels(stage).inc(0);
    for (const operator of operators) {
      this.recordsConsumed.labels(stage, operator.name, tier).inc(0);
      this.recordsPromoted.labels(stage, operator.name, tier).inc(0);
      this.recordsEmitted.labels(stage, operator.name, tier).inc(0);
      for (const rule of operator.rules) this.recordsRejected.labels(stage, operator.name, tier, rule).inc(0);
    }
  }
}
