import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { decompress } from 'fzstd';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonLines, runCli, sharedData } from './support/cli.js';
import { deleteTopics, uniquePrefix } from './support/kafka.js';

interface Shard {
  file: string;
  records: number;
  bytes: number;
  sha256: string;
}
interface Manifest {
  schedule: string;
  totals: { records: number; textBytes: number; tokens: number };
  tiers: Record<string, { records: number; textBytes: number; tokens: number; datasets: Record<string, { records: number }> }>;
  shards?: Shard[];
  phases?: Array<{ phase: number; tier: string; dir: string; manifest: string }>;
}

const work = mkdtempSync(join(tmpdir(), 'tiers-export-test-'));
const runDir = join(work, 'run');
const c4Demo = join(sharedData, 'web_en/c4_demo.jsonl');

function tierIds(tier: string): string[] {
  return parseJsonLines<{ id: string }>(readFileSync(join(runDir, `${tier}.jsonl`), 'utf8')).map((r) => r.id);
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

function readJsonlShard(path: string): Array<Record<string, unknown>> {
  return parseJsonLines(Buffer.from(decompress(readFileSync(path))).toString('utf8'));
}

async function readParquetShard(path: string): Promise<Array<Record<string, unknown>>> {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return parquetReadObjects({ file, compressors: { ZSTD: (input: Uint8Array) => decompress(input) } });
}

/** Checks each shard's size and SHA-256 against the manifest and returns the rows of every shard in order. */
async function readShards(dir: string, manifest: Manifest): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const shard of manifest.shards ?? []) {
    const path = join(dir, shard.file);
    expect(statSync(path).size).toBe(shard.bytes);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(shard.sha256);
    const shardRows = shard.file.endsWith('.parquet') ? await readParquetShard(path) : readJsonlShard(path);
    expect(shardRows).toHaveLength(shard.records);
    rows.push(...shardRows);
  }
  return rows;
}

/** Maps each file under a directory (relative path) to its bytes' SHA-256. */
function treeHashes(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else hashes[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return hashes;
}

async function exportTo(name: string, args: string[]): Promise<string> {
  const out = join(work, name);
  const result = await runCli(['export', '--out', out, ...args]);
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  const summary = JSON.parse(result.stdout.trim()) as { manifest: string; records: number };
  expect(summary.manifest).toBe(join(out, 'manifest.json'));
  return out;
}

beforeAll(async () => {
  const run = await runCli(['run', 'samples', c4Demo, '--out', runDir]);
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tiers export from a run directory', () => {
  it('writes staged JSON-lines phases without loss', async () => {
    const out = await exportTo('staged', ['--from-dir', runDir, '--tiers', 'l1,l0', '--shard-records', '60', '--shuffle', '--seed', '1']);
    const top = readManifest(out);

    expect(top.schedule).toBe('staged');
    expect(top.phases!.map((p) => p.dir)).toEqual(['phase-1-l1', 'phase-2-l0']);
    for (const phase of top.phases!) {
      const dir = join(out, phase.dir);
      const manifest = readManifest(dir);
      const rows = await readShards(dir, manifest);
      const ids = rows.map((row) => row.id as string);
      const expected = tierIds(phase.tier);

      expect(ids).toHaveLength(expected.length);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...expected].sort());
      expect(ids).not.toEqual(expected);
      expect(manifest.totals.records).toBe(expected.length);
      expect(top.tiers[phase.tier]!.records).toBe(expected.length);
      expect(manifest.shards!.every((shard) => shard.records <= 60)).toBe(true);
      const datasetSum = Object.values(manifest.tiers[phase.tier]!.datasets).reduce((sum, d) => sum + d.records, 0);
      expect(datasetSum).toBe(expected.length);
    }
    expect(top.totals.records).toBe(tierIds('l1').length + tierIds('l0').length);
    expect(top.totals.tokens).toBeGreaterThan(0);
  });

  it('repeats bytes for a seed and reorders for another', async () => {
    const args = ['--from-dir', runDir, '--weights', 'l1=0.6,l0=0.4', '--shuffle', '--shard-bytes', '400000'];
    const first = await exportTo('mixed-seed-5a', [...args, '--seed', '5']);
    const second = await exportTo('mixed-seed-5b', [...args, '--seed', '5']);
    const other = await exportTo('mixed-seed-6', [...args, '--seed', '6']);

    expect(treeHashes(second)).toEqual(treeHashes(first));
    const firstIds = (await readShards(first, readManifest(first))).map((row) => row.id);
    const otherIds = (await readShards(other, readManifest(other))).map((row) => row.id);
    expect(otherIds).not.toEqual(firstIds);
    expect([...otherIds].sort()).toEqual([...firstIds].sort());
  });

  it('writes a mixed Parquet export without loss', async () => {
    const out = await exportTo('mixed-parquet', ['--from-dir', runDir, '--weights', 'l1=0.7,l0=0.3', '--format', 'parquet', '--shard-records', '200', '--seed', '2']);
    const manifest = readManifest(out);
    const rows = await readShards(out, manifest);

    expect(manifest.schedule).toBe('mixed');
    expect(manifest.shards!.map((s) => s.file)[0]).toBe('mix-00000.parquet');
    expect(Object.keys(rows[0]!)).toEqual(['id', 'tier', 'domain', 'lang', 'text', 'source_uri', 'source_dataset', 'source_dump', 'signals', 'meta']);
    for (const tier of ['l1', 'l0']) {
      const ids = rows.filter((row) => row.tier === tier).map((row) => row.id as string);
      // Without --shuffle each tier keeps its file order inside the mix.
      expect(ids).toEqual(tierIds(tier));
      expect(manifest.tiers[tier]!.records).toBe(ids.length);
    }
    expect(typeof JSON.parse(rows[0]!.signals as string)).toBe('object');
  });

  it('keeps only the --fields given', async () => {
    const out = await exportTo('fields', ['--from-dir', runDir, '--tiers', 'l1', '--fields', 'text,id']);
    const dir = join(out, 'phase-1-l1');
    const rows = await readShards(dir, readManifest(dir));

    expect(Object.keys(rows[0]!)).toEqual(['text', 'id']);
    expect(rows.map((row) => row.id)).toEqual(tierIds('l1'));
  });
});

describe('tiers export input checks', () => {
  it.each([
    ['unknown tier', ['--tiers', 'l1,l9'], /unknown tier "l9"/],
    ['missing tier file', ['--tiers', 'l3'], /l3\.jsonl not found/],
    ['zero weight', ['--weights', 'l1=0'], /greater than 0/],
    ['zero shard size', ['--tiers', 'l1', '--shard-records', '0'], /invalid --shard-records "0"/],
    ['weights with staged', ['--tiers', 'l1', '--schedule', 'staged', '--weights', 'l1=1'], /--weights applies only/],
    ['unknown tokenizer', ['--tiers', 'l1', '--tokenizer', 'bert'], /unknown --tokenizer "bert"/],
  ])('exits 2 on %s', async (_name, args, message) => {
    const result = await runCli(['export', '--from-dir', runDir, '--out', join(work, 'invalid'), ...args]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('rejects a non-empty output directory unless --overwrite', async () => {
    const out = join(work, 'occupied');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    const refused = await runCli(['export', '--from-dir', runDir, '--tiers', 'l1', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not empty.*--overwrite/);

    const replaced = await runCli(['export', '--from-dir', runDir, '--tiers', 'l1', '--out', out, '--overwrite']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(readManifest(out).totals.records).toBe(tierIds('l1').length);
  });
});

describe('tiers export from Kafka', () => {
  const prefix = uniquePrefix('export');
  afterAll(() => deleteTopics(prefix));

  it('exports a tier topic up to its start watermarks', async () => {
    const ingest = await runCli(['ingest', c4Demo, '--prefix', prefix]);
    expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);

    const first = await exportTo('kafka-a', ['--prefix', prefix, '--tiers', 'l0', '--shard-records', '100']);
    const second = await exportTo('kafka-b', ['--prefix', prefix, '--tiers', 'l0', '--shard-records', '100']);
    const dir = join(first, 'phase-1-l0');
    const manifest = readManifest(dir);
    const ids = (await readShards(dir, manifest)).map((row) => row.id as string);
    const expected = parseJsonLines<{ id: string; source: { dataset: string } }>(readFileSync(join(runDir, 'l0.jsonl'), 'utf8'))
      .filter((r) => r.source.dataset === 'c4_demo')
      .map((r) => r.id);

    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(treeHashes(second)).toEqual(treeHashes(first));
  });
});
