import { Kafka, logLevel } from 'kafkajs';

export const brokers = (process.env.TIERS_BROKERS ?? '127.0.0.1:9092').split(',');

/** Returns a topic prefix no other test run uses, so runs never read each other's records. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Committed records in a topic across partitions. Offsets alone would overcount: every
 * transaction leaves a commit marker that takes an offset but is no record.
 */
export async function topicSize(topic: string, brokerList = brokers): Promise<number> {
  return (await readCommitted(topic, 120_000, brokerList)).length;
}

/** Waits until a consumer group has committed offsets up to the end of every partition. */
export async function waitForGroupCaughtUp(groupId: string, topic: string, timeoutMs: number, brokerList = brokers): Promise<void> {
  const admin = new Kafka({ brokers: brokerList, logLevel: logLevel.NOTHING }).admin();
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
export async function deleteTopics(prefix: string, brokerList = brokers): Promise<void> {
  const admin = new Kafka({ brokers: brokerList, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${prefix}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the committed messages of a topic up to its current end. Progress is taken from
 * kafkajs's end-of-batch event, which also fires for batches of only transaction markers.
 */
export async function readCommitted(
  topic: string,
  timeoutMs: number,
  brokerList = brokers,
): Promise<Array<{ key: string | null; value: Buffer }>> {
  const kafka = new Kafka({ brokers: brokerList, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const messages: Array<{ key: string | null; value: Buffer }> = [];
  if (ends.size === 0) return messages;

  const consumer = kafka.consumer({ groupId: `test-read-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}` });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    const end = ends.get(event.payload.partition);
    if (end !== undefined && BigInt(event.payload.lastOffset) + 1n >= end) ends.delete(event.payload.partition);
    if (ends.size === 0) finish();
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        messages.push({ key: message.key?.toString('utf8') ?? null, value: message.value ?? Buffer.alloc(0) });
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), timeoutMs);
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/** Sum over partitions of a group's committed offsets on a topic; partitions without one count 0. */
export async function committedTotal(groupId: string, topic: string, brokerList = brokers): Promise<number> {
  const admin = new Kafka({ brokers: brokerList, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } catch {
    // A broker that is still starting returns NOT_COORDINATOR, so report no progress yet.
    return 0;
  } finally {
    await admin.disconnect();
  }
}
