import { describe, expect, it } from 'vitest';
import { decodeTierRecord, encodeTierRecord, fromWire } from '../codec/avro.js';
import { JsonValueCodec } from '../codec/registry.js';
import { RecordError } from './errors.js';
import { isNestedDeeperThan, MAX_JSON_DEPTH } from './json-depth.js';
import { makeRecord } from './testing.js';

/** An object chain `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { child: value };
  return value;
}

describe('isNestedDeeperThan', () => {
  it('counts scalars as depth 0 and each container as one level', () => {
    expect(isNestedDeeperThan('text', 0)).toBe(false);
    expect(isNestedDeeperThan({}, 0)).toBe(true);
    expect(isNestedDeeperThan({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(isNestedDeeperThan({ a: [1, { b: {} }] }, 3)).toBe(true);
  });

  it('walks a value far deeper than the call stack allows', () => {
    expect(isNestedDeeperThan(nested(100_000), MAX_JSON_DEPTH)).toBe(true);
    expect(isNestedDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
  });
});

describe('decoding a record with deeply nested meta', () => {
  // Deep enough that JSON.stringify overflows the stack, as a poison message on Kafka would be.
  const meta = '{"x":'.repeat(20_000) + '1' + '}'.repeat(20_000);

  it('is a record error on the Avro path, so the message goes to the DLQ', () => {
    const wire = { ...makeRecord('text', { id: 'deep' }), meta };
    expect(() => fromWire(wire)).toThrow(RecordError);
    expect(() => fromWire(wire)).toThrow(`record deep has a meta field nested more than ${MAX_JSON_DEPTH} levels deep`);
  });

  it('is a record error on the JSON path', async () => {
    const json = Buffer.from(`{"id":"deep","meta":${meta}}`);
    await expect(new JsonValueCodec().decodeTier(json)).rejects.toThrow(RecordError);
  });

  it('still decodes a record with ordinary meta', () => {
    const record = makeRecord('text', { id: 'ok', meta: { a: { b: [1, 2] } } });
    expect(decodeTierRecord(encodeTierRecord(record)).meta).toEqual({ a: { b: [1, 2] } });
  });
});
