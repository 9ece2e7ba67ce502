import type { PartitionOffsets, TopicSample } from './types.js';

/** Records stored in a topic: high minus low watermark, summed over partitions. */
export function storedRecords(topic: TopicSample): number | null {
  if (!topic.found) return null;
  return topic.partitions.reduce((sum, p) => sum + Math.max(0, p.high - p.low), 0);
}

/** Sum of the high watermarks, which only grows while the topic exists. */
export function summedHighWatermark(topic: TopicSample): number | null {
  if (!topic.found) return null;
  return topic.partitions.reduce((sum, p) => sum + p.high, 0);
}

/**
 * Returns the group's position on one partition. A partition without a commit counts from
 * its low watermark, as does a commit that retention has since deleted. A commit past the
 * end counts as the end.
 */
function groupPosition(partition: PartitionOffsets, committed: number | undefined): number {
  if (committed === undefined || committed < partition.low) return partition.low;
  return Math.min(committed, partition.high);
}

/** Consumer lag: end offset minus the group's position, summed over the topic's partitions. */
export function consumerLag(topic: TopicSample, committed: Map<number, number>): number | null {
  if (!topic.found) return null;
  return topic.partitions.reduce((sum, p) => sum + p.high - groupPosition(p, committed.get(p.partition)), 0);
}

/** Sum of the group's positions over the topic's partitions, whose growth is the consume rate. */
export function summedGroupPosition(topic: TopicSample, committed: Map<number, number>): number | null {
  if (!topic.found) return null;
  return topic.partitions.reduce((sum, p) => sum + groupPosition(p, committed.get(p.partition)), 0);
}

/**
 * Growth per second between two readings of a counter. Returns null when either reading is
 * missing, when no time passed, or when the counter went down, which means the topic was
 * deleted and created again, so the difference is not a rate.
 */
export function ratePerSecond(before: number | null | undefined, after: number | null | undefined, seconds: number): number | null {
  if (before === null || before === undefined || after === null || after === undefined) return null;
  if (!(seconds > 0) || after < before) return null;
  return (after - before) / seconds;
}
