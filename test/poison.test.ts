import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeTierRecord } from '../src/codec/avro.js';
import { makeRecord } from '../src/core/testing.js';
import { parseJsonLines, runCli, startCli } from './support/cli.js';
import { brokers, deleteTopics, topicSize, uniquePrefix, waitForGroupCaughtUp } from './support/kafka.js';

interface DeadRow {
  origin: string;
  position: string;
  error: string;
  payload: string;
}

describe('poison messages on Kafka', () => {
  const prefix = uniquePrefix('poison');
  afterAll(() => deleteTopics(prefix));

  it('sends undecodable values to the DLQ and keeps consuming', async () => {
    // Raw bytes go straight to L0, past the engine's own ingest and its checks.
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: ['l0', 'l1', 'l2', 'l3', 'l4', 'rejected', 'dlq'].map((role) => ({ topic: `${prefix}.${role}`, numPartitions: 1 })),
    });
    await admin.disconnect();

    const good = makeRecord('A paragraph that is long enough to be kept. '.repeat(40), { id: 'good-after-poison' });
    const truncated = encodeTierRecord(makeRecord('text that will be cut short', { id: 'cut' })).subarray(0, 12);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${prefix}.l0`,
      messages: [
        { key: 'scope', value: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]) },
        { key: 'scope', value: truncated },
        { key: 'scope', value: Buffer.alloc(0) },
        { key: 'scope', value: encodeTierRecord(good) },
      ],
    });
    await producer.disconnect();

    const up = startCli(['up', '--prefix', prefix, '--metrics-port', '0']);
    try {
      await waitForGroupCaughtUp(`${prefix}.filter`, `${prefix}.l0`, 120_000);
    } finally {
      up.kill('SIGTERM');
    }
    expect(await new Promise((resolve) => up.once('exit', resolve))).toBe(0);

    const tapDlq = await runCli(['tap', 'dlq', '--prefix', prefix, '--from-beginning', '--max', '3', '--idle-exit', '15']);
    const dead = parseJsonLines<DeadRow>(tapDlq.stdout);
    expect(dead).toHaveLength(3);
    expect(dead.map((d) => d.position)).toEqual(['0:0', '0:1', '0:2']);
    for (const letter of dead) {
      expect(letter.origin).toBe(`${prefix}.l0`);
      expect(letter.error).toMatch(/Avro tier record/);
    }
    expect(Buffer.from(dead[0]!.payload, 'base64').equals(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]))).toBe(true);

    const l1 = await topicSize(`${prefix}.l1`);
    const rejected = await topicSize(`${prefix}.rejected`);
    expect(l1 + rejected).toBe(1);
  });
});
