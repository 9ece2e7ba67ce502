import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConsumedMessage } from './bus.js';
import { EmbeddedBus } from './embedded-bus.js';

const log = pino({ level: 'silent' });

function message(key: string, n: number) {
  return { key, value: Buffer.from(String(n)) };
}

describe('EmbeddedBus', () => {
  it('delivers each key in order to every group', async () => {
    const bus = new EmbeddedBus(log, 4);
    await bus.ensureTopics([{ name: 't', partitions: 3 }]);
    const seen: Record<string, ConsumedMessage[]> = { a: [], b: [] };
    for (const group of ['a', 'b']) {
      await bus.subscribe({
        groupId: group,
        topic: 't',
        fromBeginning: true,
        maxBatchSize: 2,
        handler: async (batch) => {
          seen[group]!.push(...batch);
        },
      });
    }
    const producer = await bus.createProducer();

    for (let i = 0; i < 30; i++) await producer.send('t', [message(`k${i % 5}`, i)]);
    await bus.whenIdle();

    for (const group of ['a', 'b']) {
      expect(seen[group]).toHaveLength(30);
      for (let k = 0; k < 5; k++) {
        const values = seen[group]!.filter((m) => m.key === `k${k}`).map((m) => Number(m.value.toString()));
        expect(values).toEqual([...values].sort((x, y) => x - y));
      }
    }
  });

  it('makes a producer wait while a consumer queue is full', async () => {
    const bus = new EmbeddedBus(log, 2);
    await bus.ensureTopics([{ name: 't', partitions: 1 }]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    await bus.subscribe({
      groupId: 'slow',
      topic: 't',
      fromBeginning: true,
      maxBatchSize: 1,
      handler: async () => {
        await gate;
        handled++;
      },
    });
    const producer = await bus.createProducer();

    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < 5; i++) {
        await producer.send('t', [message('k', i)]);
        sent++;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(sent).toBe(2);
    release();
    await sending;
    await bus.whenIdle();
    expect(handled).toBe(5);
  });

  it('refuses to send to a topic nobody consumes', async () => {
    const bus = new EmbeddedBus(log);
    await bus.ensureTopics([{ name: 'orphan', partitions: 1 }]);
    const producer = await bus.createProducer();

    await expect(producer.send('orphan', [message('k', 1)])).rejects.toThrow(/no consumer group/);
  });

  it('stops a subscription whose handler throws', async () => {
    const bus = new EmbeddedBus(log);
    await bus.ensureTopics([{ name: 't', partitions: 1 }]);
    const subscription = await bus.subscribe({
      groupId: 'g',
      topic: 't',
      fromBeginning: true,
      maxBatchSize: 10,
      handler: async () => {
        throw new Error('handler failed');
      },
    });
    const producer = await bus.createProducer();
    await producer.send('t', [message('k', 1)]);

    await expect(subscription.done).rejects.toThrow('handler failed');
  });
});
