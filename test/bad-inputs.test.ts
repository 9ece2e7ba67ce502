import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRejectedRecord, encodeTierRecord } from '../src/codec/avro.js';
import { makeRecord } from '../src/core/testing.js';
import type { RunReport } from '../src/runtime/embedded-run.js';
import { parseJsonLines, repoRoot, runCli, startCli } from './support/cli.js';
import { brokers, deleteTopics, topicSize, uniquePrefix, waitForGroupCaughtUp } from './support/kafka.js';

const fixtures = join(repoRoot, 'test/fixtures/bad-inputs');
const MB = 1000 * 1000;

interface Expectation {
  output: 'l1' | 'rejected' | 'dlq';
  rule?: string;
  reason?: string;
  error?: string;
  textContains?: string;
  textLacks?: string[];
}

interface FileCase {
  name: string;
  file: string;
  id?: string;
  line?: number;
  expect: Expectation;
}

interface KafkaCase {
  name: string;
  payload: string;
  expect: Expectation;
}

interface Manifest {
  maxTextBytes: number;
  files: Array<{ file: string; generated?: string }>;
  cases: FileCase[];
  kafka: KafkaCase[];
}

interface RecordRow {
  id: string;
  text: string;
  source: { dataset: string };
}

interface RejectedRow {
  record: RecordRow;
  operator: string;
  rule: string;
  reason: string;
}

interface DeadRow {
  origin: string;
  position: string;
  error: string;
}

const manifest = JSON.parse(await readFile(join(fixtures, 'expected.json'), 'utf8')) as Manifest;

/** Returns original text that passes every L0 → L1 rule. A different `topic` keeps two texts from being near duplicates. */
function goodText(topic: string): string {
  return (
    `This short report about ${topic} was written for a test of the input readers. ` +
    'The town council met on Monday evening to discuss the new bus timetable, which adds an early service for workers at the hospital. ' +
    'Several residents asked whether the route could also stop near the primary school, because parents now drive their children there every morning. ' +
    'The transport officer explained that the buses are already full at that hour, but a second vehicle could be hired for the winter months. ' +
    'A shop owner on the high street said that more visitors would help local businesses recover after a difficult year. ' +
    'The council agreed to collect comments for four weeks and to publish a revised plan before the end of the season.'
  );
}

function jsonLine(value: unknown): string {
  return JSON.stringify(value) + '\n';
}

function wetRecord(recordId: string, uri: string, body: Buffer): Buffer {
  const header =
    'WARC/1.0\r\n' +
    'WARC-Type: conversion\r\n' +
    `WARC-Target-URI: ${uri}\r\n` +
    'WARC-Date: 2024-05-20T10:00:00Z\r\n' +
    `WARC-Record-ID: <${recordId}>\r\n` +
    'Content-Type: text/plain\r\n' +
    `Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(header), body, Buffer.from('\r\n\r\n')]);
}

/** Writes the generated inputs that the manifest names; none of them is committed. */
async function generateInputs(dir: string): Promise<void> {
  // 50 MB of words with spaces, so only the size can be the reason for its outcome.
  const hugeText = 'lorem ipsum dolor sit amet '.repeat(Math.ceil((50 * MB) / 27));
  await writeFile(
    join(dir, 'huge-document.jsonl'),
    jsonLine({ id: 'huge-document', text: hugeText }) + jsonLine({ id: 'good-after-huge', text: goodText('large files') }),
  );
  await writeFile(
    join(dir, 'large-document.jsonl'),
    jsonLine({ id: 'large-document', text: hugeText.slice(0, 20 * MB) }),
  );
  await writeFile(
    join(dir, 'huge-document.warc.wet'),
    Buffer.concat([
      wetRecord('urn:uuid:00000000-0000-4000-8000-000000000050', 'https://example.com/huge', Buffer.from(hugeText)),
      wetRecord('urn:uuid:00000000-0000-4000-8000-000000000001', 'https://example.com/good', Buffer.from(goodText('web archives'))),
    ]),
  );
  await writeFile(join(dir, 'no-spaces.jsonl'), jsonLine({ id: 'no-spaces', text: 'abcdefghij'.repeat(1024 * 1024 / 10) }));

  const depth = 10_000;
  const deepArrays = `{"id":"deep-arrays","text":${JSON.stringify(goodText('nested arrays'))},"tags":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  const deepObjects = `{"id":"deep-objects","text":${JSON.stringify(goodText('nested objects'))},"meta":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
  const bareArray = '['.repeat(100_000) + ']'.repeat(100_000);
  await writeFile(
    join(dir, 'deep-nesting.jsonl'),
    [deepArrays, deepObjects, bareArray, JSON.stringify({ id: 'good-after-deep', text: goodText('deep metadata') })].join('\n') + '\n',
  );
}

/** Runs the built CLI under /usr/bin/time -v and returns its exit code and peak RSS in kB. */
function runWithPeakRss(args: string[]): Promise<{ code: number | null; peakKb: number; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('/usr/bin/time', ['-v', process.execPath, join(repoRoot, 'dist/src/cli/index.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, TIERS_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => {
      const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
      done({ code, peakKb, stderr });
    });
  });
}

describe('bad inputs in tiers run', () => {
  let dir: string;
  let out: string;
  let code: number | null;
  let stderr: string;
  let report: RunReport;
  let rows: { l0: RecordRow[]; l1: RecordRow[]; rejected: RejectedRow[]; dlq: DeadRow[] };
  let inputs: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiers-bad-inputs-'));
    out = join(dir, 'out');
    for (const { file, generated } of manifest.files) {
      if (generated === undefined) await copyFile(join(fixtures, file), join(dir, file));
    }
    await generateInputs(dir);
    inputs = manifest.files.map(({ file }) => join(dir, file));

    const result = await runCli(['run', ...inputs, '--out', out, '--max-text-bytes', String(manifest.maxTextBytes)], { timeoutMs: 120_000 });
    code = result.code;
    stderr = result.stderr;
    report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RunReport;
    const read = async <T>(role: string) => parseJsonLines<T>(await readFile(join(out, `${role}.jsonl`), 'utf8'));
    rows = { l0: await read('l0'), l1: await read('l1'), rejected: await read('rejected'), dlq: await read('dlq') };
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with balanced counts', () => {
    expect(code, stderr.slice(-2000)).toBe(0);
    expect(report.inputs.filesFailed).toBe(0);
    expect(report.conservation).toEqual({ balanced: true, errors: [] });

    const { read, promoted, rejected, dlq } = report.inputs;
    expect(read).toBe(promoted + rejected + dlq);
    expect(rows.l0).toHaveLength(promoted);
    expect(rows.dlq).toHaveLength(dlq);
    const stageRejected = report.stages.reduce((sum, stage) => sum + stage.rejected, 0);
    expect(rows.rejected).toHaveLength(rejected + stageRejected);
  });

  it('sends every case to its expected output', () => {
    const missing: string[] = [];
    for (const testCase of manifest.cases) {
      const label = `${testCase.name} (${testCase.file})`;
      const { expect: want } = testCase;
      const inFile = (path: string) => path.endsWith(`/${testCase.file}`);

      if (want.output === 'dlq') {
        const letter = rows.dlq.find((d) => inFile(d.origin) && d.position === `line ${testCase.line}`);
        if (!letter) {
          missing.push(label);
          continue;
        }
        expect(letter.error, label).toContain(want.error);
        expect(letter.error, label).toContain(testCase.file);
        continue;
      }

      if (want.output === 'rejected') {
        const lineId = `line ${testCase.line} `;
        const found = rows.rejected.find((r) =>
          testCase.id !== undefined ? r.record.id === testCase.id : inFile(r.reason.split(lineId)[0]!.trim()) && r.reason.includes(lineId),
        );
        if (!found) {
          missing.push(label);
          continue;
        }
        expect(found.rule, label).toBe(want.rule);
        expect(found.reason, label).toContain(want.reason);
        expect(rows.l1.some((r) => r.id === testCase.id), label).toBe(false);
        continue;
      }

      const promoted = rows.l1.find((r) => r.id === testCase.id);
      if (!promoted) {
        missing.push(label);
        continue;
      }
      if (want.textContains !== undefined) expect(promoted.text, label).toContain(want.textContains);
      for (const absent of want.textLacks ?? []) expect(promoted.text, label).not.toContain(absent);
    }
    expect(missing).toEqual([]);
  });

  it('rejects oversized text before the L1 stage sees it', () => {
    const ingestRules = report.inputs.rules;
    expect(ingestRules.ingest_text_too_large).toBe(2);
    for (const id of ['large-document', 'urn:uuid:00000000-0000-4000-8000-000000000050']) {
      const rejected = rows.rejected.find((r) => r.record.id === id)!;
      expect(rejected.operator).toBe('ingest');
      // The rejected record keeps only a 64 KiB prefix of the text.
      expect(Buffer.byteLength(rejected.record.text)).toBeLessThanOrEqual(64 * 1024);
      expect(rows.l0.some((r) => r.id === id)).toBe(false);
    }
  });

  it('keeps peak memory bounded for 50 MB documents', async (context) => {
    if (!existsSync('/usr/bin/time')) context.skip();
    const started = Date.now();
    const huge = [join(dir, 'huge-document.jsonl'), join(dir, 'huge-document.warc.wet')];
    const result = await runWithPeakRss(['run', ...huge, '--out', join(dir, 'out-huge'), '--max-text-bytes', String(manifest.maxTextBytes)]);
    const seconds = (Date.now() - started) / 1000;
    console.log(`two 50 MB documents: peak RSS ${Math.round(result.peakKb / 1024)} MiB, ${seconds.toFixed(1)} s`);

    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    // A generous bound that eight copies of one 50 MB document would exceed. One run on two cores peaked at 175 MiB.
    expect(result.peakKb).toBeLessThan(400 * 1024);
  }, 120_000);
});

/** The tier-record Avro type, to write wire values that the engine's own encoder cannot. */
const wireTierRecordType = avro.Type.forSchema(JSON.parse(readFileSync(join(repoRoot, 'schemas/tier-record.avsc'), 'utf8')) as avro.Schema);

describe('bad messages on Kafka', () => {
  const prefix = uniquePrefix('bad-inputs');
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  afterAll(() => deleteTopics(prefix));

  function payloadFor(name: string): Buffer | null {
    const full = encodeTierRecord(makeRecord(goodText('a record cut short'), { id: 'cut' }));
    switch (name) {
      case 'json-record':
        return Buffer.from(JSON.stringify({ id: 'json', text: goodText('JSON values') }));
      case 'avro-missing-last-byte':
        return full.subarray(0, full.length - 1);
      case 'avro-trailing-bytes':
        return Buffer.concat([full, Buffer.from([0x02, 0x00])]);
      case 'avro-rejected-envelope':
        return encodeRejectedRecord({
          record: makeRecord('a rejected record', { id: 'envelope' }),
          operator: 'test',
          operatorVersion: '1',
          rule: 'test_rule',
          reason: 'produced to the wrong topic',
          value: null,
          duplicateOf: null,
          time: 0,
        });
      case 'avro-deep-meta': {
        // Built as the wire form directly: JSON.stringify itself overflows on meta this deep.
        const meta = '{"x":'.repeat(20_000) + '1' + '}'.repeat(20_000);
        return wireTierRecordType.toBuffer({ ...makeRecord(goodText('deep meta'), { id: 'deep-meta' }), meta });
      }
      case 'null':
        return null;
      case 'avro-good':
        return encodeTierRecord(makeRecord(goodText('Kafka messages'), { id: 'good-after-bad-messages' }));
      default:
        throw new Error(`unknown payload ${name} in expected.json`);
    }
  }

  it('dead-letters bad messages and keeps promoting', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: ['l0', 'l1', 'l2', 'l3', 'l4', 'rejected', 'dlq'].map((role) => ({ topic: `${prefix}.${role}`, numPartitions: 1 })),
    });
    await admin.disconnect();

    const bad = manifest.kafka.filter((c) => c.expect.output === 'dlq');
    const good = manifest.kafka.filter((c) => c.expect.output === 'l1');
    const producer = kafka.producer();
    await producer.connect();
    const up = startCli(['up', '--prefix', prefix, '--metrics-port', '0']);
    const caughtUp = () =>
      waitForGroupCaughtUp(`${prefix}.filter`, `${prefix}.l0`, 120_000).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}; the end of the stage's log: ${up.stderrText().slice(-4000)}`);
      });
    try {
      await producer.send({ topic: `${prefix}.l0`, messages: bad.map((c) => ({ key: 'scope', value: payloadFor(c.payload) })) });
      await caughtUp();
      // The good record goes in only after the stage has handled every bad one.
      await producer.send({ topic: `${prefix}.l0`, messages: good.map((c) => ({ key: 'scope', value: payloadFor(c.payload) })) });
      await caughtUp();
      expect(up.exitCode, up.stderrText().slice(-2000)).toBeNull();
    } finally {
      await producer.disconnect();
      up.kill('SIGTERM');
    }
    expect(await new Promise((resolve) => up.once('exit', resolve))).toBe(0);

    const tapDlq = await runCli(['tap', 'dlq', '--prefix', prefix, '--from-beginning', '--max', String(bad.length), '--idle-exit', '15']);
    const dead = parseJsonLines<DeadRow>(tapDlq.stdout);
    expect(dead.map((d) => d.position)).toEqual(bad.map((_, i) => `0:${i}`));
    for (const [i, testCase] of bad.entries()) {
      expect(dead[i]!.origin, testCase.name).toBe(`${prefix}.l0`);
      expect(dead[i]!.error, testCase.name).toContain(testCase.expect.error);
    }

    const tapL1 = await runCli(['tap', 'l1', '--prefix', prefix, '--from-beginning', '--max', '1', '--idle-exit', '15']);
    expect(parseJsonLines<RecordRow>(tapL1.stdout).map((r) => r.id)).toEqual(['good-after-bad-messages']);

    const l0 = await topicSize(`${prefix}.l0`);
    const l1 = await topicSize(`${prefix}.l1`);
    const rejected = await topicSize(`${prefix}.rejected`);
    const dlq = await topicSize(`${prefix}.dlq`);
    expect(l0).toBe(bad.length + good.length);
    expect(l0).toBe(l1 + rejected + dlq);
  });
});
