import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ConsumedMessage } from '../bus/bus.js';
import { decodeDeadLetter, decodeRejectedRecord, decodeTierRecord } from '../codec/avro.js';
import { deadLetterToJson, rejectedRecordToJson, tierRecordToJson } from '../codec/jsonl.js';
import type { ValueCodec } from '../codec/registry.js';
import type { TopicRole } from '../core/topics.js';

/** Converts a message value in the given codec to one JSON line, by the topic's role. */
export async function decodeToJsonLine(codec: ValueCodec, role: TopicRole, value: Buffer): Promise<string> {
  if (role === 'rejected') return rejectedRecordToJson(await codec.decodeRejected(value));
  if (role === 'dlq') return deadLetterToJson(await codec.decodeDeadLetter(value));
  return tierRecordToJson(await codec.decodeTier(value));
}

/** Converts a topic's plain Avro message value to one JSON line, by the topic's role. */
export function messageToJsonLine(role: TopicRole, value: Buffer): string {
  if (role === 'rejected') return rejectedRecordToJson(decodeRejectedRecord(value));
  if (role === 'dlq') return deadLetterToJson(decodeDeadLetter(value));
  return tierRecordToJson(decodeTierRecord(value));
}

/** Appends a topic's messages to a JSON-lines file, waiting on the stream when its buffer is full. */
export class FileSink {
  private readonly stream: WriteStream;
  count = 0;

  constructor(
    readonly role: TopicRole,
    readonly path: string,
  ) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  readonly handleBatch = async (messages: ConsumedMessage[]): Promise<void> => {
    let chunk = '';
    for (const message of messages) chunk += messageToJsonLine(this.role, message.value) + '\n';
    this.count += messages.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  };

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
