import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { RawAvroSchema } from '@kafkajs/confluent-schema-registry/dist/@types.js';
import { EngineError, RecordError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import { TIERS, type DeadLetter, type RejectedRecord, type TierRecord } from '../core/record.js';
import * as avroCodec from './avro.js';
import { isNestedDeeperThan, MAX_JSON_DEPTH } from '../core/json-depth.js';
import { fromWire, toWire, type WireTierRecord } from './avro.js';
import { deadLetterToJson, rejectedRecordToJson, tierRecordToJson } from './jsonl.js';

/**
 * Value codecs for Kafka messages. The runtime can hold a `ValueCodec` without knowing which
 * encoding is active: plain Avro (the engine's default), Avro in the Confluent wire format
 * with schemas in a schema registry, or JSON text for users without a registry.
 *
 * Decoding errors of bad bytes are `RecordError`s, so a caller can send those bytes to the
 * DLQ. A registry that cannot be reached raises other errors, which a caller should retry.
 */
export interface ValueCodec {
  readonly kind: CodecKind;
  /** Registers the schemas of every topic of a prefix ahead of the first message; optional. */
  prepareTopics(prefix: string): Promise<void>;
  encodeTier(topic: string, record: TierRecord): Promise<Buffer>;
  decodeTier(buf: Buffer): Promise<TierRecord>;
  encodeRejected(topic: string, rejected: RejectedRecord): Promise<Buffer>;
  decodeRejected(buf: Buffer): Promise<RejectedRecord>;
  encodeDeadLetter(topic: string, letter: DeadLetter): Promise<Buffer>;
  decodeDeadLetter(buf: Buffer): Promise<DeadLetter>;
}

export type CodecKind = 'avro' | 'registry' | 'json';

export interface ValueCodecOptions {
  kind: CodecKind;
  /** Base URL of the Confluent-compatible API, such as http://127.0.0.1:8081/apis/ccompat/v7 for Apicurio. */
  registryUrl?: string;
}

export function createValueCodec(options: ValueCodecOptions): ValueCodec {
  switch (options.kind) {
    case 'avro':
      return new AvroValueCodec();
    case 'json':
      return new JsonValueCodec();
    case 'registry':
      if (!options.registryUrl) {
        throw new EngineError('TIERS_CONFIG_INVALID', 'the registry codec needs a registry URL, such as http://127.0.0.1:8081/apis/ccompat/v7');
      }
      return new RegistryValueCodec(options.registryUrl);
    default:
      throw new EngineError('TIERS_CONFIG_INVALID', `unknown value codec "${String(options.kind)}": expected avro, registry or json`);
  }
}

/** The engine's plain Avro binary values, without a schema id (src/codec/avro.ts). */
export class AvroValueCodec implements ValueCodec {
  readonly kind = 'avro' as const;
  async prepareTopics(): Promise<void> {}
  async encodeTier(_topic: string, record: TierRecord): Promise<Buffer> {
    return avroCodec.encodeTierRecord(record);
  }
  async decodeTier(buf: Buffer): Promise<TierRecord> {
    return avroCodec.decodeTierRecord(buf);
  }
  async encodeRejected(_topic: string, rejected: RejectedRecord): Promise<Buffer> {
    return avroCodec.encodeRejectedRecord(rejected);
  }
  async decodeRejected(buf: Buffer): Promise<RejectedRecord> {
    return avroCodec.decodeRejectedRecord(buf);
  }
  async encodeDeadLetter(_topic: string, letter: DeadLetter): Promise<Buffer> {
    return avroCodec.encodeDeadLetter(letter);
  }
  async decodeDeadLetter(buf: Buffer): Promise<DeadLetter> {
    return avroCodec.decodeDeadLetter(buf);
  }
}

/** One JSON object per message, as in the engine's .jsonl files; dead-letter payloads are base64. */
export class JsonValueCodec implements ValueCodec {
  readonly kind = 'json' as const;
  async prepareTopics(): Promise<void> {}
  async encodeTier(_topic: string, record: TierRecord): Promise<Buffer> {
    return Buffer.from(tierRecordToJson(record), 'utf8');
  }
  async decodeTier(buf: Buffer): Promise<TierRecord> {
    return parseJson<TierRecord>(buf, 'tier record');
  }
  async encodeRejected(_topic: string, rejected: RejectedRecord): Promise<Buffer> {
    return Buffer.from(rejectedRecordToJson(rejected), 'utf8');
  }
  async decodeRejected(buf: Buffer): Promise<RejectedRecord> {
    return parseJson<RejectedRecord>(buf, 'rejected record');
  }
  async encodeDeadLetter(_topic: string, letter: DeadLetter): Promise<Buffer> {
    return Buffer.from(deadLetterToJson(letter), 'utf8');
  }
  async decodeDeadLetter(buf: Buffer): Promise<DeadLetter> {
    const parsed = parseJson<Omit<DeadLetter, 'payload'> & { payload: string }>(buf, 'dead letter');
    return { ...parsed, payload: Buffer.from(parsed.payload, 'base64') };
  }
}

// NOTE: only checks that the bytes are a JSON object; field types are not validated.
function parseJson<T>(buf: Buffer, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf));
  } catch (err) {
    throw new RecordError(`invalid JSON ${what}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RecordError(`invalid JSON ${what}: not an object`);
  if (isNestedDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new RecordError(`invalid JSON ${what}: nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
  return value as T;
}

// --- Schema registry --------------------------------------------------------

/** Schema of a topic's values. */
export type ValueSchemaName = 'tier' | 'rejected' | 'dead-letter';

/**
 * Maps a topic of the engine to its schema: `<prefix>.l0` … `<prefix>.l4` hold tier
 * records, `<prefix>.rejected` rejected records and `<prefix>.dlq` dead letters.
 */
export function schemaForTopic(topic: string): ValueSchemaName {
  const suffix = topic.slice(topic.lastIndexOf('.') + 1);
  if ((TIERS as readonly string[]).includes(suffix)) return 'tier';
  if (suffix === 'rejected') return 'rejected';
  if (suffix === 'dlq') return 'dead-letter';
  throw new EngineError('TIERS_CONFIG_INVALID', `topic "${topic}" is not a tiers topic: expected <prefix>.l0 to l4, .rejected or .dlq`);
}

/** Subject of a topic's values under the topic-name strategy. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** Lists every topic of a prefix, in the order the registry codec registers them. */
export function topicsOfPrefix(prefix: string): string[] {
  return [...TIERS.map((tier) => `${prefix}.${tier}`), `${prefix}.rejected`, `${prefix}.dlq`];
}

function readSchemaFile(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot(), 'schemas', file), 'utf8')) as Record<string, unknown>;
}

/**
 * Returns the three value schemas as self-contained JSON. rejected-record.avsc refers to
 * tiers.TierRecord by name, and here that name is replaced by the full TierRecord
 * definition. A registry reference would tie each `<prefix>.rejected-value` subject to a
 * version of some tier subject, and every reader (the Python loaders included) would need
 * to resolve it. The expanded schema is the same Avro type, so the bytes are unchanged.
 */
export function valueSchemas(): Record<ValueSchemaName, RawAvroSchema> {
  const tier = readSchemaFile('tier-record.avsc');
  const rejected = readSchemaFile('rejected-record.avsc');
  const fields = (rejected.fields as Array<Record<string, unknown>>).map((field) =>
    field.type === 'tiers.TierRecord' ? { ...field, type: tier } : field,
  );
  return {
    tier: tier as unknown as RawAvroSchema,
    rejected: { ...rejected, fields } as unknown as RawAvroSchema,
    'dead-letter': readSchemaFile('dead-letter.avsc') as unknown as RawAvroSchema,
  };
}

/** Magic byte (0) and 4-byte big-endian schema id before the Avro body. */
const WIRE_HEADER_BYTES = 5;

/**
 * Avro values in the Confluent wire format: byte 0, the 4-byte schema id, then the Avro
 * body. Writing registers the schema under `<topic>-value` (BACKWARD compatibility) on the
 * first message of each topic. Reading fetches the writer's schema by id and resolves it to
 * this build's schema, so values written with any registered version decode.
 */
export class RegistryValueCodec implements ValueCodec {
  readonly kind = 'registry' as const;
  private readonly registry: SchemaRegistry;
  private readonly schemas = valueSchemas();
  private readonly subjectIds = new Map<string, Promise<number>>();

  constructor(readonly registryUrl: string) {
    this.registryUrl = registryUrl.replace(/\/+$/, '');
    this.registry = new SchemaRegistry({ host: this.registryUrl });
  }

  async prepareTopics(prefix: string): Promise<void> {
    for (const topic of topicsOfPrefix(prefix)) await this.schemaId(topic);
  }

  /** Returns the id of this build's schema for a topic, registering it on first use. */
  schemaId(topic: string): Promise<number> {
    const subject = valueSubject(topic);
    let id = this.subjectIds.get(subject);
    if (!id) {
      id = this.register(subject, this.schemas[schemaForTopic(topic)]);
      // A failed registration is tried again on the next message instead of being cached.
      id.catch(() => this.subjectIds.delete(subject));
      this.subjectIds.set(subject, id);
    }
    return id;
  }

  /**
   * Sets BACKWARD compatibility on the subject, then registers the schema. Registering a
   * schema the subject already has returns its existing id. Throws RegistryError with the
   * registry's message when the schema is incompatible or the registry fails.
   */
  async register(subject: string, schema: RawAvroSchema, compatibility = 'BACKWARD'): Promise<number> {
    const path = encodeURIComponent(subject);
    await this.request('PUT', `/config/${path}`, { compatibility });
    const body = (await this.request('POST', `/subjects/${path}/versions`, { schemaType: 'AVRO', schema: schemaText(schema) })) as { id: number };
    return body.id;
  }

  private async request(method: string, path: string, body: unknown): Promise<unknown> {
    const url = `${this.registryUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new RegistryError(`schema registry request ${method} ${url} failed: ${(err as Error).message}`, 0, { cause: err });
    }
    const text = await response.text();
    if (!response.ok) throw new RegistryError(`schema registry returned HTTP ${response.status} for ${method} ${url}: ${text.slice(0, 500)}`, response.status);
    return JSON.parse(text) as unknown;
  }

  private async encode(topic: string, value: unknown): Promise<Buffer> {
    const id = await this.schemaId(topic);
    return this.registry.encode(id, value);
  }

  /** Decodes with the writer's schema from the id, resolved to this build's schema. */
  private async decode<T>(buf: Buffer, name: ValueSchemaName, what: string): Promise<T> {
    if (buf.length < WIRE_HEADER_BYTES || buf[0] !== 0) {
      throw new RecordError(`invalid ${what}: not in the Confluent wire format (magic byte 0 and a 4-byte schema id)`);
    }
    try {
      return (await this.registry.decode(buf, { [SchemaType.AVRO]: { readerSchema: this.schemas[name] } })) as T;
    } catch (err) {
      // A missing id or a body that does not match its schema is bad data; network errors are not.
      const status = (err as { status?: number }).status;
      if (status === 404 || (err instanceof Error && !('status' in err) && !isNetworkError(err))) {
        throw new RecordError(`invalid ${what}: ${(err as Error).message}`, { cause: err });
      }
      throw err;
    }
  }

  encodeTier(topic: string, record: TierRecord): Promise<Buffer> {
    return this.encode(topic, toWire(record));
  }

  async decodeTier(buf: Buffer): Promise<TierRecord> {
    return fromWire(await this.decode<WireTierRecord>(buf, 'tier', 'tier record'));
  }

  encodeRejected(topic: string, rejected: RejectedRecord): Promise<Buffer> {
    return this.encode(topic, { ...rejected, record: toWire(rejected.record) });
  }

  async decodeRejected(buf: Buffer): Promise<RejectedRecord> {
    const wire = await this.decode<Omit<RejectedRecord, 'record'> & { record: WireTierRecord }>(buf, 'rejected', 'rejected record');
    return { ...wire, record: fromWire(wire.record) };
  }

  encodeDeadLetter(topic: string, letter: DeadLetter): Promise<Buffer> {
    return this.encode(topic, letter);
  }

  decodeDeadLetter(buf: Buffer): Promise<DeadLetter> {
    return this.decode<DeadLetter>(buf, 'dead-letter', 'dead letter');
  }
}

/**
 * Serializes a schema for registration. Apicurio Registry 3.3.3 returns 422 "Failed to
 * discover artifact type" for an Avro schema that contains the string literal "{}" (the
 * default of `meta`), so braces in that literal are written as JSON escapes, which parse to
 * the same schema.
 */
export function schemaText(schema: unknown): string {
  return JSON.stringify(schema).replaceAll('"{}"', '"\\u007b\\u007d"');
}

function isNetworkError(err: Error): boolean {
  const code = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
  return typeof code === 'string' && /^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|UND_ERR)/.test(code);
}

/**
 * A schema registry request that failed; `status` is the HTTP status, or 0 when no response
 * arrived. Only 0 and 5xx are retriable: a 409 (incompatible schema) or 422 (invalid schema)
 * fails the same way again.
 */
export class RegistryError extends EngineError {
  constructor(
    message: string,
    readonly status: number,
    options: { cause?: unknown } = {},
  ) {
    super('TIERS_TRANSPORT_FAILED', message, { ...options, retriable: status === 0 || status >= 500 });
  }
}
