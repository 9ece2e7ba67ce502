import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tier } from '../core/record.js';
import type { ShardEntry } from './manifest.js';
import type { EncodedRow, ShardFileWriter, ShardFormat } from './shard-format.js';

export interface ShardLimits {
  /** Records per shard, or null for no record limit. */
  maxRecords: number | null;
  /** Uncompressed bytes of encoded rows per shard, or null for no byte limit. */
  maxBytes: number | null;
}

/** Returns `<name>-<00000>.<extension>` for a zero-based shard index. */
export function shardFileName(name: string, index: number, extension: string): string {
  return `${name}-${String(index).padStart(5, '0')}.${extension}`;
}

/**
 * Writes rows to numbered shard files, starting a new shard before a row that would pass
 * either limit. A shard always gets at least one row, so a single row larger than
 * `maxBytes` fills a shard of its own. No empty shard is ever created.
 */
export class ShardRoller {
  private current: ShardFileWriter | null = null;
  private currentEntry: ShardEntry | null = null;
  private currentBytes = 0;
  private readonly done: ShardEntry[] = [];

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly extension: string,
    private readonly format: ShardFormat,
    private readonly limits: ShardLimits,
    /** Records per-tier counts on each shard, for mixed exports. */
    private readonly countTiers = false,
  ) {}

  async write(row: EncodedRow, tier: Tier): Promise<void> {
    if (this.current && this.currentEntry && this.isFull(this.currentEntry.records, row.size)) await this.finishShard();
    if (!this.current) await this.startShard();
    await this.current!.write(row);
    const entry = this.currentEntry!;
    entry.records++;
    this.currentBytes += row.size;
    if (entry.tiers) entry.tiers[tier] = (entry.tiers[tier] ?? 0) + 1;
  }

  /** Closes the last shard and returns every shard in order with its size and SHA-256. */
  async close(): Promise<ShardEntry[]> {
    await this.finishShard();
    return this.done;
  }

  private isFull(records: number, nextSize: number): boolean {
    if (this.limits.maxRecords !== null && records >= this.limits.maxRecords) return true;
    if (this.limits.maxBytes !== null && this.currentBytes + nextSize > this.limits.maxBytes) return true;
    return false;
  }

  private async startShard(): Promise<void> {
    const file = shardFileName(this.name, this.done.length, this.extension);
    this.current = await this.format.open(join(this.dir, file));
    this.currentEntry = { file, records: 0, bytes: 0, sha256: '', ...(this.countTiers ? { tiers: {} } : {}) };
    this.currentBytes = 0;
  }

  private async finishShard(): Promise<void> {
    if (!this.current || !this.currentEntry) return;
    await this.current.close();
    const path = join(this.dir, this.currentEntry.file);
    this.currentEntry.bytes = (await stat(path)).size;
    this.currentEntry.sha256 = await sha256File(path);
    this.done.push(this.currentEntry);
    this.current = null;
    this.currentEntry = null;
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
