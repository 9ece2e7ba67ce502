import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionalProducer } from '../src/bus/bus.js';
import { KafkaBus } from '../src/bus/kafka-bus.js';
import { readCommitted } from './support/kafka.js';
import { ownBrokerEnv, runKafkaScript } from './support/own-broker.js';

/**
 * A broker killed while a transaction is open leaves kafkajs stuck in its aborting state. The
 * bus must still commit new transactions once the broker is back, and each transaction must
 * show up whole or not at all.
 */

const MESSAGES_PER_TRANSACTION = 16;
// Large values make Produce requests take most of each transaction's time, so the kill most likely lands inside one.
const VALUE_BYTES = 256 * 1024;

function transactionMessages(id: number): { key: string; value: Buffer }[] {
  return Array.from({ length: MESSAGES_PER_TRANSACTION }, (_, index) => ({
    key: `${id}-${index}`,
    value: Buffer.alloc(VALUE_BYTES, id % 251),
  }));
}

describe('a transactional producer whose broker is killed mid-transaction', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'tiers-kafka-txn-'));
  const scriptEnv: NodeJS.ProcessEnv = {};
  let brokers = '';

  beforeAll(async () => {
    const broker = await ownBrokerEnv(stateDir);
    Object.assign(scriptEnv, broker.env);
    brokers = broker.brokers;
    runKafkaScript('start', scriptEnv);
  });

  afterAll(() => {
    try {
      runKafkaScript('stop', scriptEnv);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('commits again after a restart', async () => {
    const bus = new KafkaBus({ brokers: [brokers], clientId: 'test-transactional-producer', log: pino({ level: 'silent' }) });
    const topic = `txn-${Date.now().toString(36)}`;
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    const producer: TransactionalProducer = await bus.createTransactionalProducer(`${topic}.producer`);
    const send = (id: number) => producer.sendAtomically([{ topic, messages: transactionMessages(id) }]);

    try {
      // Transactions back to back, until one fails because the broker died during it.
      const committed: number[] = [];
      let failedId = -1;
      const sending = (async () => {
        for (let id = 0; ; id++) {
          try {
            await send(id);
            committed.push(id);
          } catch {
            failedId = id;
            return;
          }
        }
      })();
      await sleep(1500 + Math.random() * 1000);
      process.kill(Number(readFileSync(join(stateDir, 'kafka.pid'), 'utf8')), 'SIGKILL');
      await sending;
      expect(committed.length).toBeGreaterThan(0);

      runKafkaScript('start', scriptEnv);
      const finalId = failedId + 1;
      const errors: string[] = [];
      for (let attempt = 0; attempt < 10; attempt++) {
        try {
          await send(finalId);
          break;
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
          await sleep(2000);
        }
      }
      expect(errors.length, `every attempt after the restart failed: ${errors.join('; ')}`).toBeLessThan(10);

      // Each transaction is all or nothing. The one that failed may or may not have committed.
      // EndTxn returns before the broker writes the commit markers, so a read right after the
      // commit may end before the last transaction. Read again until it shows up.
      let messages = await readCommitted(topic, 60_000, [brokers]);
      for (let read = 1; read < 30 && !messages.some((m) => m.key!.startsWith(`${finalId}-`)); read++) {
        await sleep(1000);
        messages = await readCommitted(topic, 60_000, [brokers]);
      }
      const counts = new Map<number, number>();
      for (const message of messages) {
        const id = Number(message.key!.split('-')[0]);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const [id, count] of counts) expect(count, `messages of transaction ${id}`).toBe(MESSAGES_PER_TRANSACTION);
      const ids = [...counts.keys()].sort((a, b) => a - b);
      const expected = [...committed, finalId];
      expect(ids.filter((id) => id !== failedId), `committed ${committed.join(',')}; failed ${failedId}; found ${ids.join(',')}`).toEqual(expected);
    } finally {
      await producer.close();
      await bus.close();
    }
  }, 240_000);
});
