import { describe, expect, it } from 'vitest';
import { makeRecord } from '../core/testing.js';
import {
  decodeDeadLetter,
  decodeRejectedRecord,
  decodeTierRecord,
  encodeDeadLetter,
  encodeRejectedRecord,
  encodeTierRecord,
} from './avro.js';

describe('avro codec', () => {
  it('round-trips a tier record with meta, signals and lineage', () => {
    const record = makeRecord('第一段。\nSecond line with émoji 🙂', {
      id: 'doc-1',
      lang: 'zh',
      meta: { url: 'https://example.org/a', nested: { depth: [1, 2, { three: true }] } },
      signals: { gopher_word_count: 120, score: 0.5 },
      lineage: [{ operator: 'ingest', version: '0.1.0', time: 1_700_000_000_000, action: 'ingest', parentId: null, details: null }],
    });
    record.source.dump = 'CC-MAIN-2024-22';

    const decoded = decodeTierRecord(encodeTierRecord(record));

    expect(decoded).toEqual(record);
  });

  it('round-trips a rejected record', () => {
    const rejected = {
      record: makeRecord('short', { id: 'doc-2' }),
      operator: 'heuristic-filter',
      operatorVersion: '1.0.0',
      rule: 'gopher_short_doc',
      reason: 'document has 1 word; at least 50 are required',
      value: 1,
      duplicateOf: null,
      time: 1_700_000_000_001,
    };

    expect(decodeRejectedRecord(encodeRejectedRecord(rejected))).toEqual(rejected);
  });

  it('round-trips a dead letter with arbitrary bytes', () => {
    const letter = {
      origin: 'input.jsonl',
      position: 'line 3',
      key: null,
      payload: Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
      error: 'invalid UTF-8',
      stage: 'ingest',
      time: 1,
    };

    const decoded = decodeDeadLetter(encodeDeadLetter(letter));

    expect(decoded.payload.equals(letter.payload)).toBe(true);
    expect(decoded.error).toBe('invalid UTF-8');
  });

  it('rejects garbage bytes with a record error', () => {
    expect(() => decodeTierRecord(Buffer.from('not avro at all'))).toThrow(/Avro tier record/);
  });

  it('rejects a truncated value', () => {
    const full = encodeTierRecord(makeRecord('some text that makes the value long enough'));

    expect(() => decodeTierRecord(full.subarray(0, full.length - 5))).toThrow(/truncated|invalid/);
  });

  it('rejects trailing bytes after a value', () => {
    const full = encodeTierRecord(makeRecord('text'));

    expect(() => decodeTierRecord(Buffer.concat([full, Buffer.from([1, 2, 3])]))).toThrow(/trailing bytes/);
  });
});
