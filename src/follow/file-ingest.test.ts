import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TopicMessages, TransactionalProducer } from '../bus/bus.js';
import { decodeTierRecord } from '../codec/avro.js';
import { AvroValueCodec } from '../codec/registry.js';
import { topicNames } from '../core/topics.js';
import { detectFormat } from '../io/formats.js';
import { resolveReadOptions } from '../io/read-inputs.js';
import { captureLogger, readAll } from '../io/testing.js';
import { checkContent } from './content-check.js';
import { ingestFile, type FileJob } from './file-ingest.js';
import { decodeProgress, planResume, type ProgressEntry } from './progress.js';

const topics = topicNames('unit');
const PROGRESS = 'unit.ingest-progress';

/** Keeps committed transactions; fails the transaction with index `failAt`, as a crash before commit would. */
class FakeProducer implements TransactionalProducer {
  readonly committed: TopicMessages[][] = [];
  calls = 0;
  constructor(private readonly failAt = -1) {}

  async sendAtomically(batches: TopicMessages[]): Promise<void> {
    if (this.calls++ === this.failAt) throw new Error('broker unavailable');
    this.committed.push(batches);
  }

  async abortOpen(): Promise<void> {}

  async close(): Promise<void> {}

  l0Ids(): string[] {
    return this.committed.flatMap((batches) =>
      batches.filter((b) => b.topic === topics.l0).flatMap((b) => b.messages.map((m) => decodeTierRecord(m.value).id)),
    );
  }

  lastProgress(): ProgressEntry | undefined {
    const last = this.committed.at(-1)?.find((b) => b.topic === PROGRESS)?.messages[0];
    return last === undefined ? undefined : (decodeProgress(last.key, last.value) ?? undefined);
  }
}

let dir: string;
const lines = Array.from({ length: 23 }, (_, i) => JSON.stringify({ text: `document number ${i} with some words` }) + '\n').join('');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tiers-follow-ingest-'));
  await writeFile(join(dir, 'docs.jsonl'), lines);
  const gzip = gzipSync(Buffer.from(lines));
  await writeFile(join(dir, 'cut.jsonl.gz'), gzip.subarray(0, Math.floor(gzip.length * 0.6)));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function jobFor(name: string, from = 0, fileName = name): Promise<FileJob> {
  const path = join(dir, name);
  const check = await checkContent(path, detectFormat(name)!.compression);
  return { path, relativePath: name, root: dir, detected: detectFormat(name)!, sha256: check.sha256, size: check.size, mtimeMs: 1, fileName, from };
}

function context(producer: TransactionalProducer, batchSize: number, shouldStop = () => false) {
  const { log } = captureLogger();
  return { producer, topics, codec: new AvroValueCodec(), progressTopic: PROGRESS, ingesterId: 'unit', readOptions: resolveReadOptions({}), batchSize, log, shouldStop };
}

describe('ingestFile', () => {
  test('publishes every item and ends done', async () => {
    const producer = new FakeProducer();
    const result = await ingestFile(await jobFor('docs.jsonl'), context(producer, 5));
    const direct = await readAll([join(dir, 'docs.jsonl')]);
    expect(result.state).toBe('done');
    expect(result.records).toBe(23);
    expect(producer.committed).toHaveLength(5);
    expect(producer.l0Ids()).toEqual(direct.records.map((r) => r.id));
    expect(producer.lastProgress()?.state).toBe('done');
  });

  test('every transaction carries its progress update', async () => {
    const producer = new FakeProducer();
    await ingestFile(await jobFor('docs.jsonl'), context(producer, 5));
    const counts = producer.committed.map((batches) => decodeProgress(null, batches.find((b) => b.topic === PROGRESS)!.messages[0]!.value)!.records);
    expect(counts).toEqual([5, 10, 15, 20, 23]);
  });

  test('resume after a failed transaction publishes each item once', async () => {
    const producer = new FakeProducer(2);
    await expect(ingestFile(await jobFor('docs.jsonl'), context(producer, 5))).rejects.toThrow('broker unavailable');
    const saved = producer.lastProgress();
    expect(saved?.records).toBe(10);

    const plan = planResume(saved, 'docs.jsonl');
    expect(plan).toEqual({ action: 'ingest', from: 10, fileName: 'docs.jsonl' });
    if (plan.action !== 'ingest') return;
    const resumed = await ingestFile(await jobFor('docs.jsonl', plan.from), context(producer, 5));
    const direct = await readAll([join(dir, 'docs.jsonl')]);
    expect(resumed.state).toBe('done');
    expect(producer.l0Ids()).toEqual(direct.records.map((r) => r.id));
  });

  test('resume under a new name keeps the ids of the first name', async () => {
    const producer = new FakeProducer();
    await ingestFile(await jobFor('docs.jsonl', 10, 'docs.jsonl'), context(producer, 50));
    const direct = await readAll([join(dir, 'docs.jsonl')]);
    expect(producer.l0Ids()).toEqual(direct.records.slice(10).map((r) => r.id));
  });

  test('stop request ends the file after a committed batch', async () => {
    const producer = new FakeProducer();
    const result = await ingestFile(await jobFor('docs.jsonl'), context(producer, 5, () => true));
    expect(result.state).toBe('interrupted');
    expect(result.records).toBe(5);
    expect(producer.lastProgress()?.state).toBe('in-progress');
  });

  test('truncated gzip keeps the readable items and ends broken', async () => {
    const producer = new FakeProducer();
    const result = await ingestFile(await jobFor('cut.jsonl.gz'), context(producer, 5));
    const direct = await readAll([join(dir, 'cut.jsonl.gz')]);
    expect(result.state).toBe('broken');
    expect(result.error).toMatch(/truncated or corrupt/);
    expect(direct.records.length).toBeGreaterThan(0);
    expect(producer.l0Ids()).toEqual(direct.records.map((r) => r.id));
    expect(producer.lastProgress()?.state).toBe('broken');
  });
});

describe('checkContent', () => {
  test('truncated gzip is not complete', async () => {
    const check = await checkContent(join(dir, 'cut.jsonl.gz'), 'gzip');
    expect(check.streamComplete).toBe(false);
    expect(check.error).toMatch(/truncated or corrupt/);
  });

  test('plain file is complete and hashed', async () => {
    const check = await checkContent(join(dir, 'docs.jsonl'), 'none');
    expect(check.streamComplete).toBe(true);
    expect(check.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(check.size).toBe(Buffer.byteLength(lines));
  });
});
