import type { Admin } from 'kafkajs';
import { TOPIC_ROLES, type TopicNames, type TopicRole } from '../core/topics.js';
import type { StageSpec } from '../topologies/index.js';
import type { GroupSample, Sample, TopicSample } from './types.js';

/** Consumer group of a stage, as `tiers up` names it. */
export function stageGroupId(prefix: string, stage: StageSpec): string {
  return `${prefix}.${stage.name}`;
}

/**
 * Reads watermarks of every tier topic and the committed offsets and membership of every
 * stage's consumer group. Only reads: a missing topic is reported as not found, never created.
 */
export async function takeSample(admin: Admin, prefix: string, topics: TopicNames, stages: readonly StageSpec[]): Promise<Sample> {
  const existing = new Set(await admin.listTopics());
  const time = Date.now();

  const topicSamples = await Promise.all(
    TOPIC_ROLES.map(async (role): Promise<[TopicRole, TopicSample]> => {
      const topic = topics[role];
      if (!existing.has(topic)) return [role, { topic, found: false, partitions: [] }];
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = offsets
        .map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }))
        .sort((a, b) => a.partition - b.partition);
      return [role, { topic, found: true, partitions }];
    }),
  );

  const groupIds = stages.map((stage) => stageGroupId(prefix, stage));
  const described = groupIds.length > 0 ? (await admin.describeGroups(groupIds)).groups : [];
  const committed = await Promise.all(
    stages.map(async (stage, i) => {
      const topic = topics[stage.input];
      const offsets = new Map<number, number>();
      if (!existing.has(topic)) return offsets;
      const [entry] = await admin.fetchOffsets({ groupId: groupIds[i]!, topics: [topic] });
      // kafkajs reports "-1" for a partition the group never committed.
      for (const p of entry?.partitions ?? []) {
        const offset = Number(p.offset);
        if (offset >= 0) offsets.set(p.partition, offset);
      }
      return offsets;
    }),
  );

  const groups = new Map<string, GroupSample>();
  stages.forEach((stage, i) => {
    const groupId = groupIds[i]!;
    const description = described.find((group) => group.groupId === groupId);
    groups.set(stage.name, {
      groupId,
      state: description?.state ?? 'Dead',
      members: description?.members.length ?? 0,
      committed: committed[i]!,
    });
  });

  return { time, topics: Object.fromEntries(topicSamples) as Record<TopicRole, TopicSample>, groups };
}
