import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decompress } from 'fzstd';
import { readFileSync } from 'node:fs';
import { makeRecord } from '../core/testing.js';
import { shardFormat } from './shard-format.js';
import { shardFileName, ShardRoller, type ShardLimits } from './shards.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shards-test-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Writes `sizes.length` rows whose encoded sizes are `sizes`, and returns the record counts per shard. */
async function roll(sizes: number[], limits: ShardLimits): Promise<number[]> {
  const format = shardFormat('jsonl', null);
  const roller = new ShardRoller(dir, 'l1', 'jsonl.zst', format, limits);
  for (const size of sizes) {
    const row = format.encode(makeRecord('x'));
    await roller.write({ value: row.value, size }, 'l1');
  }
  return (await roller.close()).map((shard) => shard.records);
}

describe('ShardRoller', () => {
  it('rolls by record count', async () => {
    expect(await roll([1, 1, 1, 1, 1], { maxRecords: 2, maxBytes: null })).toEqual([2, 2, 1]);
  });

  it('rolls before a row that would pass the byte limit', async () => {
    expect(await roll([40, 40, 40, 10], { maxRecords: null, maxBytes: 100 })).toEqual([2, 2]);
  });

  it('gives an oversized row a shard of its own', async () => {
    expect(await roll([10, 500, 10], { maxRecords: null, maxBytes: 100 })).toEqual([1, 1, 1]);
  });

  it('rolls on whichever limit comes first', async () => {
    expect(await roll([10, 10, 10, 95, 10], { maxRecords: 3, maxBytes: 100 })).toEqual([3, 1, 1]);
  });

  it('creates no file without rows', async () => {
    expect(await roll([], { maxRecords: 1, maxBytes: null })).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes readable zstd JSON lines with size and hash', async () => {
    const format = shardFormat('jsonl', ['id', 'text']);
    const roller = new ShardRoller(dir, 'l1', 'jsonl.zst', format, { maxRecords: 10, maxBytes: null });
    await roller.write(format.encode(makeRecord('first', { id: 'a' })), 'l1');
    await roller.write(format.encode(makeRecord('second', { id: 'b' })), 'l1');
    const [shard] = await roller.close();

    expect(shard!.file).toBe('l1-00000.jsonl.zst');
    expect(shard!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const bytes = readFileSync(join(dir, shard!.file));
    expect(shard!.bytes).toBe(bytes.length);
    const lines = Buffer.from(decompress(bytes)).toString('utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([{ id: 'a', text: 'first' }, { id: 'b', text: 'second' }]);
  });
});

describe('shardFileName', () => {
  it('pads the index to five digits', () => {
    expect(shardFileName('mix', 42, 'parquet')).toBe('mix-00042.parquet');
  });
});
