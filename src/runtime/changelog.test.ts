import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { BusMessage, ConsumedMessage } from '../bus/bus.js';
import type { Operator, Outcome } from '../core/operator.js';
import { makeRecord } from '../core/testing.js';
import { createExactDedup } from '../operators/exact-dedup.js';
import { createMinHashDedup } from '../operators/minhash-dedup/index.js';
import { SNAPSHOT_PART_BYTES, StateChangelog } from './changelog.js';

const log = pino({ level: 'silent' });
const ctx = { log };
const C4 = '/work/shared/data/web_en/c4_demo.jsonl';

/** A compacted topic in memory: every message in offset order, tombstones as empty values. */
class TopicLog {
  readonly messages: ConsumedMessage[] = [];

  append(batch: BusMessage[]): void {
    for (const m of batch) {
      const value = m.tombstone === true ? Buffer.alloc(0) : m.value;
      this.messages.push({ topic: 'changelog', partition: 0, offset: String(this.messages.length), key: m.key, value });
    }
  }

  /** Returns the keys that survive compaction: the last value of each key, tombstoned keys removed. */
  liveKeys(): string[] {
    const latest = new Map<string, number>();
    for (const m of this.messages) {
      if (m.value.length === 0) latest.delete(m.key!);
      else latest.set(m.key!, m.value.length);
    }
    return [...latest.keys()].sort();
  }
}

function realTexts(count: number): string[] {
  return readFileSync(C4, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .slice(0, count)
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

function decide(operator: Operator, text: string, id: string): Outcome {
  return (operator.process(makeRecord(text, { id }), ctx) as Outcome[])[0]!;
}

/** Runs texts through fresh operators in batches, appending each batch's changelog messages. */
async function runBatches(operators: Operator[], changelog: StateChangelog, topic: TopicLog, batches: string[][], clock: () => number) {
  let n = 0;
  for (const batch of batches) {
    for (const text of batch) {
      for (const op of operators) decide(op, text, `doc-${n}`);
      n++;
    }
    topic.append(changelog.batchMessages());
    await writeSnapshotIfDue(changelog, topic, clock());
  }
}

/** Writes a due snapshot transaction by transaction, as the stage does between batches. */
async function writeSnapshotIfDue(changelog: StateChangelog, topic: TopicLog, now: number): Promise<number> {
  if (!changelog.snapshotDue(now)) return 0;
  const plan = await changelog.planSnapshot(now);
  for (const transaction of plan.transactions) topic.append(transaction);
  plan.written();
  return plan.transactions.length;
}

describe('StateChangelog', () => {
  const texts = realTexts(60);

  it('restores from changes alone', async () => {
    const operators = [createExactDedup({}), createMinHashDedup({})];
    const changelog = new StateChangelog(operators, { groupId: 'g', snapshotIntervalSeconds: 3600 }, log);
    const topic = new TopicLog();
    await runBatches(operators, changelog, topic, [texts.slice(0, 20), texts.slice(20, 40)], () => Date.now());

    const restored = [createExactDedup({}), createMinHashDedup({})];
    new StateChangelog(restored, { groupId: 'g', snapshotIntervalSeconds: 3600 }, log).restore(topic.messages);

    const exact = decide(restored[0]!, texts[5]!, 'late-copy');
    expect(exact).toMatchObject({ kind: 'reject', rule: 'duplicate', duplicateOf: 'doc-5' });
    const near = decide(restored[1]!, `${texts[25]!} One more sentence at the end.`, 'late-near-copy');
    expect(near).toMatchObject({ kind: 'reject', rule: 'duplicate', duplicateOf: 'doc-25' });
    expect(decide(restored[0]!, texts[45]!, 'new').kind).toBe('promote');
    expect(decide(restored[1]!, texts[45]!, 'new').kind).toBe('promote');
  });

  it('restores from a snapshot plus changes', async () => {
    const operators = [createExactDedup({}), createMinHashDedup({})];
    let now = 0;
    const changelog = new StateChangelog(operators, { groupId: 'g', snapshotIntervalSeconds: 10 }, log);
    const topic = new TopicLog();
    // Batches at t = 5, 15, 20 and 30 s: snapshots are due at 15 and 30 (10 s after the last one, which start counts as 0).
    const batches = [texts.slice(0, 10), texts.slice(10, 20), texts.slice(20, 30), texts.slice(30, 40), texts.slice(40, 50)];
    const times = [5_000, 15_000, 20_000, 30_000, 31_000];
    changelog['lastSnapshotAt'] = 0;
    await runBatches(operators, changelog, topic, batches, () => (now = times.shift()!));
    expect(now).toBe(31_000);

    // After the snapshot at 30 s only the change of the 31 s batch is live, besides the snapshots.
    expect(topic.liveKeys()).toEqual([
      'g/exact-dedup/change/5',
      'g/exact-dedup/snapshot',
      'g/exact-dedup/snapshot/4/0',
      'g/minhash-dedup/change/5',
      'g/minhash-dedup/snapshot',
      'g/minhash-dedup/snapshot/4/0',
    ]);

    const restored = [createExactDedup({}), createMinHashDedup({})];
    const restoredLog = new StateChangelog(restored, { groupId: 'g', snapshotIntervalSeconds: 10 }, log);
    restoredLog.restore(topic.messages);
    for (const i of [3, 17, 33, 44]) {
      expect(decide(restored[0]!, texts[i]!, `copy-${i}`)).toMatchObject({ kind: 'reject', duplicateOf: `doc-${i}` });
    }
    expect(decide(restored[0]!, texts[55]!, 'fresh').kind).toBe('promote');
    // The sequence continues where the topic left off, so new changes never reuse a live key.
    decide(restored[0]!, texts[58]!, 'after-restore');
    topic.append(restoredLog.batchMessages());
    expect(topic.messages.at(-1)!.key).toBe('g/exact-dedup/change/6');
  });

  it('keeps stage groups apart', async () => {
    const a = [createExactDedup({})];
    const topic = new TopicLog();
    const logA = new StateChangelog(a, { groupId: 'stage-a', snapshotIntervalSeconds: 3600 }, log);
    await runBatches(a, logA, topic, [texts.slice(0, 5)], () => 0);

    const b = [createExactDedup({})];
    new StateChangelog(b, { groupId: 'stage-b', snapshotIntervalSeconds: 3600 }, log).restore(topic.messages);
    expect(decide(b[0]!, texts[0]!, 'x').kind).toBe('promote');
  });

  it('survives a half-written snapshot', async () => {
    const exact = createExactDedup({ expectedDocuments: 1000 });
    const changelog = new StateChangelog([exact], { groupId: 'g', snapshotIntervalSeconds: 0 }, log);
    const topic = new TopicLog();
    texts.slice(0, 10).forEach((text, i) => decide(exact, text, `doc-${i}`));
    topic.append(changelog.batchMessages());
    await writeSnapshotIfDue(changelog, topic, Date.now());
    texts.slice(10, 20).forEach((text, i) => decide(exact, text, `doc-${10 + i}`));
    topic.append(changelog.batchMessages());
    // The process dies after the new parts and before the header that would name them.
    const plan = await changelog.planSnapshot();
    for (const transaction of plan.transactions.slice(0, -1)) topic.append(transaction);

    const restored = createExactDedup({ expectedDocuments: 1000 });
    const restoredLog = new StateChangelog([restored], { groupId: 'g', snapshotIntervalSeconds: 0 }, log);
    restoredLog.restore(topic.messages);
    expect(decide(restored, texts[15]!, 'copy')).toMatchObject({ kind: 'reject', duplicateOf: 'doc-15' });
    topic.append(restoredLog.batchMessages());
    expect(topic.liveKeys()).toEqual(['g/exact-dedup/change/2', 'g/exact-dedup/snapshot', 'g/exact-dedup/snapshot/1/0']);
  });

  it('writes nothing without changes', async () => {
    const stateless: Operator = { name: 'noop', version: '1', rules: [], process: (r) => [{ kind: 'promote', record: r }] };
    expect(new StateChangelog([stateless], { groupId: 'g', snapshotIntervalSeconds: 1 }, log).empty).toBe(true);

    const exact = createExactDedup({});
    const changelog = new StateChangelog([exact], { groupId: 'g', snapshotIntervalSeconds: 3600 }, log);
    decide(exact, 'only text', 'a');
    expect(changelog.batchMessages()).toHaveLength(1);
    decide(exact, 'only text', 'b');
    expect(changelog.batchMessages()).toEqual([]);
    expect(changelog.snapshotDue(Date.now() + 7200_000)).toBe(true);
  });

  it('splits large snapshots into parts', async () => {
    // About 9 MB of random-looking ids in the exact-dedup id map, which gzip cannot shrink much.
    const exact = createExactDedup({ expectedDocuments: 1000 });
    for (let i = 0; i < 120_000; i++) decide(exact, `document ${i}`, `${i}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`);
    const changelog = new StateChangelog([exact], { groupId: 'g', snapshotIntervalSeconds: 0 }, log);
    const topic = new TopicLog();
    topic.append(changelog.batchMessages());
    const transactions = await writeSnapshotIfDue(changelog, topic, Date.now());
    const parts = topic.messages.filter((m) => /snapshot\/1\/\d+$/.test(m.key!));
    expect(parts.length).toBeGreaterThan(4);
    expect(transactions).toBe(Math.ceil(parts.length / 4) + 1);
    expect(parts.every((m) => m.value.length <= SNAPSHOT_PART_BYTES)).toBe(true);

    const restored = createExactDedup({ expectedDocuments: 1000 });
    new StateChangelog([restored], { groupId: 'g', snapshotIntervalSeconds: 0 }, log).restore(topic.messages);
    expect(decide(restored, 'document 119999', 'again')).toMatchObject({ kind: 'reject', rule: 'duplicate' });
    expect(decide(restored, 'document 120000', 'new').kind).toBe('promote');
  });

  it('reports a missing snapshot part', async () => {
    const exact = createExactDedup({});
    decide(exact, 'some text', 'a');
    const changelog = new StateChangelog([exact], { groupId: 'g', snapshotIntervalSeconds: 0 }, log);
    const topic = new TopicLog();
    topic.append(changelog.batchMessages());
    for (const transaction of (await changelog.planSnapshot()).transactions) topic.append(transaction.filter((m) => m.key !== 'g/exact-dedup/snapshot/1/0'));

    expect(() => new StateChangelog([createExactDedup({})], { groupId: 'g', snapshotIntervalSeconds: 0 }, log).restore(topic.messages)).toThrow(
      /cannot restore the state of exact-dedup for group g: snapshot part 0 of 1 is missing\. Delete the changelog keys/,
    );
  });
});
