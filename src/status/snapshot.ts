import { TOPIC_ROLES, type TopicNames, type TopicRole } from '../core/topics.js';
import type { Topology } from '../topologies/index.js';
import { llmStatus } from './llm-metrics.js';
import { consumerLag, ratePerSecond, storedRecords, summedGroupPosition, summedHighWatermark } from './offsets.js';
import type { RejectionStatus, Sample, StageStatus, StatusSnapshot, TopicStatus } from './types.js';

export interface SnapshotContext {
  prefix: string;
  brokers: string[];
  topology: Topology;
  topics: TopicNames;
  /** The operators' /metrics URLs that LLM token rates are read from. */
  metricsUrls?: string[];
}

/** Operator names of every stage, in topology order, for the per-operator rejection rows. */
export function topologyOperators(topology: Topology): string[] {
  return [...new Set(topology.stages.flatMap((stage) => stage.operators.map((spec) => spec.operator)))];
}

/**
 * Builds the status reading from the latest sample. Rates compare it with `previous`, and
 * are null when there is no previous sample.
 */
export function buildSnapshot(
  context: SnapshotContext,
  current: Sample,
  previous: Sample | undefined,
  rejections: RejectionStatus,
  error: string | null = null,
): StatusSnapshot {
  const seconds = previous ? (current.time - previous.time) / 1000 : null;
  const rate = (before: number | null | undefined, after: number | null) =>
    seconds === null ? null : ratePerSecond(before, after, seconds);

  const topics = {} as Record<TopicRole, TopicStatus>;
  for (const role of TOPIC_ROLES) {
    const sample = current.topics[role];
    topics[role] = {
      topic: sample.topic,
      found: sample.found,
      partitions: sample.partitions.length,
      records: storedRecords(sample),
      recordsPerSecond: rate(previous && summedHighWatermark(previous.topics[role]), summedHighWatermark(sample)),
    };
  }

  const stages: StageStatus[] = context.topology.stages.map((stage) => {
    const group = current.groups.get(stage.name);
    const before = previous?.groups.get(stage.name);
    const input = current.topics[stage.input];
    const committed = group?.committed ?? new Map<number, number>();
    return {
      stage: stage.name,
      group: group?.groupId ?? `${context.prefix}.${stage.name}`,
      input: context.topics[stage.input],
      output: context.topics[stage.output],
      operators: stage.operators.map((spec) => spec.operator),
      state: group?.state ?? 'Dead',
      members: group?.members ?? 0,
      lag: consumerLag(input, committed),
      consumedPerSecond: rate(
        previous && before && summedGroupPosition(previous.topics[stage.input], before.committed),
        summedGroupPosition(input, committed),
      ),
      outPerSecond: topics[stage.output].recordsPerSecond,
    };
  });

  return {
    time: new Date(current.time).toISOString(),
    prefix: context.prefix,
    brokers: context.brokers,
    topology: context.topology.name,
    sampleSeconds: seconds,
    topics,
    stages,
    rejections,
    llm: current.llm && context.metricsUrls?.length ? llmStatus(context.metricsUrls, current.llm, previous?.llm, seconds) : null,
    error,
  };
}
