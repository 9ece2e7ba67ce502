import { Kafka, logLevel } from 'kafkajs';

export const brokers = (process.env.TIERS_BROKERS ?? '127.0.0.1:9092').split(',');

/** Returns a topic prefix no other test run uses, so runs never read each other's records. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Messages in a topic across partitions (high watermark minus low watermark). */
export async function topicSize(topic: string): Promise<number> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Waits until a consumer group has committed offsets up to the end of every partition. */
export async function waitForGroupCaughtUp(groupId: string, topic: string, timeoutMs: number): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let ends: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
      let committed: Awaited<ReturnType<typeof admin.fetchOffsets>>[number] | undefined;
      try {
        ends = await admin.fetchTopicOffsets(topic);
        [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      } catch (err) {
        // A new broker returns NOT_COORDINATOR while it loads the offsets topic, so try again.
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      const lag = ends.reduce((sum, end) => {
        const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        const position = Number(at) < 0 ? Number(end.low) : Number(at);
        return sum + Number(end.high) - position;
      }, 0);
      if (lag === 0) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} still has lag ${lag} on ${topic}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Deletes every topic that starts with the prefix. */
export async function deleteTopics(prefix: string): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${prefix}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
