import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { RecordError } from '../core/errors.js';
import { isNestedDeeperThan, MAX_JSON_DEPTH } from '../core/json-depth.js';
import { packageRoot } from '../core/paths.js';
import type { DeadLetter, RejectedRecord, TierRecord } from '../core/record.js';

/** Avro binary codecs for Kafka message values, built from the schemas in schemas/. */

/** A tier record as Avro carries it: `meta` is a JSON string on the wire. */
export interface WireTierRecord extends Omit<TierRecord, 'meta'> {
  meta: string;
}
interface WireRejectedRecord extends Omit<RejectedRecord, 'record'> {
  record: WireTierRecord;
}

function loadSchema(file: string): unknown {
  return JSON.parse(readFileSync(join(packageRoot(), 'schemas', file), 'utf8'));
}

// The rejected-record schema refers to tiers.TierRecord by name, so both share one registry.
const registry: Record<string, avro.Type> = {};
const tierRecordType = avro.Type.forSchema(loadSchema('tier-record.avsc') as avro.Schema, { registry });
const rejectedRecordType = avro.Type.forSchema(loadSchema('rejected-record.avsc') as avro.Schema, { registry });
const deadLetterType = avro.Type.forSchema(loadSchema('dead-letter.avsc') as avro.Schema, { registry });

export function toWire(record: TierRecord): WireTierRecord {
  return { ...record, meta: JSON.stringify(record.meta ?? {}) };
}

export function fromWire(wire: WireTierRecord): TierRecord {
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(wire.meta) as Record<string, unknown>;
  } catch (err) {
    throw new RecordError(`record ${wire.id} has a meta field that is not JSON`, { cause: err });
  }
  if (isNestedDeeperThan(meta, MAX_JSON_DEPTH)) {
    throw new RecordError(`record ${wire.id} has a meta field nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
  return { ...wire, meta };
}

/** Decodes a whole buffer; trailing bytes or a truncated value are errors, not partial records. */
function decodeExact<T>(type: avro.Type, buf: Buffer, what: string): T {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(buf, 0);
  } catch (err) {
    throw new RecordError(`invalid Avro ${what}: ${(err as Error).message}`, { cause: err });
  }
  if (decoded.offset < 0) throw new RecordError(`truncated Avro ${what}: ${buf.length} bytes is too short`);
  if (decoded.offset !== buf.length) {
    throw new RecordError(`invalid Avro ${what}: ${buf.length - decoded.offset} unexpected trailing bytes`);
  }
  return decoded.value as T;
}

export function encodeTierRecord(record: TierRecord): Buffer {
  return tierRecordType.toBuffer(toWire(record));
}

export function decodeTierRecord(buf: Buffer): TierRecord {
  return fromWire(decodeExact<WireTierRecord>(tierRecordType, buf, 'tier record'));
}

export function encodeRejectedRecord(rejected: RejectedRecord): Buffer {
  return rejectedRecordType.toBuffer({ ...rejected, record: toWire(rejected.record) });
}

export function decodeRejectedRecord(buf: Buffer): RejectedRecord {
  const wire = decodeExact<WireRejectedRecord>(rejectedRecordType, buf, 'rejected record');
  return { ...wire, record: fromWire(wire.record) };
}

export function encodeDeadLetter(letter: DeadLetter): Buffer {
  return deadLetterType.toBuffer(letter);
}

export function decodeDeadLetter(buf: Buffer): DeadLetter {
  return decodeExact<DeadLetter>(deadLetterType, buf, 'dead letter');
}
