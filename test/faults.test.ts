import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRejectedRecord, decodeTierRecord } from '../src/codec/avro.js';
import { parseJsonLines, runCli, startCli } from './support/cli.js';
import { brokers, committedTotal, deleteTopics, readCommitted, uniquePrefix, waitForGroupCaughtUp } from './support/kafka.js';
import { writeLineCorpus } from './support/line-corpus.js';
import { runKafkaScript } from './support/own-broker.js';

/**
 * Crash and outage tests of the exactly-once path: a filter stage killed with SIGKILL again
 * and again, and a broker stopped and started under a running stage, must still write the
 * same L1 and rejected records as an undisturbed embedded run, each exactly once.
 */

const MIN_RECORDS = 50_000;
const KILLS = 5;
/** The smallest session timeout brokers accept, so a killed member's partitions move on soon. */
const SESSION_TIMEOUT_MS = '6000';

interface Outcomes {
  l1: string[];
  rejected: string[];
}

type UpProcess = ReturnType<typeof startCli>;

function exited(child: UpProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function startFilter(prefix: string, env: NodeJS.ProcessEnv = {}): UpProcess {
  return startCli(
    ['up', '--prefix', prefix, '--stage', 'filter', '--metrics-port', '0', '--session-timeout', SESSION_TIMEOUT_MS, '--snapshot-interval', '2', '--stats-interval', '3600'],
    env,
  );
}

/** Waits until the group's committed offsets pass `after`, or the timeout. */
async function waitForProgress(groupId: string, topic: string, after: number, timeoutMs: number, brokerList: string[]): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await committedTotal(groupId, topic, brokerList);
    if (now > after) return now;
    if (Date.now() > deadline) throw new Error(`group ${groupId} made no progress past offset ${after} in ${timeoutMs} ms`);
    await sleep(200);
  }
}

async function embeddedOutcomes(corpus: string): Promise<Outcomes> {
  const out = await mkdtemp(join(tmpdir(), 'tiers-faults-embedded-'));
  const run = await runCli(['run', corpus, '--out', out]);
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
  const l1 = parseJsonLines<{ id: string }>(await readFile(join(out, 'l1.jsonl'), 'utf8')).map((r) => r.id);
  const rejected = parseJsonLines<{ record: { id: string }; operator: string; rule: string }>(await readFile(join(out, 'rejected.jsonl'), 'utf8')).map(
    (r) => `${r.record.id} ${r.operator} ${r.rule}`,
  );
  await rm(out, { recursive: true, force: true });
  return { l1, rejected };
}

async function kafkaOutcomes(prefix: string, brokerList: string[]): Promise<Outcomes> {
  const l1 = (await readCommitted(`${prefix}.l1`, 120_000, brokerList)).map((m) => decodeTierRecord(m.value).id);
  const rejected = (await readCommitted(`${prefix}.rejected`, 120_000, brokerList)).map((m) => {
    const r = decodeRejectedRecord(m.value);
    return `${r.record.id} ${r.operator} ${r.rule}`;
  });
  return { l1, rejected };
}

function expectSameOutcomes(actual: Outcomes, expected: Outcomes, records: number): void {
  expect(expected.l1.length + expected.rejected.length).toBe(records);
  expect(new Set(actual.l1).size, 'duplicate L1 ids').toBe(actual.l1.length);
  expect(new Set(actual.rejected).size, 'duplicate rejections').toBe(actual.rejected.length);
  expect([...actual.l1].sort()).toEqual([...expected.l1].sort());
  expect([...actual.rejected].sort()).toEqual([...expected.rejected].sort());
}

describe('exactly once through crashes and broker restarts', () => {
  let dir: string;
  let corpus: string;
  let records: number;
  let expected: Outcomes;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiers-faults-'));
    corpus = join(dir, 'lines.jsonl');
    records = await writeLineCorpus(corpus, MIN_RECORDS);
    expected = await embeddedOutcomes(corpus);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('an operator killed with SIGKILL', () => {
    const prefix = uniquePrefix('sigkill');
    afterAll(() => deleteTopics(prefix));

    it(`survives ${KILLS} kills without loss`, async () => {
      const ingest = await runCli(['ingest', corpus, '--prefix', prefix]);
      expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
      const groupId = `${prefix}.filter`;
      const input = `${prefix}.l0`;

      let progress = 0;
      const killedAt: number[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const up = startFilter(prefix);
        progress = await waitForProgress(groupId, input, progress, 120_000, brokers);
        // A random point after the first commit of this run: mid-batch, mid-transaction or between batches.
        await sleep(Math.random() * 1500);
        up.kill('SIGKILL');
        await exited(up);
        killedAt.push(await committedTotal(groupId, input));
      }
      // Every kill hit a running stage with input left, so each restart had to resume.
      expect(killedAt.every((at) => at < records), `committed offsets at the kills: ${killedAt.join(', ')}`).toBe(true);

      const up = startFilter(prefix);
      try {
        await waitForGroupCaughtUp(groupId, input, 240_000);
      } finally {
        up.kill('SIGTERM');
      }
      expect(await exited(up), up.stderrText().slice(-2000)).toBe(0);
      expectSameOutcomes(await kafkaOutcomes(prefix, brokers), expected, records);
    }, 600_000);
  });

  describe('a broker stopped and started under a running stage', () => {
    const port = Number(process.env.TIERS_FAULTS_KAFKA_PORT ?? 19392);
    const brokerList = [`127.0.0.1:${port}`];
    const env = {
      TIERS_KAFKA_PORT: String(port),
      TIERS_KAFKA_CONTROLLER_PORT: String(port + 1),
      TIERS_KAFKA_DIR: join(tmpdir(), `tiers-faults-kafka-${port}`),
    };
    const kafka = (action: 'start' | 'stop') => runKafkaScript(action, env);
    const prefix = uniquePrefix('broker-restart');

    beforeAll(() => kafka('start'));
    afterAll(() => kafka('stop'));

    it('survives a broker restart', async () => {
      const cliEnv = { TIERS_BROKERS: brokerList.join(',') };
      const ingest = await runCli(['ingest', corpus, '--prefix', prefix], { env: cliEnv });
      expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
      const groupId = `${prefix}.filter`;
      const input = `${prefix}.l0`;

      let up = startFilter(prefix, cliEnv);
      const before = await waitForProgress(groupId, input, 0, 120_000, brokerList);
      kafka('stop');
      await sleep(3000);
      kafka('start');
      // The stage should keep running through the outage. If it gave up, it exited with an error,
      // and a restart resumes from the committed state.
      let restarts = 0;
      const done = waitForGroupCaughtUp(groupId, input, 300_000, brokerList).catch((error: Error) => {
        throw new Error(`${error.message}; the stage's log ends with: ${up.stderrText().slice(-6000)}`);
      });
      const gaveUp = exited(up).then(() => 'exited' as const);
      const first = up;
      if ((await Promise.race([done.then(() => 'done' as const), gaveUp])) === 'exited') {
        restarts++;
        up = startFilter(prefix, cliEnv);
        await done;
      }
      up.kill('SIGTERM');
      expect(await exited(up), up.stderrText().slice(-2000)).toBe(0);
      expect(before).toBeLessThan(records);
      expect(restarts, `the stage exited during the outage: ${first.stderrText().slice(-3000)}`).toBe(0);
      expectSameOutcomes(await kafkaOutcomes(prefix, brokerList), expected, records);
    }, 600_000);
  });
});
