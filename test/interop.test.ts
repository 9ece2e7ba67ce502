import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryValueCodec } from '../src/codec/registry.js';
import { createLogger } from '../src/core/log.js';
import type { TierRecord } from '../src/core/record.js';
import { InputReader } from '../src/io/read-inputs.js';
import { parseJsonLines, repoRoot, runCli, sharedData, startCli } from './support/cli.js';
import { brokers, deleteTopics, readCommitted, topicSize, uniquePrefix, waitForGroupCaughtUp } from './support/kafka.js';
import { ensureRegistry, pythonBin, registryUrl } from './support/registry.js';

const inputs = [join(sharedData, 'web_zh/cleared1.jsonl'), join(sharedData, 'web_en/c4_demo.jsonl')];
const examples = join(repoRoot, 'examples/python');

interface LoaderLine {
  id: string;
  tier: string;
  lang: string | null;
  text: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

function runPython(args: string[], timeoutMs = 180_000): LoaderLine[] {
  // SIGABRT on timeout makes Python's fault handler print every thread's stack to stderr.
  const result = spawnSync(pythonBin, args, {
    cwd: examples,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGABRT',
    env: { ...process.env, PYTHONFAULTHANDLER: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const outcome = result.signal ? `was stopped by ${result.signal} after ${timeoutMs / 1000} s` : `exited with ${result.status}`;
    throw new Error(`python ${args.join(' ')} ${outcome}: ${result.stderr.slice(-3000)}`);
  }
  return parseJsonLines<LoaderLine>(result.stdout);
}

/**
 * Runs kafka_loader.py until it has read `--max` records. A loader run hung past its timeout
 * twice in about a dozen runs, once in a full run and once with this file alone. So a stuck
 * run is retried once with a fresh consumer group, and the first run's stacks go to the log.
 * NOTE: the cause of that hang is not known yet.
 */
function runLoaderWithRetry(args: string[], group: string): LoaderLine[] {
  const base = ['kafka_loader.py', '--brokers', brokers.join(','), '--registry', registryUrl, ...args];
  try {
    return runPython([...base, '--group', group], 90_000);
  } catch (err) {
    if (!/stopped by/.test((err as Error).message)) throw err;
    console.warn(`kafka_loader.py hung; retrying once with a new group. ${(err as Error).message}`);
    return runPython([...base, '--group', `${group}-retry`], 90_000);
  }
}

async function readRecords(): Promise<TierRecord[]> {
  const reader = new InputReader(inputs, {}, createLogger({}, 'warn'));
  const records: TierRecord[] = [];
  for await (const item of reader.items()) if (item.kind === 'record') records.push(item.record);
  return records;
}

describe('Python loaders', () => {
  const prefix = uniquePrefix('interop');
  const topic = `${prefix}.l1`;
  let stopRegistry: () => void = () => {};
  let records: TierRecord[] = [];

  beforeAll(async () => {
    stopRegistry = await ensureRegistry();
    records = await readRecords();
  });

  afterAll(async () => {
    await deleteTopics(prefix);
    stopRegistry();
  });

  it('kafka_loader reads registry-encoded records', async () => {
    expect(records.length).toBeGreaterThan(300);
    expect(records.some((record) => /\p{Script=Han}/u.test(record.text))).toBe(true);

    const codec = new RegistryValueCodec(registryUrl);
    await codec.prepareTopics(prefix);
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const messages = await Promise.all(
      records.map(async (record) => ({ key: record.source.dataset, value: await codec.encodeTier(topic, { ...record, tier: 'l1' }) })),
    );
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();

    // Every value is in the wire format with the id registered for the topic's subject.
    const id = await codec.schemaId(topic);
    for (const message of messages) {
      expect(message.value[0]).toBe(0);
      expect(message.value.readUInt32BE(1)).toBe(id);
    }

    // The TypeScript codec reads its own messages back.
    const stored = await readCommitted(topic, 60_000);
    expect(stored).toHaveLength(records.length);
    const decoded = await Promise.all(stored.map((message) => codec.decodeTier(message.value)));
    const byId = new Map(records.map((record) => [record.id, record]));
    for (const record of decoded) expect(record).toEqual({ ...byId.get(record.id), tier: 'l1' });

    const lines = runLoaderWithRetry(
      ['--topic', topic, '--from-beginning', '--batch-size', '64', '--idle-timeout', '30', '--max', String(records.length)],
      `${prefix}.python`,
    );
    expect(lines).toHaveLength(records.length);
    const seen = new Set<string>();
    for (const line of lines) {
      const record = byId.get(line.id);
      expect(record, `unknown id ${line.id}`).toBeDefined();
      expect(sha256(line.text), `text of ${line.id}`).toBe(sha256(record!.text));
      expect(line.tier).toBe('l1');
      expect(line.lang).toBe(record!.lang);
      seen.add(line.id);
    }
    expect(seen.size).toBe(records.length);
  });

  it('kafka_loader reads the L1 that tiers up produced', async () => {
    const pipeline = `${prefix}-engine`;
    const codecArgs = ['--prefix', pipeline, '--codec', 'registry', '--registry-url', registryUrl];
    const out = await mkdtemp(join(tmpdir(), 'tiers-interop-embedded-'));
    const embedded = await runCli(['run', ...inputs, '--out', out]);
    expect(embedded.code, embedded.stderr.slice(-2000)).toBe(0);
    const expected = new Map(parseJsonLines<TierRecord>(await readFile(join(out, 'l1.jsonl'), 'utf8')).map((r) => [r.id, r]));

    const ingest = await runCli(['ingest', ...inputs, ...codecArgs]);
    expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
    const up = startCli(['up', ...codecArgs, '--metrics-port', '0']);
    try {
      await waitForGroupCaughtUp(`${pipeline}.filter`, `${pipeline}.l0`, 120_000);
    } finally {
      up.kill('SIGTERM');
    }
    expect(await new Promise((resolve) => up.once('exit', resolve))).toBe(0);
    expect(await topicSize(`${pipeline}.l1`)).toBe(expected.size);

    const lines = runLoaderWithRetry(
      ['--topic', `${pipeline}.l1`, '--from-beginning', '--idle-timeout', '30', '--max', String(expected.size)],
      `${pipeline}.python`,
    );
    expect(lines).toHaveLength(expected.size);
    for (const line of lines) {
      const record = expected.get(line.id);
      expect(record, `unknown id ${line.id}`).toBeDefined();
      expect(sha256(line.text), `text of ${line.id}`).toBe(sha256(record!.text));
    }
    await deleteTopics(pipeline);
  });

  it('file_loader reads tiers run output', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tiers-interop-'));
    const run = await runCli(['run', ...inputs, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const expected = parseJsonLines<TierRecord>(await readFile(join(out, 'l1.jsonl'), 'utf8'));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.some((record) => /\p{Script=Han}/u.test(record.text))).toBe(true);

    // A zstd copy checks the compressed path; Node 20 has no zstd compressor, so Python writes it.
    const compress = spawnSync(
      pythonBin,
      ['-c', 'import sys, zstandard; open(sys.argv[2], "wb").write(zstandard.ZstdCompressor().compress(open(sys.argv[1], "rb").read()))', join(out, 'l1.jsonl'), join(out, 'l1.jsonl.zst')],
      { encoding: 'utf8' },
    );
    expect(compress.status, compress.stderr).toBe(0);

    for (const file of ['l1.jsonl', 'l1.jsonl.zst']) {
      const lines = runPython(['file_loader.py', join(out, file)]);
      expect(lines, file).toHaveLength(expected.length);
      lines.forEach((line, index) => {
        expect(line.id).toBe(expected[index]!.id);
        expect(sha256(line.text), `${file}: text of ${line.id}`).toBe(sha256(expected[index]!.text));
      });
    }
  });
});
