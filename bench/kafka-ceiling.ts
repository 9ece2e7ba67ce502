/**
 * The raw kafkajs side of bench/kafka-throughput.ts, run as child processes so that each
 * client has a process of its own, as `tiers ingest` and `tiers up` do:
 *
 *   node dist/bench/kafka-ceiling.js produce BROKERS TOPIC MESSAGES_FILE
 *   node dist/bench/kafka-ceiling.js relay BROKERS FROM_TOPIC TO_TOPIC GROUP
 *
 * `produce` sends the messages of MESSAGES_FILE (see writeMessages) in requests of
 * SEND_BATCH_SIZE messages, one request at a time, with acks from all in-sync replicas and no
 * compression. `relay` is a consumer group member that produces every message of each fetched
 * batch to TO_TOPIC in one request and then commits the batch's offsets. It runs until SIGTERM.
 * Neither decodes or encodes anything, so together they are what kafkajs can move on this
 * broker with the settings tiers uses.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Kafka, Partitioners, logLevel } from 'kafkajs';

/** Messages per producer request, as tiers ingest sends them. */
export const SEND_BATCH_SIZE = 500;

export interface RawMessage {
  key: Buffer | null;
  value: Buffer;
}

/** Writes messages as length-prefixed key and value pairs; a key length of -1 is a null key. */
export function writeMessages(path: string, messages: RawMessage[]): void {
  const parts: Buffer[] = [];
  for (const message of messages) {
    const header = Buffer.alloc(8);
    header.writeInt32BE(message.key === null ? -1 : message.key.length, 0);
    header.writeInt32BE(message.value.length, 4);
    parts.push(header);
    if (message.key !== null) parts.push(message.key);
    parts.push(message.value);
  }
  writeFileSync(path, Buffer.concat(parts));
}

export function readMessages(path: string): RawMessage[] {
  const data = readFileSync(path);
  const messages: RawMessage[] = [];
  let at = 0;
  while (at < data.length) {
    const keyLength = data.readInt32BE(at);
    const valueLength = data.readInt32BE(at + 4);
    at += 8;
    const key = keyLength < 0 ? null : data.subarray(at, at + keyLength);
    at += Math.max(keyLength, 0);
    messages.push({ key, value: data.subarray(at, at + valueLength) });
    at += valueLength;
  }
  return messages;
}

function client(brokers: string): Kafka {
  return new Kafka({ clientId: 'kafka-ceiling', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

async function produce(brokers: string, topic: string, file: string): Promise<void> {
  const messages = readMessages(file);
  const producer = client(brokers).producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let start = 0; start < messages.length; start += SEND_BATCH_SIZE) {
    await producer.send({ topic, acks: -1, messages: messages.slice(start, start + SEND_BATCH_SIZE) });
  }
  await producer.disconnect();
}

async function relay(brokers: string, from: string, to: string, groupId: string): Promise<void> {
  const kafka = client(brokers);
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: from, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (batch.messages.length === 0) return;
      await producer.send({ topic: to, acks: -1, messages: batch.messages.map((m) => ({ key: m.key, value: m.value })) });
      const last = batch.messages[batch.messages.length - 1]!.offset;
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
    },
  });
  const stop = async () => {
    await consumer.disconnect();
    await producer.disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

// Roles run only when this file is the entry point, not when kafka-throughput imports its helpers.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [role, ...rest] = process.argv.slice(2);
  if (role === 'produce' && rest.length === 3) {
    await produce(rest[0]!, rest[1]!, rest[2]!);
  } else if (role === 'relay' && rest.length === 4) {
    await relay(rest[0]!, rest[1]!, rest[2]!, rest[3]!);
  } else {
    console.error('usage: kafka-ceiling.js produce BROKERS TOPIC FILE | relay BROKERS FROM TO GROUP');
    process.exit(2);
  }
}
