import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConsumedMessage } from '../bus/bus.js';
import { EmbeddedBus } from '../bus/embedded-bus.js';
import { decodeDeadLetter, decodeRejectedRecord, decodeTierRecord, encodeTierRecord } from '../codec/avro.js';
import { EngineError } from '../core/errors.js';
import { promote, reject, type Operator } from '../core/operator.js';
import { makeRecord } from '../core/testing.js';
import { topicNames } from '../core/topics.js';
import { StageRunner } from './stage-runner.js';
import { conservationErrors } from './stats.js';

const log = pino({ level: 'silent' });
const topics = topicNames('unit');

const keepLong: Operator = {
  name: 'keep-long',
  version: '2.0.0',
  rules: ['too_short'],
  process: (record) => (record.text.length >= 5 ? promote(record) : reject(record, 'too_short', 'text is short', record.text.length)),
};

const failOnBoom: Operator = {
  name: 'fail-on-boom',
  version: '1.0.0',
  rules: [],
  process: (record) => {
    if (record.text.includes('boom')) throw new Error('cannot handle boom');
    return promote(record);
  },
};

async function collect(bus: EmbeddedBus, role: 'l1' | 'rejected' | 'dlq') {
  const seen: ConsumedMessage[] = [];
  await bus.subscribe({ groupId: 'collect', topic: topics[role], fromBeginning: true, maxBatchSize: 100, handler: async (b) => void seen.push(...b) });
  return seen;
}

async function setup(operators: Operator[]) {
  const bus = new EmbeddedBus(log);
  await bus.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 1 })));
  const l1 = await collect(bus, 'l1');
  const rejected = await collect(bus, 'rejected');
  const dlq = await collect(bus, 'dlq');
  const producer = await bus.createProducer();
  const runner = new StageRunner({ name: 'filter', input: 'l0', output: 'l1', operators: [] }, operators, topics, producer, log);
  return { bus, l1, rejected, dlq, runner };
}

function consumed(value: Buffer, offset: number): ConsumedMessage {
  return { topic: topics.l0, partition: 0, offset: String(offset), key: 'scope', value };
}

describe('StageRunner', () => {
  it('promotes, rejects and dead-letters with balanced counts', async () => {
    const { bus, l1, rejected, dlq, runner } = await setup([keepLong, failOnBoom]);

    await runner.handleBatch([
      consumed(encodeTierRecord(makeRecord('long enough', { id: 'a' })), 0),
      consumed(encodeTierRecord(makeRecord('tiny', { id: 'b' })), 1),
      consumed(encodeTierRecord(makeRecord('a boom here', { id: 'c' })), 2),
      consumed(Buffer.from([1, 2, 3]), 3),
    ]);
    await bus.whenIdle();

    const promoted = l1.map((m) => decodeTierRecord(m.value));
    expect(promoted.map((r) => r.id)).toEqual(['a']);
    expect(promoted[0]!.tier).toBe('l1');
    expect(promoted[0]!.lineage.map((e) => `${e.operator}@${e.version}:${e.action}`)).toEqual([
      'keep-long@2.0.0:promote',
      'fail-on-boom@1.0.0:promote',
    ]);
    const rejections = rejected.map((m) => decodeRejectedRecord(m.value));
    expect(rejections.map((r) => [r.record.id, r.operator, r.rule, r.value])).toEqual([
      ['b', 'keep-long', 'too_short', 4],
      ['c', 'fail-on-boom', 'operator_error', null],
    ]);
    expect(rejections[1]!.reason).toContain('cannot handle boom');
    expect(decodeDeadLetter(dlq[0]!.value).position).toBe('0:3');
    expect(runner.stats).toMatchObject({ consumed: 4, promoted: 1, rejected: 2, dlq: 1 });
    expect(conservationErrors(runner.stats)).toEqual([]);
  });

  it('fails the batch on a retriable error and publishes nothing', async () => {
    const flaky: Operator = {
      name: 'flaky',
      version: '1.0.0',
      rules: [],
      process: () => {
        throw new EngineError('TIERS_TRANSPORT_FAILED', 'endpoint down', { retriable: true });
      },
    };
    const { bus, l1, rejected, runner } = await setup([flaky]);

    await expect(runner.handleBatch([consumed(encodeTierRecord(makeRecord('text')), 0)])).rejects.toThrow('endpoint down');
    await bus.whenIdle();

    expect(l1).toHaveLength(0);
    expect(rejected).toHaveLength(0);
    expect(runner.stats.consumed).toBe(0);
  });

  it('rejects a record that an operator left undecided', async () => {
    const silent: Operator = { name: 'silent', version: '1.0.0', rules: [], process: () => [] };
    const { bus, rejected, runner } = await setup([silent]);

    await runner.handleBatch([consumed(encodeTierRecord(makeRecord('text', { id: 'x' })), 0)]);
    await bus.whenIdle();

    expect(decodeRejectedRecord(rejected[0]!.value).rule).toBe('operator_no_outcome');
    expect(conservationErrors(runner.stats)).toEqual([]);
  });

  it('keeps input order when an operator works on records concurrently', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow: Operator = {
      name: 'slow',
      version: '1.0.0',
      rules: [],
      concurrency: 3,
      process: async (record) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        // Later records finish first, so any reordering would show.
        await new Promise((resolve) => setTimeout(resolve, 30 - Number(record.id) * 5));
        inFlight--;
        return promote(record);
      },
    };
    const { bus, l1, runner } = await setup([slow]);
    await runner.handleBatch(['0', '1', '2', '3', '4'].map((id, i) => consumed(encodeTierRecord(makeRecord(`text ${id}`, { id })), i)));
    await bus.whenIdle();
    expect(l1.map((m) => decodeTierRecord(m.value).id)).toEqual(['0', '1', '2', '3', '4']);
    expect(peak).toBe(3);
  });

  it('records outcome details, edits and emitted records in the lineage', async () => {
    const editor: Operator = {
      name: 'editor',
      version: '1.0.0',
      rules: [],
      process: (record) => {
        record.text = record.text.toUpperCase();
        return [{ kind: 'promote', record, details: { edits: '[1]' }, edited: true }];
      },
    };
    const deriver: Operator = {
      name: 'deriver',
      version: '1.0.0',
      rules: [],
      process: (record) => [
        { kind: 'promote', record },
        { kind: 'emit', record: makeRecord(`question about ${record.id}`, { id: `${record.id}-q` }), details: { task: 'qa' } },
      ],
    };
    const { bus, l1, runner } = await setup([editor, deriver]);
    await runner.handleBatch([consumed(encodeTierRecord(makeRecord('some text', { id: 'p' })), 0)]);
    await bus.whenIdle();

    const [parent, child] = l1.map((m) => decodeTierRecord(m.value));
    expect(parent!.text).toBe('SOME TEXT');
    expect(parent!.lineage.map((e) => [e.operator, e.action, e.details])).toEqual([
      ['editor', 'edit', { edits: '[1]' }],
      ['deriver', 'promote', null],
    ]);
    expect(child!.id).toBe('p-q');
    expect(child!.lineage).toEqual([expect.objectContaining({ operator: 'deriver', action: 'emit', parentId: 'p', details: { task: 'qa' } })]);
    expect(runner.stats).toMatchObject({ consumed: 1, promoted: 2 });
  });
});
