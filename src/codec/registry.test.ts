import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import type { DeadLetter, TierRecord } from '../core/record.js';
import { encodeRejectedRecord } from './avro.js';
import { createValueCodec, schemaForTopic, schemaText, topicsOfPrefix, valueSchemas, valueSubject } from './registry.js';

const record: TierRecord = {
  id: 'r1',
  tier: 'l0',
  domain: 'web',
  lang: 'zh',
  text: '中文文本 and text',
  source: { uri: null, dataset: 'd', dump: null, fetchTime: null, license: null },
  meta: { url: 'u' },
  signals: { words: 3 },
  lineage: [{ operator: 'ingest', version: '1', time: 1, action: 'ingest', parentId: null, details: null }],
};
const rejected = { record, operator: 'op', operatorVersion: '1', rule: 'duplicate', reason: 'r', value: null, duplicateOf: 'r0', time: 2 };
const letter: DeadLetter = { origin: 'f', position: 'line 1', key: null, payload: Buffer.from([0xff, 0]), error: 'e', stage: 's', time: 3 };

describe('registry codec helpers', () => {
  it('maps topics to schemas', () => {
    expect(topicsOfPrefix('p').map(schemaForTopic)).toEqual(['tier', 'tier', 'tier', 'tier', 'tier', 'rejected', 'dead-letter']);
    expect(valueSubject('p.l1')).toBe('p.l1-value');
    expect(() => schemaForTopic('p.other')).toThrow(/not a tiers topic/);
  });

  it('expanded rejected schema matches avro.ts bytes', () => {
    const type = avro.Type.forSchema(valueSchemas().rejected as avro.Schema);
    const wire = { ...rejected, record: { ...record, meta: JSON.stringify(record.meta) } };
    expect(type.toBuffer(wire).equals(encodeRejectedRecord(rejected))).toBe(true);
  });

  it('schema text escapes the "{}" literal', () => {
    const text = schemaText(valueSchemas().tier);
    expect(text).not.toContain('"{}"');
    expect(JSON.parse(text)).toEqual(valueSchemas().tier);
  });
});

describe('value codecs without registry', () => {
  for (const kind of ['avro', 'json'] as const) {
    it(`${kind} round-trips every value type`, async () => {
      const codec = createValueCodec({ kind });
      expect(await codec.decodeTier(await codec.encodeTier('p.l0', record))).toEqual(record);
      expect(await codec.decodeRejected(await codec.encodeRejected('p.rejected', rejected))).toEqual(rejected);
      expect(await codec.decodeDeadLetter(await codec.encodeDeadLetter('p.dlq', letter))).toEqual(letter);
    });
  }

  it('json codec rejects invalid bytes', async () => {
    await expect(createValueCodec({ kind: 'json' }).decodeTier(Buffer.from('[1]'))).rejects.toThrow(/not an object/);
  });

  it('registry codec needs a URL', () => {
    expect(() => createValueCodec({ kind: 'registry' })).toThrow(/registry URL/);
  });

  it('registry codec rejects non-wire bytes', async () => {
    const codec = createValueCodec({ kind: 'registry', registryUrl: 'http://127.0.0.1:1' });
    await expect(codec.decodeTier(Buffer.from([1, 0, 0, 0, 1, 2]))).rejects.toThrow(/Confluent wire format/);
  });
});
