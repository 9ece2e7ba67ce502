/**
 * Metric names and label sets, in one place so dashboards, alert rules and tests can rely
 * on them. Names follow Prometheus conventions: the `tiers_` prefix, base units, `_total`
 * on counters. Labels carry only bounded values (stage, operator, tier, rule, topic,
 * partition), never record ids, text or secrets.
 */
export const METRIC = {
  /** Counter: records an operator received. Labels: stage, operator, tier (the stage's output tier). */
  recordsConsumed: 'tiers_records_consumed_total',
  /** Counter: records an operator promoted. Labels: stage, operator, tier. */
  recordsPromoted: 'tiers_records_promoted_total',
  /** Counter: records an operator rejected. Labels: stage, operator, tier, rule. */
  recordsRejected: 'tiers_records_rejected_total',
  /** Counter: new records an operator emitted (synthesis). Labels: stage, operator, tier. */
  recordsEmitted: 'tiers_records_emitted_total',
  /** Counter: messages a stage sent to the DLQ because they did not decode. Labels: stage. */
  dlqRecords: 'tiers_dlq_records_total',
  /** Counter: bytes of message values a stage consumed. Labels: stage. */
  processedBytes: 'tiers_processed_bytes_total',
  /** Histogram: seconds to process and publish one batch. Labels: stage. */
  batchDuration: 'tiers_batch_duration_seconds',
  /** Gauge: messages between a consumer group's position and the partition end. Labels: stage, topic, partition. */
  consumerLag: 'tiers_consumer_lag_records',
  /** Counter: input items read by `tiers ingest` and `tiers run`. Labels: outcome (l0, rejected, dlq). */
  ingestRecords: 'tiers_ingest_records_total',
  /** Counter: bytes of message values published by ingest. */
  ingestBytes: 'tiers_ingest_bytes_total',
  /** Counter: model requests by how they ended (ok, cache_hit, error). Labels: operator, model, outcome. */
  llmRequests: 'tiers_llm_requests_total',
  /** Counter: failed model request attempts, retried ones included. Labels: operator, kind. */
  llmErrors: 'tiers_llm_errors_total',
  llmCircuitOpen: 'tiers_llm_circuit_open',
  /** Counter: tokens the model read and wrote, cache hits excluded. Labels: operator, model, kind (prompt, completion). */
  llmTokens: 'tiers_llm_tokens_total',
  /** Histogram: seconds from sending a request to its answer, retries excluded. Labels: operator, model. */
  llmRequestDuration: 'tiers_llm_request_duration_seconds',
} as const;

/** Prefix of prom-client's default process and Node.js metrics. */
export const DEFAULT_METRICS_PREFIX = 'tiers_';
