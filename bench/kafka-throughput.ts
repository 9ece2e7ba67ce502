/**
 * Documents/s through Kafka from `tiers ingest` to L1, against the raw kafkajs ceiling on the
 * same broker with the same messages.
 *
 * tiers: `tiers up` (the filter stage, the only one that runs without a model) starts first
 * and joins its consumer group. Then `tiers ingest` publishes the corpus copies to L0 while
 * the stage consumes them and publishes L1 and rejected records. The clock runs from the start
 * of ingest until the stage's group has committed every L0 offset.
 *
 * Without operators: the same ingest into fresh topics while bench/kafka-passthrough-stage.ts
 * runs a stage with no operators through the same Kafka bus, codec, transactions and runner.
 * It separates the cost of the engine's Kafka path from the cost of the filter operators.
 *
 * Ceiling: the exact L0 messages of the tiers run (keys and Avro values) are written to a
 * topic with the same partition count by a plain kafkajs producer, while a plain kafkajs
 * consumer relays them to a second topic (bench/kafka-ceiling.ts). The clock runs the same way.
 * Every client runs in a process of its own on both sides.
 *
 * Documents: COPIES copies of the corpus of bench/throughput-corpus.ts, each in a file of its
 * own, so each copy is a dataset (and dedup scope) of its own and no copy is dropped as a
 * duplicate of another.
 *
 * Start a broker first, for example
 *   TIERS_KAFKA_PORT=19292 TIERS_KAFKA_CONTROLLER_PORT=19293 TIERS_KAFKA_DIR=/tmp/kafka-bench bash scripts/kafka.sh start
 * then run `TIERS_BROKERS=127.0.0.1:19292 npm run bench:kafka-throughput [-- --copies N] [--workers N] [--processes N]`.
 * Markdown goes to stdout, and the last line is one JSON object with the ratio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { pino } from 'pino';
import { TOPIC_MAX_MESSAGE_BYTES } from '../src/bus/kafka-bus.js';
import type { TierRecord } from '../src/core/record.js';
import { runEmbedded } from '../src/runtime/embedded-run.js';
import { defaultTopology } from '../src/topologies/default.js';
import { writeMessages, type RawMessage } from './kafka-ceiling.js';
import { checkBroker, sleep, tail, waitForMember } from './kafka-bench.js';
import { loadCorpus, writeCorpusJsonl } from './throughput-corpus.js';

const { values: args } = parseArgs({
  options: {
    brokers: { type: 'string', default: process.env.TIERS_BROKERS ?? '127.0.0.1:9092' },
    data: { type: 'string', default: '../shared/data' },
    copies: { type: 'string', default: '4' },
    partitions: { type: 'string', default: '3' },
    /** Folder for a V8 CPU profile of the `tiers up` process. */
    'profile-dir': { type: 'string' },
    /** Worker threads per stage, for `tiers up` and the embedded run alike. */
    workers: { type: 'string', default: '0' },
    /** `tiers up` processes that share the filter stage's partitions. */
    processes: { type: 'string', default: '1' },
  },
});
const brokers = args.brokers!;
const copies = Number(args.copies);
const partitions = Number(args.partitions);
if (!Number.isInteger(copies) || copies < 1) throw new Error(`--copies must be a positive integer, got ${args.copies}`);
const workers = Number(args.workers);
if (!Number.isInteger(workers) || workers < 0) throw new Error(`--workers must be an integer of 0 or more, got ${args.workers}`);
const processes = Number(args.processes);
if (!Number.isInteger(processes) || processes < 1 || processes > partitions) {
  throw new Error(`--processes must be an integer from 1 to the partition count (${partitions}), got ${args.processes}`);
}

const repoRoot = resolve(import.meta.dirname, '../..');
const cli = join(repoRoot, 'dist/src/cli/index.js');
const ceilingScript = join(repoRoot, 'dist/bench/kafka-ceiling.js');
const passthroughScript = join(repoRoot, 'dist/bench/kafka-passthrough-stage.js');
const POLL_MS = 100;
const RUN_TIMEOUT_MS = 15 * 60_000;

const kafka = new Kafka({ clientId: 'kafka-throughput-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3000 });



function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Starts a child process whose output goes to `logPath`, and returns it with a promise of its exit code. */
function start(command: string[], logPath: string): { child: ChildProcess; exited: Promise<number | null> } {
  const log = createWriteStream(logPath);
  const child = spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited };
}


/** Sum of the high watermarks of `topic`'s partitions. */
async function endOffsets(admin: Admin, topic: string): Promise<bigint> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + BigInt(p.high), 0n);
}

/** True when `groupId` has committed, on every partition of `topic`, the partition's end offset. */
async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const byPartition = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
  return ends.every((p) => BigInt(p.high) === 0n || (byPartition.get(p.partition) ?? -1n) >= BigInt(p.high));
}

/**
 * Starts the producer process, waits for it to exit and for the consumer group to commit every
 * offset of `topic`. Returns the seconds to the producer's exit and to the group's last commit.
 */
async function timeFlow(admin: Admin, producer: string[], logPath: string, groupId: string, topic: string) {
  const started = process.hrtime.bigint();
  const { exited } = start(producer, logPath);
  const code = await exited;
  const produceSeconds = seconds(started);
  if (code !== 0) throw new Error(`${producer.join(' ')} exited with ${code}; the end of its log: ${tail(logPath)}`);
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  while (!(await caughtUp(admin, groupId, topic))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${RUN_TIMEOUT_MS / 1000} s waiting for group ${groupId} to consume ${topic}`);
    await sleep(POLL_MS);
  }
  return { produceSeconds, totalSeconds: seconds(started) };
}


async function stop(process: { child: ChildProcess; exited: Promise<number | null> }): Promise<void> {
  process.child.kill('SIGTERM');
  await process.exited;
}

/** Reads every message of `topic` with a throwaway consumer group. */
async function readAll(topic: string, expected: number): Promise<RawMessage[]> {
  const consumer = kafka.consumer({ groupId: `${topic}.dump.${Date.now()}` });
  const messages: RawMessage[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) messages.push({ key: m.key, value: m.value ?? Buffer.alloc(0) });
      if (messages.length >= expected) done();
    },
  });
  await finished;
  await consumer.disconnect();
  return messages;
}

async function writeCopies(records: TierRecord[], dir: string): Promise<string[]> {
  const files: string[] = [];
  for (let copy = 0; copy < copies; copy++) {
    const file = join(dir, `copy-${copy}.jsonl`);
    // The file name becomes the dataset, so each copy is a dedup scope of its own.
    await writeCorpusJsonl(records.map((r) => ({ ...r, id: `${r.id}-${copy}` })), file);
    files.push(file);
  }
  return files;
}

/**
 * Times `tiers ingest` of `files` into L0 while a stage consumes L0. `stage` is `filter` for
 * the filter stage of `tiers up`, or `passthrough` for a stage with no operators.
 */
async function runTiers(admin: Admin, files: string[], dir: string, prefixes: string[], stage: 'filter' | 'passthrough') {
  const prefix = `bench-${stage}-${Date.now()}`;
  prefixes.push(prefix);
  const common = ['--brokers', brokers, '--prefix', prefix, '--partitions', String(partitions)];
  const count = stage === 'filter' ? processes : 1;
  const logs = Array.from({ length: count }, (_, i) => join(dir, `${stage}-${i}.log`));
  const ups = logs.map((log, i) => {
    // Only the first process writes a CPU profile, so the profile folder contains one stage's profile.
    const profile = args['profile-dir'] === undefined || stage !== 'filter' || i > 0 ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(args['profile-dir'])}`];
    const command =
      stage === 'filter'
        ? [...profile, cli, 'up', ...common, '--metrics-port', '0', '--workers', String(workers), '--instance-id', `bench-${i}`]
        : [passthroughScript, brokers, prefix, String(partitions)];
    return start(command, log);
  });
  const tails = () => logs.map((log) => tail(log)).join('\n---\n');
  try {
    await Promise.race([
      waitForMember(admin, `${prefix}.filter`, 100, count).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}; the end of the stage logs: ${tails()}`);
      }),
      ...ups.map((up) =>
        up.exited.then((code) => {
          throw new Error(`a ${stage} stage exited with ${code} before joining its group: ${tails()}`);
        }),
      ),
    ]);
    const ingest = [cli, 'ingest', ...files, ...common];
    const timing = await timeFlow(admin, ingest, join(dir, `${stage}-ingest.log`), `${prefix}.filter`, `${prefix}.l0`);
    return { prefix, ...timing };
  } finally {
    await Promise.all(ups.map(stop));
  }
}

/** Seconds of the same documents through `runEmbedded` (what `tiers run` calls), without Kafka. */
async function runWithoutKafka(files: string[], dir: string): Promise<number> {
  const started = process.hrtime.bigint();
  await runEmbedded({
    inputs: files,
    outDir: join(dir, 'embedded'),
    topology: defaultTopology,
    operatorConfigs: {},
    read: {},
    queueCapacity: 1000,
    maxBatchSize: 256,
    log: pino({ level: 'silent' }),
    workers,
  });
  return seconds(started);
}

async function runCeiling(admin: Admin, messagesFile: string, dir: string, prefixes: string[]) {
  const prefix = `bench-ceiling-${Date.now()}`;
  prefixes.push(prefix);
  const input = `${prefix}.in`;
  const output = `${prefix}.out`;
  const configEntries = [{ name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) }];
  await admin.createTopics({
    waitForLeaders: true,
    topics: [input, output].map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1, configEntries })),
  });
  const groupId = `${prefix}.relay`;
  const relay = start([ceilingScript, 'relay', brokers, input, output, groupId], join(dir, 'relay.log'));
  try {
    await waitForMember(admin, groupId);
    const timing = await timeFlow(admin, [ceilingScript, 'produce', brokers, input, messagesFile], join(dir, 'produce.log'), groupId, input);
    return { prefix, ...timing };
  } finally {
    await stop(relay);
  }
}

const admin = kafka.admin();
await checkBroker(admin, brokers, 19292, '/tmp/kafka-bench');
const corpus = await loadCorpus(resolve(args.data!));
const workDir = mkdtempSync(join(tmpdir(), 'tiers-kafka-throughput-'));
/** Topic prefixes of this run, whose topics are deleted at the end. */
const prefixes: string[] = [];
try {
  const files = await writeCopies(corpus.records, workDir);
  const tiers = await runTiers(admin, files, workDir, prefixes, 'filter');
  const passthrough = await runTiers(admin, files, workDir, prefixes, 'passthrough');
  const documents = Number(await endOffsets(admin, `${tiers.prefix}.l0`));

  const messages = await readAll(`${tiers.prefix}.l0`, documents);
  const messageBytes = messages.reduce((sum, m) => sum + m.value.length + (m.key?.length ?? 0), 0);
  const messagesFile = join(workDir, 'l0.messages');
  writeMessages(messagesFile, messages);
  const ceiling = await runCeiling(admin, messagesFile, workDir, prefixes);

  // The same documents and operators in one process, to tell the transport's cost from the operators'.
  const embeddedSeconds = await runWithoutKafka(files, workDir);

  const rate = (count: number, s: number) => count / s;
  const megabytes = messageBytes / 1e6;
  const rows: [string, number, number][] = [
    ['tiers ingest → L0', tiers.produceSeconds, documents],
    ['tiers ingest → L0 → filter stage → L1 + rejected', tiers.totalSeconds, documents],
    ['tiers ingest → L0 → stage without operators → L1', passthrough.totalSeconds, documents],
    ['tiers run (embedded bus, no Kafka), same documents', embeddedSeconds, documents],
    ['kafkajs producer', ceiling.produceSeconds, documents],
    ['kafkajs producer → relay consumer → second topic', ceiling.totalSeconds, documents],
  ];
  console.log(
    `${documents} documents (${copies} copies of ${corpus.records.length}), ${megabytes.toFixed(2)} MB of L0 messages, ` +
      `${partitions} partitions, ${processes} tiers up processes with ${workers} worker threads each, broker ${brokers}; Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log('');
  console.log('| path | seconds | documents/s | MB/s |');
  console.log('|---|---|---|---|');
  for (const [name, s, count] of rows) {
    console.log(`| ${name} | ${s.toFixed(2)} | ${Math.round(rate(count, s)).toLocaleString('en-US')} | ${(megabytes / s).toFixed(2)} |`);
  }
  const ratio = tiers.totalSeconds > 0 ? ceiling.totalSeconds / tiers.totalSeconds : 0;
  const ingestRatio = ceiling.produceSeconds / tiers.produceSeconds;
  const transportRatio = ceiling.totalSeconds / passthrough.totalSeconds;
  console.log('');
  console.log(
    `tiers : ceiling, end to end = ${ratio.toFixed(3)}; without operators = ${transportRatio.toFixed(3)}; ingest : producer = ${ingestRatio.toFixed(3)}`,
  );
  console.log(
    JSON.stringify({
      documents,
      megabytes: Math.round(megabytes * 100) / 100,
      partitions,
      workers,
      processes,
      tiers_docs_per_s: Math.round(rate(documents, tiers.totalSeconds)),
      tiers_ingest_docs_per_s: Math.round(rate(documents, tiers.produceSeconds)),
      ceiling_docs_per_s: Math.round(rate(documents, ceiling.totalSeconds)),
      ceiling_produce_docs_per_s: Math.round(rate(documents, ceiling.produceSeconds)),
      ratio_vs_ceiling: Math.round(ratio * 1000) / 1000,
      ingest_ratio_vs_producer: Math.round(ingestRatio * 1000) / 1000,
      passthrough_docs_per_s: Math.round(rate(documents, passthrough.totalSeconds)),
      passthrough_ratio_vs_ceiling: Math.round(transportRatio * 1000) / 1000,
      embedded_docs_per_s: Math.round(rate(documents, embeddedSeconds)),
    }),
  );
} finally {
  const topics = (await admin.listTopics()).filter((topic) => prefixes.some((prefix) => topic.startsWith(`${prefix}.`)));
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => {});
  await admin.disconnect();
  rmSync(workDir, { recursive: true, force: true });
}
