import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError, RegistryValueCodec, valueSchemas, valueSubject } from '../src/codec/registry.js';
import type { TierRecord } from '../src/core/record.js';
import { brokers, deleteTopics, readCommitted, uniquePrefix } from './support/kafka.js';
import { ensureRegistry, registryUrl } from './support/registry.js';

const record: TierRecord = {
  id: 'evolution-1',
  tier: 'l1',
  domain: 'web',
  lang: 'zh',
  text: '数据质量分层 and tiers',
  source: { uri: 'https://example.org/a', dataset: 'evolution', dump: null, fetchTime: null, license: null },
  meta: { url: 'https://example.org/a', score: 0.5 },
  signals: { 'gopher.words': 12 },
  lineage: [{ operator: 'normalize', version: '1', time: 1_700_000_000_000, action: 'promote', parentId: null, details: null }],
};

/** Returns the tier record schema with one more field appended. */
function withField(field: Record<string, unknown>): Record<string, unknown> {
  const base = valueSchemas().tier as unknown as { fields: unknown[] };
  return { ...base, fields: [...base.fields, field] };
}

function wireValue(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

async function roundTripThroughKafka(topic: string, value: Buffer): Promise<Buffer> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ value }] });
  await producer.disconnect();
  const [message] = await readCommitted(topic, 60_000);
  return message!.value;
}

describe('tier record schema evolution', () => {
  const prefix = uniquePrefix('evolution');
  const topic = `${prefix}.l1`;
  const subject = valueSubject(topic);
  const optionalField = { name: 'quality', type: ['null', 'double'], default: null };
  let stopRegistry: () => void = () => {};
  let codec: RegistryValueCodec;

  beforeAll(async () => {
    stopRegistry = await ensureRegistry();
    codec = new RegistryValueCodec(registryUrl);
  });

  afterAll(async () => {
    await deleteTopics(prefix);
    stopRegistry();
  });

  it('sets BACKWARD compatibility on the subject', async () => {
    await codec.schemaId(topic);
    const response = await fetch(`${registryUrl}/config/${encodeURIComponent(subject)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { compatibilityLevel: string };
    expect(body.compatibilityLevel).toBe('BACKWARD');
  });

  it('old reader decodes values of the new schema', async () => {
    const oldId = await codec.schemaId(topic);
    const newSchema = withField(optionalField);
    const newId = await codec.register(subject, newSchema as never);
    expect(newId).not.toBe(oldId);

    const newType = avro.Type.forSchema(newSchema as avro.Schema);
    const body = newType.toBuffer({ ...record, meta: JSON.stringify(record.meta), quality: 0.75 });
    const value = await roundTripThroughKafka(`${prefix}.l2`, wireValue(newId, body));

    expect(await codec.decodeTier(value)).toEqual(record);
  });

  it('new reader decodes values of the old schema', async () => {
    const value = await roundTripThroughKafka(`${prefix}.l3`, await codec.encodeTier(topic, record));
    const registry = new SchemaRegistry({ host: registryUrl });

    const decoded = (await registry.decode(value, { [SchemaType.AVRO]: { readerSchema: withField(optionalField) as never } })) as Record<string, unknown>;

    expect(decoded.quality).toBeNull();
    expect(decoded.text).toBe(record.text);
    expect(JSON.parse(decoded.meta as string)).toEqual(record.meta);
    expect(decoded.id).toBe(record.id);
  });

  it('rejects a required field without default', async () => {
    await codec.schemaId(topic);
    const incompatible = withField({ name: 'score', type: 'double' });

    const error = await codec.register(subject, incompatible as never).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(409);
    expect((error as RegistryError).retriable).toBe(false);
  });
});
