import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonLines, repoRoot, runCli, sharedData, startCli } from './support/cli.js';
import { deleteTopics, topicSize, uniquePrefix } from './support/kafka.js';

interface Snapshot {
  prefix: string;
  sampleSeconds: number;
  topics: Record<string, { found: boolean; records: number | null; recordsPerSecond: number | null }>;
  stages: { stage: string; group: string; state: string; members: number; lag: number | null; consumedPerSecond: number | null }[];
  rejections: {
    reading: boolean;
    countInWindow: number;
    totalSinceStart: number;
    perSecond: number;
    topRules: { operator: string; rule: string; count: number; perSecond: number; total: number }[];
  };
  llm: null;
  error: string | null;
}

const input = join(sharedData, 'web_en/c4_demo.jsonl');

async function statusOnce(prefix: string, intervalSeconds: number): Promise<Snapshot> {
  const result = await runCli(['status', '--once', '--json', '--prefix', prefix, '--interval', String(intervalSeconds)]);
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  const lines = parseJsonLines<Snapshot>(result.stdout);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

/** Starts `tiers status` with stdout captured. `started` resolves once the first sample is taken. */
function spawnStatus(args: string[]) {
  const child = spawn(process.execPath, [join(repoRoot, 'dist/src/cli/index.js'), 'status', ...args], {
    cwd: repoRoot,
    env: { ...process.env, TIERS_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const started = new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('"status started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`status exited with ${code} before its first sample: ${stderr.slice(-2000)}`)));
  });
  started.catch(() => {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, started, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('tiers status', () => {
  const prefix = uniquePrefix('status');
  afterAll(() => deleteTopics(prefix));

  it('reports tiers, lag and rejection rules', async () => {
    const ingest = await runCli(['ingest', input, '--prefix', prefix]);
    expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
    const ingested = await topicSize(`${prefix}.l0`);
    expect(ingested).toBeGreaterThan(100);

    // Port 0 keeps this `up` clear of any other metrics server on the default port.
    const up = startCli(['up', '--prefix', prefix, '--metrics-port', '0']);
    try {
      let idle = await statusOnce(prefix, 1);
      for (let attempt = 0; attempt < 60 && idle.stages[0]?.lag !== 0 && up.exitCode === null; attempt++) {
        idle = await statusOnce(prefix, 1);
      }
      expect(up.exitCode, `tiers up exited early: ${up.stderrText().slice(-2000)}`).toBeNull();

      expect(idle.prefix).toBe(prefix);
      expect(idle.sampleSeconds).toBeGreaterThanOrEqual(0.9);
      expect(idle.topics.l0!.found).toBe(true);
      expect(idle.topics.l0!.records).toBe(ingested);
      expect(idle.topics.l1!.records).toBeGreaterThan(0);
      // Without a model endpoint `up` runs only the filter stage; the model stages show as not running.
      expect(idle.stages.map((s) => s.stage)).toEqual(['filter', 'select', 'refine', 'verify']);
      expect(idle.stages.slice(1).every((s) => s.state === 'Dead' && s.members === 0)).toBe(true);
      const stage = idle.stages[0]!;
      expect(stage.stage).toBe('filter');
      expect(stage.group).toBe(`${prefix}.filter`);
      expect(stage.state).toBe('Stable');
      expect(stage.members).toBe(1);
      expect(stage.lag).toBe(0);
      expect(idle.rejections.reading).toBe(true);
      expect(idle.llm).toBeNull();
      expect(idle.error).toBeNull();
      const rejectedBefore = idle.topics.rejected!.records!;

      // A second ingest of the same file while status samples: exact dedup rejects every record.
      const status = spawnStatus(['--once', '--json', '--prefix', prefix, '--interval', '10']);
      await status.started;
      const again = await runCli(['ingest', input, '--prefix', prefix]);
      expect(again.code, again.stderr.slice(-2000)).toBe(0);
      expect(await status.exited, status.stderr().slice(-2000)).toBe(0);

      const [busy] = parseJsonLines<Snapshot>(status.stdout());
      expect(busy!.topics.l0!.records).toBe(2 * ingested);
      expect(busy!.topics.l0!.recordsPerSecond).toBeGreaterThan(0);
      expect(busy!.stages[0]!.lag).toBe(0);
      expect(busy!.stages[0]!.consumedPerSecond).toBeGreaterThan(0);
      // Offsets also count the commit markers of the stage's transactions, so the records are
      // fewer. How many transactions there are depends on how the stage's fetches split the
      // ingest, so the count is checked against the records: every one was a duplicate.
      const offsetsDuring = busy!.topics.rejected!.records! - rejectedBefore;
      expect(busy!.rejections.totalSinceStart).toBeGreaterThan(0);
      expect(busy!.rejections.totalSinceStart).toBeLessThanOrEqual(offsetsDuring);
      expect(busy!.rejections.totalSinceStart).toBe(ingested);
      expect(busy!.rejections.countInWindow).toBe(busy!.rejections.totalSinceStart);
      expect(busy!.rejections.perSecond).toBeGreaterThan(0);
      const duplicate = busy!.rejections.topRules.find((entry) => entry.operator === 'exact-dedup' && entry.rule === 'duplicate');
      expect(duplicate, JSON.stringify(busy!.rejections.topRules)).toBeDefined();
      expect(duplicate!.count).toBeGreaterThan(0);
      expect(duplicate!.perSecond).toBeGreaterThan(0);
    } finally {
      up.kill('SIGTERM');
    }
    const upExit = await new Promise<number | null>((resolve) => up.once('exit', resolve));
    expect(upExit, up.stderrText().slice(-2000)).toBe(0);
  });

  it('prints JSON lines to a pipe', async () => {
    const status = spawnStatus(['--prefix', prefix, '--interval', '0.5']);
    await status.started;
    const deadline = Date.now() + 20_000;
    while (parseJsonLines(status.stdout()).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    status.child.kill('SIGINT');
    expect(await status.exited, status.stderr().slice(-2000)).toBe(0);
    const lines = parseJsonLines<Snapshot>(status.stdout());
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]!.prefix).toBe(prefix);
    expect(lines[1]!.topics.l0!.found).toBe(true);
  });

  it('reports topics of an unused prefix as missing', async () => {
    const unused = uniquePrefix('status-unused');
    const snapshot = await statusOnce(unused, 0.5);
    for (const topic of Object.values(snapshot.topics)) {
      expect(topic.found).toBe(false);
      expect(topic.records).toBeNull();
    }
    expect(snapshot.stages[0]!.state).toBe('Dead');
    expect(snapshot.stages[0]!.lag).toBeNull();
    expect(snapshot.rejections.reading).toBe(false);

    const text = await runCli(['status', '--once', '--prefix', unused, '--interval', '0.5']);
    expect(text.code, text.stderr.slice(-2000)).toBe(0);
    expect(text.stdout).toContain('topic not found');
  });

  it('fails fast without a broker', async () => {
    const started = Date.now();
    const result = await runCli(['status', '--once', '--json', '--brokers', '127.0.0.1:1'], { timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach Kafka at 127.0.0.1:1');
    expect(result.stderr).toContain('npm run kafka:start');
    expect(result.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
