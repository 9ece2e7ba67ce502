import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRejectedRecord, decodeTierRecord } from '../src/codec/avro.js';
import { runCli, sharedData, startCli } from './support/cli.js';
import { brokers, deleteTopics, readCommitted, uniquePrefix, waitForGroupCaughtUp } from './support/kafka.js';

/**
 * Dedup state follows a partition from one `tiers up` process to another: documents that one
 * process saw are still duplicates for a process with another instance id that later gets
 * their partition, whether it starts afterwards or is already running.
 */

const DATASETS = ['ds-a', 'ds-b', 'ds-c', 'ds-d', 'ds-e', 'ds-f'];
const DOCS_PER_DATASET = 10;

type UpProcess = ReturnType<typeof startCli>;

/** Writes one JSON-lines file per dataset (the file name) into `root/round`, with ids that start with `round`. */
async function writeRound(root: string, round: string, texts: string[]): Promise<string[]> {
  const files: string[] = [];
  const folder = join(root, round);
  await mkdir(folder, { recursive: true });
  for (const [d, dataset] of DATASETS.entries()) {
    const lines = texts.slice(d * DOCS_PER_DATASET, (d + 1) * DOCS_PER_DATASET).map((text, i) => JSON.stringify({ id: `${round}-${dataset}-${i}`, text }));
    const file = join(folder, `${dataset}.jsonl`);
    await writeFile(file, `${lines.join('\n')}\n`);
    files.push(file);
  }
  return files;
}

async function stopUp(child: UpProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

describe('dedup state per partition', () => {
  const prefix = uniquePrefix('handover');
  let dir: string;
  let texts: string[];
  const running: UpProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiers-handover-'));
    const lines = (await readFile(join(sharedData, 'web_en/c4_demo.jsonl'), 'utf8')).split('\n').filter((line) => line.trim() !== '');
    texts = lines.slice(0, DATASETS.length * DOCS_PER_DATASET).map((line) => (JSON.parse(line) as { text: string }).text);
  });

  afterAll(async () => {
    await Promise.all(running.map(stopUp));
    await deleteTopics(prefix);
    await deleteTopics(`${prefix}-live`);
    await deleteTopics(`${prefix}-global`);
    await rm(dir, { recursive: true, force: true });
  });

  function startFilter(prefix: string, instance: string, extra: string[] = []): UpProcess {
    const up = startCli(['up', '--prefix', prefix, '--stage', 'filter', '--metrics-port', '0', '--instance-id', instance, '--stats-interval', '3600', ...extra]);
    running.push(up);
    return up;
  }

  /** Ingests `files` and waits until the filter stage has consumed all of L0. */
  async function ingestAndWait(prefix: string, files: string[], stages: UpProcess[]): Promise<void> {
    const ingest = await runCli(['ingest', ...files, '--prefix', prefix]);
    expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
    try {
      await waitForGroupCaughtUp(`${prefix}.filter`, `${prefix}.l0`, 120_000);
    } catch (err) {
      const logs = stages.map((up) => up.stderrText().slice(-2000)).join('\n---\n');
      throw new Error(`${(err as Error).message}; the end of the stages' logs: ${logs}`);
    }
  }

  async function expectStopped(up: UpProcess): Promise<void> {
    await stopUp(up);
    expect(up.exitCode, up.stderrText().slice(-3000)).toBe(0);
  }

  /** Checks that every second-round record was rejected as a copy of its first-round twin. */
  async function expectSecondRoundRejected(prefix: string): Promise<void> {
    // The datasets are the message keys; the test means something only if they span partitions.
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const used = (await admin.fetchTopicOffsets(`${prefix}.l0`)).filter((p) => Number(p.high) > 0);
    await admin.disconnect();
    expect(used.length).toBeGreaterThan(1);

    const l1 = (await readCommitted(`${prefix}.l1`, 60_000)).map((m) => decodeTierRecord(m.value).id);
    const rejected = (await readCommitted(`${prefix}.rejected`, 60_000)).map((m) => decodeRejectedRecord(m.value));
    const secondRound = rejected.filter((r) => r.record.id.startsWith('r2-'));
    expect(l1.filter((id) => id.startsWith('r2-'))).toEqual([]);
    expect(secondRound).toHaveLength(DATASETS.length * DOCS_PER_DATASET);
    for (const r of secondRound) {
      expect(r.operator).toBe('exact-dedup');
      expect(r.duplicateOf).toBe(r.record.id.replace(/^r2-/, 'r1-'));
    }
    expect(l1.length).toBeGreaterThan(0);
  }

  /** Runs one filter process over one round of documents and stops it. Returns its log. */
  async function runRound(prefix: string, instance: string, round: string, extra: string[] = []): Promise<string> {
    const up = startFilter(prefix, instance, extra);
    await ingestAndWait(prefix, await writeRound(dir, round, texts), [up]);
    await expectStopped(up);
    return up.stderrText();
  }

  it('hands state to a later process', async () => {
    expect(await runRound(prefix, 'first', 'r1')).toContain('"stateKeyedBy":"partition"');
    await runRound(prefix, 'second', 'r2');
    await expectSecondRoundRejected(prefix);
  });

  it('keeps global dedup state per process', async () => {
    const global = `${prefix}-global`;
    const config = join(dir, 'global.json');
    await writeFile(config, JSON.stringify({ operators: { 'exact-dedup': { scope: 'global' }, 'minhash-dedup': { scope: 'global' } } }));
    expect(await runRound(global, 'only', 'r1', ['--config', config])).toContain('"stateKeyedBy":"process"');
    // The same instance id reads its own state back.
    await runRound(global, 'only', 'r2', ['--config', config]);
    await expectSecondRoundRejected(global);
  });

  it('takes over partitions from a stopped process', async () => {
    const shared = `${prefix}-live`;
    const a = startFilter(shared, 'a');
    const b = startFilter(shared, 'b');
    await waitForMembers(`${shared}.filter`, 2);
    await ingestAndWait(shared, await writeRound(dir, 'r1', texts), [a, b]);

    // b leaves: the group gives all partitions to a, which must read b's state back.
    await expectStopped(b);
    await ingestAndWait(shared, await writeRound(dir, 'r2', texts), [a]);
    await expectStopped(a);
    await expectSecondRoundRejected(shared);
  });
});

/** Waits until the consumer group is stable with `count` members. */
async function waitForMembers(groupId: string, count: number): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      if (group?.state === 'Stable' && group.members.length === count) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} did not reach ${count} members: state ${group?.state}, ${group?.members.length} members`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}
