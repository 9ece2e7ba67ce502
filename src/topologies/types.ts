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
}

export interface Topology {
  name: string;
  description: string;
  stages: StageSpec[];
}
