import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataFiles, parseJsonLines, runCli, sharedData, startCli } from './support/cli.js';
import { deleteTopics, topicSize, uniquePrefix, waitForGroupCaughtUp } from './support/kafka.js';

interface Row {
  id: string;
}
interface RejectedRow {
  record: Row;
  operator: string;
  rule: string;
}

describe('L0 to L1 on Kafka', () => {
  const prefix = uniquePrefix('parity');
  const inputs = dataFiles(sharedData);
  afterAll(() => deleteTopics(prefix));

  // The stage runs its stateless operators on worker threads here, and the embedded run on
  // its main thread, so the test also checks that workers change no decision.
  it('gives the same L1 ids and rejections as the embedded run', async () => {
    expect(inputs.length).toBeGreaterThan(5);
    const out = await mkdtemp(join(tmpdir(), 'tiers-parity-'));
    const embedded = await runCli(['run', ...inputs, '--out', out]);
    expect(embedded.code, embedded.stderr.slice(-2000)).toBe(0);
    const embeddedL1 = parseJsonLines<Row>(await readFile(join(out, 'l1.jsonl'), 'utf8')).map((r) => r.id);
    const embeddedRejected = parseJsonLines<RejectedRow>(await readFile(join(out, 'rejected.jsonl'), 'utf8'));

    const ingest = await runCli(['ingest', ...inputs, '--prefix', prefix]);
    expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
    const up = startCli(['up', '--prefix', prefix, '--metrics-port', '0', '--workers', '2']);
    try {
      await waitForGroupCaughtUp(`${prefix}.filter`, `${prefix}.l0`, 180_000);
    } finally {
      up.kill('SIGTERM');
    }
    const exitCode = await new Promise<number | null>((resolve) => up.once('exit', resolve));
    expect(exitCode, up.stderrText().slice(-2000)).toBe(0);

    const l1Count = await topicSize(`${prefix}.l1`);
    const tapL1 = await runCli(['tap', 'l1', '--prefix', prefix, '--from-beginning', '--max', String(l1Count), '--idle-exit', '20']);
    expect(tapL1.code, tapL1.stderr.slice(-2000)).toBe(0);
    const kafkaL1 = parseJsonLines<Row>(tapL1.stdout).map((r) => r.id);

    const rejectedCount = await topicSize(`${prefix}.rejected`);
    const tapRejected = await runCli(['tap', 'rejected', '--prefix', prefix, '--from-beginning', '--max', String(rejectedCount), '--idle-exit', '20']);
    const kafkaRejected = parseJsonLines<RejectedRow>(tapRejected.stdout);

    expect(embeddedL1.length).toBeGreaterThan(100);
    expect(new Set(kafkaL1).size).toBe(kafkaL1.length);
    expect([...kafkaL1].sort()).toEqual([...embeddedL1].sort());
    const key = (r: RejectedRow) => `${r.record.id} ${r.operator} ${r.rule}`;
    expect(kafkaRejected.map(key).sort()).toEqual(embeddedRejected.map(key).sort());
  });
});
