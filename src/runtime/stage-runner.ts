import type { Logger } from 'pino';
import type { BatchInfo, BusMessage, BusProducer, ConsumedMessage, TopicMessages } from '../bus/bus.js';
import { AvroValueCodec, type ValueCodec } from '../codec/registry.js';
import { errorMessage, isRetriable, RecordError } from '../core/errors.js';
import type { Operator, Outcome } from '../core/operator.js';
import { dedupScope, type RejectedRecord, type TierRecord } from '../core/record.js';
import type { TopicNames } from '../core/topics.js';
import type { EngineMetrics } from '../metrics/metrics.js';
import type { StageSpec } from '../topologies/types.js';
import { eventLoopYielder } from './map-with-limit.js';
import { flowRecords, type Applied } from './record-flow.js';
import { addOperatorStats, countRejection, newOperatorStats, type OperatorStats, type StageStats } from './stats.js';

/** Rule recorded when an operator throws a non-retriable error for one record. */
export const OPERATOR_ERROR_RULE = 'operator_error';
/** Rule recorded when an operator returns neither a promote nor a reject for a record. */
export const NO_OUTCOME_RULE = 'operator_no_outcome';
/** Longest stretch, in milliseconds, a batch runs before letting timers and sockets in. */
const YIELD_EVERY_MS = 50;

/** What one batch produced, ready to publish. */
export interface BatchResult {
  /** Messages per output topic: the output tier, the rejected topic and the DLQ. */
  outputs: TopicMessages[];
  /** Adds the batch to the counters and metrics; call it once the outputs are published. */
  published(): void;
}

/**
 * Runs one stage's operators over consumed batches: decode, run each operator in order,
 * then publish promoted records to the output tier, rejections to the rejected topic and
 * undecodable messages to the DLQ. The transport commits the batch only after this resolves.
 */
export class StageRunner {
  readonly stats: StageStats;
  private readonly operatorStats: OperatorStats[];

  constructor(
    private readonly stage: StageSpec,
    private readonly operators: Operator[],
    private readonly topics: TopicNames,
    private readonly producer: BusProducer,
    private readonly log: Logger,
    private readonly metrics?: EngineMetrics,
    private readonly codec: ValueCodec = new AvroValueCodec(),
  ) {
    this.operatorStats = this.newBatchStats();
    this.stats = {
      stage: stage.name,
      input: topics[stage.input],
      output: topics[stage.output],
      consumed: 0,
      promoted: 0,
      rejected: 0,
      dlq: 0,
      operators: this.operatorStats,
    };
    metrics?.zeroStage(
      stage.name,
      stage.output,
      this.operatorStats.map((op) => ({ name: op.operator, rules: Object.keys(op.rules) })),
    );
  }

  private newBatchStats(): OperatorStats[] {
    return this.operators.map((op) =>
      newOperatorStats(op.name, op.version, [...op.rules, OPERATOR_ERROR_RULE, NO_OUTCOME_RULE]),
    );
  }

  /** Runs a batch and publishes its outputs with the plain producer: at-least-once delivery. */
  readonly handleBatch = async (messages: ConsumedMessage[], info?: BatchInfo): Promise<void> => {
    const result = await this.processBatch(messages, info);
    await Promise.all(result.outputs.map((batch) => this.producer.send(batch.topic, batch.messages)));
    result.published();
  };

  /**
   * Decodes the batch and runs the operators; returns the messages to publish, one entry per
   * output topic. Nothing is counted until the caller has published them and calls `published`,
   * so a batch that fails and is consumed again counts once. `operators` replaces the stage's
   * operators for this batch: copies with the same names, versions and rules, such as the
   * dedup operators of one partition.
   */
  async processBatch(messages: ConsumedMessage[], info?: BatchInfo, operators: readonly Operator[] = this.operators): Promise<BatchResult> {
    const started = process.hrtime.bigint();
    const now = Date.now();
    const batchStats = this.newBatchStats();
    const promoted: BusMessage[] = [];
    const rejected: BusMessage[] = [];
    const dead: BusMessage[] = [];
    const records: TierRecord[] = [];

    for (const message of messages) {
      let record: TierRecord;
      try {
        record = await this.codec.decodeTier(message.value);
      } catch (err) {
        // Only bytes that are not a record go to the DLQ; a registry that is down fails the batch.
        if (!(err instanceof RecordError)) throw err;
        dead.push(await this.deadLetter(message, err, now));
        continue;
      }
      records.push(record);
    }

    const survivors = await this.runOperators(operators, records, batchStats, rejected, now);
    for (const survivor of survivors) {
      survivor.tier = this.stage.output;
      promoted.push({ key: dedupScope(survivor), value: await this.codec.encodeTier(this.topics[this.stage.output], survivor) });
    }

    const outputs: TopicMessages[] = [
      { topic: this.topics[this.stage.output], messages: promoted },
      { topic: this.topics.rejected, messages: rejected },
      { topic: this.topics.dlq, messages: dead },
    ];
    const published = () => {
      this.stats.consumed += messages.length;
      this.stats.promoted += promoted.length;
      this.stats.rejected += rejected.length;
      this.stats.dlq += dead.length;
      batchStats.forEach((delta, i) => addOperatorStats(this.operatorStats[i]!, delta));
      if (this.metrics) this.record(this.metrics, messages, batchStats, dead.length, started, info);
    };
    return { outputs, published };
  }

  private record(
    metrics: EngineMetrics,
    messages: ConsumedMessage[],
    batchStats: OperatorStats[],
    dead: number,
    started: bigint,
    info: BatchInfo | undefined,
  ): void {
    const stage = this.stage.name;
    const tier = this.stage.output;
    for (const delta of batchStats) {
      metrics.recordsConsumed.labels(stage, delta.operator, tier).inc(delta.in);
      metrics.recordsPromoted.labels(stage, delta.operator, tier).inc(delta.promoted);
      metrics.recordsEmitted.labels(stage, delta.operator, tier).inc(delta.emitted);
      for (const [rule, count] of Object.entries(delta.rules)) {
        if (count > 0) metrics.recordsRejected.labels(stage, delta.operator, tier, rule).inc(count);
      }
    }
    metrics.dlqRecords.labels(stage).inc(dead);
    metrics.processedBytes.labels(stage).inc(messages.reduce((sum, m) => sum + m.value.length, 0));
    metrics.batchDuration.labels(stage).observe(Number(process.hrtime.bigint() - started) / 1e9);
    // NOTE: lag is measured when a batch arrives, so a consumer that stops fetching keeps
    // reporting its last value. An alert on a stalled stage should also watch its rate.
    const last = messages[messages.length - 1];
    if (info && last) {
      const lag = BigInt(info.highWatermark) - BigInt(last.offset) - 1n;
      metrics.consumerLag.labels(stage, last.topic, String(last.partition)).set(Number(lag < 0n ? 0n : lag));
    }
  }

  /**
   * Passes the batch's records through every operator and returns the records that all of
   * them promoted, in input order. Rejections are listed by operator, then input order, so
   * the rejected topic and the counters do not depend on how many records ran at once.
   */
  private async runOperators(
    operators: readonly Operator[],
    records: TierRecord[],
    batchStats: OperatorStats[],
    rejected: BusMessage[],
    now: number,
  ): Promise<TierRecord[]> {
    // CPU-bound operators would otherwise hold the event loop for the whole batch, and
    // /metrics scrapes and health checks would time out while a large batch runs.
    const letOthersRun = eventLoopYielder(YIELD_EVERY_MS);
    const { survivors, outputs } = await flowRecords(records, operators, {
      decide: async (i, input) => {
        await letOthersRun();
        return this.decide(operators[i]!, input);
      },
      apply: (i, inputs, decisions) => this.apply(operators[i]!, inputs, decisions, batchStats[i]!, now),
    });
    for (const perRecord of outputs) {
      for (const messages of perRecord) if (messages !== undefined) rejected.push(...messages);
    }
    return survivors;
  }

  /** Counts one operator's decisions, adds lineage, and encodes its rejections. */
  private async apply(
    operator: Operator,
    inputs: TierRecord[],
    decisions: Outcome[][],
    stats: OperatorStats,
    now: number,
  ): Promise<Applied<BusMessage[]>> {
    const next: TierRecord[] = [];
    const rejected: BusMessage[] = [];
    for (const [j, input] of inputs.entries()) {
      stats.in++;
      let decided = false;
      for (const outcome of decisions[j]!) {
        if (outcome.kind === 'reject') {
          decided = true;
          countRejection(stats, outcome.rule);
          rejected.push(await this.rejection(operator, outcome, now));
          continue;
        }
        const parentId = outcome.kind === 'emit' ? input.id : null;
        outcome.record.lineage.push({
          operator: operator.name,
          version: operator.version,
          time: now,
          action: outcome.kind === 'promote' && outcome.edited ? 'edit' : outcome.kind,
          parentId,
          details: outcome.details ?? null,
        });
        if (outcome.kind === 'promote') {
          decided = true;
          stats.promoted++;
        } else {
          stats.emitted++;
        }
        next.push(outcome.record);
      }
      if (!decided) {
        countRejection(stats, NO_OUTCOME_RULE);
        const reason = `operator ${operator.name} returned no decision for record ${input.id}`;
        rejected.push(await this.rejection(operator, { kind: 'reject', record: input, rule: NO_OUTCOME_RULE, reason }, now));
      }
    }
    return { next, output: rejected };
  }

  private async decide(operator: Operator, record: TierRecord): Promise<Outcome[]> {
    try {
      return await operator.process(record, { log: this.log });
    } catch (err) {
      // Retriable failures (a model endpoint down) fail the batch so it is consumed again.
      if (isRetriable(err)) throw err;
      this.log.error({ err, operator: operator.name, recordId: record.id }, 'operator failed on a record');
      const reason = `operator ${operator.name} failed: ${errorMessage(err)}`;
      return [{ kind: 'reject', record, rule: OPERATOR_ERROR_RULE, reason }];
    }
  }

  private async rejection(operator: Operator, outcome: Extract<Outcome, { kind: 'reject' }>, now: number): Promise<BusMessage> {
    const record = outcome.record;
    record.lineage.push({
      operator: operator.name,
      version: operator.version,
      time: now,
      action: 'reject',
      parentId: null,
      details: outcome.details ?? null,
    });
    const rejected: RejectedRecord = {
      record,
      operator: operator.name,
      operatorVersion: operator.version,
      rule: outcome.rule,
      reason: outcome.reason,
      value: outcome.value ?? null,
      duplicateOf: outcome.duplicateOf ?? null,
      time: now,
    };
    this.log.debug({ operator: operator.name, recordId: record.id, rule: outcome.rule }, 'record rejected');
    return { key: record.id, value: await this.codec.encodeRejected(this.topics.rejected, rejected) };
  }

  private async deadLetter(message: ConsumedMessage, err: unknown, now: number): Promise<BusMessage> {
    const position = `${message.partition}:${message.offset}`;
    this.log.error({ err, stage: this.stage.name, topic: message.topic, position }, 'message is not a valid record; sent to the DLQ');
    const value = await this.codec.encodeDeadLetter(this.topics.dlq, {
      origin: message.topic,
      position,
      key: message.key,
      payload: message.value,
      error: errorMessage(err),
      stage: this.stage.name,
      time: now,
    });
    return { key: message.key, value };
  }
}
