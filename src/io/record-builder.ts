import { createHash } from 'node:crypto';
import type { SourceInfo, TierRecord } from '../core/record.js';
import type { ReadItem } from './types.js';

/** Stage name written into dead letters by the readers. */
export const INGEST_STAGE = 'ingest';

/**
 * Bytes of text kept in a rejected oversized record and of payload kept in a dead letter for an
 * oversized input, so either fits in one Kafka message under the default 1 MB limit.
 */
export const KEPT_PREFIX_BYTES = 64 * 1024;

/** First 32 hex digits (128 bits) of the SHA-256 of the parts joined by `:`. */
export function hashId(...parts: string[]): string {
  const hash = createHash('sha256');
  parts.forEach((part, index) => {
    if (index > 0) hash.update(':');
    hash.update(part, 'utf8');
  });
  return hash.digest('hex').slice(0, 32);
}

export interface RecordFields {
  id: string;
  domain: string;
  lang: string | null;
  text: string;
  source: SourceInfo;
  meta: Record<string, unknown>;
}

/** Builds an L0 record with empty signals and lineage; the ingest step adds the first lineage entry. */
export function makeL0Record(fields: RecordFields): TierRecord {
  return {
    id: fields.id,
    tier: 'l0',
    domain: fields.domain,
    lang: fields.lang,
    text: fields.text,
    source: fields.source,
    meta: fields.meta,
    signals: {},
    lineage: [],
  };
}

/** Decodes at most `maxBytes` of UTF-8, cutting before a partial character at the end. */
export function decodeUtf8Prefix(bytes: Buffer, maxBytes: number): string {
  if (bytes.length <= maxBytes) return bytes.toString('utf8');
  let end = maxBytes;
  // Continuation bytes look like 10xxxxxx; back up to the start of the character they belong to.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/** Returns the longest prefix of `text` whose UTF-8 form fits in `maxBytes`, without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Every UTF-16 code unit takes at least one UTF-8 byte, so this slice is never too short.
  let head = text.length > maxBytes ? text.slice(0, maxBytes) : text;
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return decodeUtf8Prefix(Buffer.from(head, 'utf8'), maxBytes);
}

/** True when the text has at least one non-whitespace character. Stops at the first one found. */
export function hasVisibleText(text: string): boolean {
  return /\S/.test(text);
}

/**
 * Builds the reject for a text above the size limit; the record keeps only a prefix of the text.
 * NOTE: meta is kept whole, so an input with very large metadata can still exceed a 1 MB message.
 */
export function tooLargeReject(fields: RecordFields, textBytes: number, maxTextBytes: number, where: string): ReadItem {
  const record = makeL0Record({
    ...fields,
    text: truncateUtf8(fields.text, KEPT_PREFIX_BYTES),
    meta: { ...fields.meta, text_truncated_from_bytes: textBytes },
  });
  return {
    kind: 'reject',
    record,
    rule: 'ingest_text_too_large',
    reason:
      `${where} has ${textBytes} bytes of text, more than the maximum of ${maxTextBytes} bytes ` +
      `(raise --max-text-bytes to keep it); the rejected record keeps the first ${KEPT_PREFIX_BYTES} bytes`,
    value: textBytes,
  };
}

export function emptyTextReject(fields: RecordFields, where: string): ReadItem {
  return {
    kind: 'reject',
    record: makeL0Record(fields),
    rule: 'ingest_empty_text',
    reason: `${where} has empty or whitespace-only text`,
    value: Buffer.byteLength(fields.text, 'utf8'),
  };
}

/** Builds a dead letter for input bytes that are not a record. The payload is copied so it does not pin a read buffer. */
export function deadItem(origin: string, position: string, payload: Buffer, error: string): ReadItem {
  return {
    kind: 'dead',
    letter: { origin, position, key: null, payload: Buffer.from(payload), error, stage: INGEST_STAGE, time: Date.now() },
  };
}

/** Returns the short name of a JSON value's type for messages: `string`, `number`, `array`, `null`, `object`... */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
