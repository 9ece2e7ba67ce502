import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { BusMessage, BusProducer, ConsumedMessage } from '../bus/bus.js';
import { EmbeddedBus } from '../bus/embedded-bus.js';
import { decodeTierRecord } from '../codec/avro.js';
import { makeRecord } from '../core/testing.js';
import { TOPIC_ROLES, topicNames } from '../core/topics.js';
import type { ReadItem } from '../io/read-inputs.js';
import { ingest } from './ingest.js';

const log = pino({ level: 'silent' });
const topics = topicNames('ingest-unit');

/** Wraps the embedded bus's producer: holds each send until released, and fails it when `failNext` is set. */
class GatedProducer implements BusProducer {
  readonly events: string[] = [];
  private readonly releases: (() => void)[] = [];
  failNext = false;

  constructor(private readonly inner: BusProducer) {}

  async send(topic: string, messages: BusMessage[]): Promise<void> {
    this.events.push(`send ${messages.length}`);
    const fail = this.failNext;
    this.failNext = false;
    await new Promise<void>((resolve) => this.releases.push(resolve));
    if (fail) throw new Error('broker unavailable');
    await this.inner.send(topic, messages);
  }

  /** Lets every held send finish, now and from then on. */
  releaseAll(): void {
    const release = () => {
      for (const resolve of this.releases.splice(0)) resolve();
      setImmediate(release);
    };
    release();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

async function* readItems(count: number, events: string[]): AsyncGenerator<ReadItem> {
  for (let i = 0; i < count; i++) {
    events.push(`read ${i}`);
    yield { kind: 'record', record: makeRecord(`document number ${i}`, { id: `doc-${i}` }) };
  }
}

async function setup() {
  const bus = new EmbeddedBus(log);
  await bus.ensureTopics(TOPIC_ROLES.map((role) => ({ name: topics[role], partitions: 1 })));
  const l0: ConsumedMessage[] = [];
  await bus.subscribe({ groupId: 'collect', topic: topics.l0, fromBeginning: true, maxBatchSize: 1000, handler: async (batch) => void l0.push(...batch) });
  return { bus, l0, producer: new GatedProducer(await bus.createProducer()) };
}

describe('ingest', () => {
  it('reads the next batch while a send waits', async () => {
    const { bus, l0, producer } = await setup();
    const events = producer.events;
    const run = ingest(readItems(1200, events), producer, topics, log);
    // The second batch fills up while the first send is still held.
    await vi.waitFor(() => expect(events).toContain('read 999'), { timeout: 5000 });
    expect(events.filter((e) => e.startsWith('send'))).toEqual(['send 500']);

    producer.releaseAll();
    const stats = await run;
    await bus.close();
    expect(stats.promoted).toBe(1200);
    expect(events.filter((e) => e.startsWith('send'))).toEqual(['send 500', 'send 500', 'send 200']);
    expect(l0.map((m) => decodeTierRecord(m.value).id)).toEqual(Array.from({ length: 1200 }, (_, i) => `doc-${i}`));
  });

  it('fails when a send fails', async () => {
    const { bus, producer } = await setup();
    producer.failNext = true;
    producer.releaseAll();
    await expect(ingest(readItems(700, producer.events), producer, topics, log)).rejects.toThrow('broker unavailable');
    await bus.close();
  });
});
