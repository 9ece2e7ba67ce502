import type { Tier } from '../core/record.js';

/** One operator in a stage, by registered name, with its config before validation. */
export interface OperatorSpec {
  operator: string;
  config?: Record<string, unknown>;
}

/**
 * A stage consumes one tier topic, runs its operators in order on each record and publishes
 * the records that every operator promoted to the output tier topic. On Kafka each stage is
 * one consumer group.
 */
export interface StageSpec {
  name: string;
  input: Tier;
  output: Tier;
  operators: OperatorSpec[];
  /**
   * Most records the stage takes at a time, below the command's --batch-size. Model-driven
   * stages keep batches small, so progress is committed every few dozen records instead of
   * after many minutes of model calls.
   */
  maxBatchSize?: number;
}

export interface Topology {
  name: string;
  description: string;
  stages: StageSpec[];
}
