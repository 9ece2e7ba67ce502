import type { LlmSample, LlmStatus } from './llm-metrics.js';
import type { TopicRole } from '../core/topics.js';

/** Offsets of one partition as Kafka reports them. */
export interface PartitionOffsets {
  partition: number;
  /** First offset still stored (the low watermark). */
  low: number;
  /** Offset the next record will get (the high watermark). */
  high: number;
}

/** Watermarks of one topic at one moment. `partitions` is empty when the topic does not exist. */
export interface TopicSample {
  topic: string;
  found: boolean;
  partitions: PartitionOffsets[];
}

/** A consumer group at one moment, as seen by the admin API. */
export interface GroupSample {
  groupId: string;
  /** Kafka's group state: Stable, Empty, PreparingRebalance, CompletingRebalance or Dead. Kafka reports Dead for a group id that does not exist. */
  state: string;
  members: number;
  /** Committed offset per partition of the stage's input topic. Partitions without a commit are absent. */
  committed: Map<number, number>;
}

/** Everything one poll reads from Kafka, with the wall-clock time of the poll in epoch milliseconds. */
export interface Sample {
  time: number;
  topics: Record<TopicRole, TopicSample>;
  /** Keyed by stage name. */
  groups: Map<string, GroupSample>;
  /** LLM counters from the operators' /metrics, when `--metrics-url` names any. */
  llm?: LlmSample;
}

/** One tier, rejected or DLQ topic in a snapshot. */
export interface TopicStatus {
  topic: string;
  found: boolean;
  partitions: number;
  /**
   * Offsets currently stored, the sum of high minus low watermarks, or null when the topic is
   * missing. Each transaction's commit marker takes an offset too, so on topics that stages
   * write this is a little above the record count.
   */
  records: number | null;
  /** Growth of the summed high watermarks per second, or null without two samples of the topic. */
  recordsPerSecond: number | null;
}

/** One stage of the topology, which runs as consumer group `<prefix>.<stage>`. */
export interface StageStatus {
  stage: string;
  group: string;
  input: string;
  output: string;
  operators: string[];
  state: string;
  members: number;
  /** Records between the group's committed offsets and the partition ends, or null when the input topic is missing. */
  lag: number | null;
  /** Growth of the committed offsets per second. */
  consumedPerSecond: number | null;
  /** Records per second arriving on the output topic, from any producer. */
  outPerSecond: number | null;
}

/** Rejections counted for one operator. */
export interface OperatorRejections {
  operator: string;
  /** Rejections inside the window. */
  count: number;
  perSecond: number;
  /** Rejections since the view started. */
  total: number;
}

/** Rejections counted for one rule of one operator. */
export interface RuleRejections extends OperatorRejections {
  rule: string;
}

export interface RejectionStatus {
  topic: string;
  /** False until the rejected topic exists and its reader has started. */
  reading: boolean;
  windowSeconds: number;
  /** Seconds the window covers so far, shorter than `windowSeconds` just after start-up. */
  coveredSeconds: number;
  /** Rejections per second over the covered window, all rules together. */
  perSecond: number;
  countInWindow: number;
  /** Rejections read since the view started. */
  totalSinceStart: number;
  secondsSinceStart: number;
  /** Values on the rejected topic that did not decode as a rejected record. */
  undecodable: number;
  /** The busiest rules in the window, highest rate first. */
  topRules: RuleRejections[];
  /** Every operator of the topology and every operator seen on the rejected topic. */
  byOperator: OperatorRejections[];
}

/** One `tiers status` reading, the object that `--json` prints. */
export interface StatusSnapshot {
  /** ISO-8601 time of the latest sample. */
  time: string;
  prefix: string;
  brokers: string[];
  topology: string;
  /** Seconds between the two samples the rates come from, or null for the first sample. */
  sampleSeconds: number | null;
  topics: Record<TopicRole, TopicStatus>;
  stages: StageStatus[];
  rejections: RejectionStatus;
  /** Model token and request rates from the operators' /metrics; null without `--metrics-url`. */
  llm: LlmStatus | null;
  /** Message of the last failed poll when the values shown come from an earlier poll. */
  error: string | null;
}
