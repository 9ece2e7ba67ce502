import { open, type FileHandle } from 'node:fs/promises';
import zstd from '@bokuweb/zstd-wasm';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import type { TierRecord } from '../core/record.js';
import { packageVersion } from '../core/paths.js';
import { PARQUET_COLUMNS, type ExportFormat } from './options.js';

/** zstd level of JSON-lines shards and of Parquet pages; 3 is zstd's own default. */
export const ZSTD_LEVEL = 3;
/** Uncompressed bytes per zstd frame of a JSON-lines shard. A shard is a sequence of frames. */
const FRAME_BYTES = 4 * 1024 * 1024;
/** A Parquet row group is written once it contains this many rows or this many bytes of values. */
const ROW_GROUP_RECORDS = 10_000;
const ROW_GROUP_BYTES = 64 * 1024 * 1024;

let zstdReady: Promise<void> | null = null;

/** Loads the zstd WebAssembly module once per process. */
export function initZstd(): Promise<void> {
  zstdReady ??= zstd.init();
  return zstdReady;
}

/** One record in a shard's own form, with the uncompressed size that `--shard-bytes` counts. */
export interface EncodedRow {
  value: Buffer | ParquetRow;
  size: number;
}

type ParquetRow = Array<string | null>;

export interface ShardFileWriter {
  write(row: EncodedRow): Promise<void>;
  /** Writes what is buffered and closes the file. */
  close(): Promise<void>;
}

export interface ShardFormat {
  encode(record: TierRecord): EncodedRow;
  open(path: string): Promise<ShardFileWriter>;
}

/** Builds the encoder and writer of a format; `fields` keeps only those fields or columns. */
export function shardFormat(format: ExportFormat, fields: string[] | null): ShardFormat {
  return format === 'jsonl' ? jsonlFormat(fields) : parquetFormat(fields);
}

function jsonlFormat(fields: string[] | null): ShardFormat {
  return {
    encode(record) {
      const value = fields ? pickFields(record, fields) : record;
      const line = Buffer.from(JSON.stringify(value) + '\n', 'utf8');
      return { value: line, size: line.length };
    },
    async open(path) {
      await initZstd();
      return new JsonlZstWriter(await open(path, 'wx'));
    },
  };
}

function pickFields(record: TierRecord, fields: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) picked[field] = (record as unknown as Record<string, unknown>)[field];
  return picked;
}

class JsonlZstWriter implements ShardFileWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly file: FileHandle) {}

  async write(row: EncodedRow): Promise<void> {
    this.pending.push(row.value as Buffer);
    this.pendingBytes += row.size;
    if (this.pendingBytes >= FRAME_BYTES) await this.flushFrame();
  }

  async close(): Promise<void> {
    try {
      await this.flushFrame();
    } finally {
      await this.file.close();
    }
  }

  private async flushFrame(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const frame = zstd.compress(Buffer.concat(this.pending, this.pendingBytes), ZSTD_LEVEL);
    this.pending = [];
    this.pendingBytes = 0;
    await this.file.write(frame);
  }
}

/** Column values of a record, in PARQUET_COLUMNS order; null where the record has no value. */
function parquetValues(record: TierRecord): Record<(typeof PARQUET_COLUMNS)[number], string | null> {
  return {
    id: record.id,
    tier: record.tier,
    domain: record.domain,
    lang: record.lang,
    text: record.text,
    source_uri: record.source.uri,
    source_dataset: record.source.dataset,
    source_dump: record.source.dump,
    signals: JSON.stringify(record.signals ?? {}),
    meta: JSON.stringify(record.meta ?? {}),
  };
}

/** Columns that may hold null; the others are REQUIRED in the schema. */
const NULLABLE_COLUMNS = new Set<string>(['lang', 'source_uri', 'source_dump']);

function parquetFormat(fields: string[] | null): ShardFormat {
  const columns: string[] = fields ? PARQUET_COLUMNS.filter((c) => fields.includes(c)) : [...PARQUET_COLUMNS];
  return {
    encode(record) {
      const values = parquetValues(record) as Record<string, string | null>;
      const row = columns.map((column) => values[column] ?? null);
      const size = row.reduce((sum, value) => sum + (value === null ? 0 : Buffer.byteLength(value, 'utf8')), 0);
      return { value: row, size };
    },
    async open(path) {
      await initZstd();
      return new ParquetShardWriter(path, columns);
    },
  };
}

class ParquetShardWriter implements ShardFileWriter {
  private readonly writer: ParquetWriter;
  private rows: ParquetRow[] = [];
  private rowBytes = 0;

  constructor(
    path: string,
    private readonly columns: string[],
  ) {
    this.writer = new ParquetWriter({
      writer: fileWriter(path),
      schema: [
        { name: 'root', num_children: columns.length },
        ...columns.map((name) => ({
          name,
          type: 'BYTE_ARRAY' as const,
          converted_type: 'UTF8' as const,
          repetition_type: NULLABLE_COLUMNS.has(name) ? ('OPTIONAL' as const) : ('REQUIRED' as const),
        })),
      ],
      codec: 'ZSTD',
      compressors: { ZSTD: (input: Uint8Array) => zstd.compress(input, ZSTD_LEVEL) },
      createdBy: `tiers ${packageVersion()}`,
    });
  }

  async write(row: EncodedRow): Promise<void> {
    this.rows.push(row.value as ParquetRow);
    this.rowBytes += row.size;
    if (this.rows.length >= ROW_GROUP_RECORDS || this.rowBytes >= ROW_GROUP_BYTES) await this.flushRowGroup();
  }

  async close(): Promise<void> {
    await this.flushRowGroup();
    await this.writer.finish();
  }

  private async flushRowGroup(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    const columnData = this.columns.map((name, i) => ({ name, data: rows.map((row) => row[i] ?? null) }));
    this.rows = [];
    this.rowBytes = 0;
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }
}
