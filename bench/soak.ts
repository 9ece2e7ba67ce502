/**
 * Soak benchmark: the filter stage (`tiers up --stage filter`) under a steady load for
 * --minutes, sampling its memory, its consumer lag on L0 and the records it promoted.
 *
 * Steady phase: this process publishes copies of the real documents of
 * bench/throughput-corpus.ts to `<prefix>.l0` at --rate documents/s, encoded as `tiers ingest`
 * encodes them (prepareIngestItem with the Avro codec, keyed by dedup scope). CopyMaker
 * describes how each copy differs from the others. They are spread over --scopes datasets
 * (dedup scopes).
 *
 * Backpressure phase (skip with --backpressure-minutes 0): the input rate rises to
 * --backpressure-rate documents/s, above what the stage can process, so the lag grows. Kafka
 * consumers pull, so the backlog stays in the broker and should not show in the stage's memory.
 *
 * Every --sample-seconds: the child's RSS (VmRSS of /proc/<pid>/status), the V8 heap in use
 * (tiers_nodejs_heap_size_used_bytes on its /metrics), the group's lag on L0 from the broker
 * (end offsets minus committed offsets) and the heuristic filter's promoted count, which is
 * what reaches L1.
 *
 * Start a broker first, for example
 *   TIERS_KAFKA_PORT=19592 TIERS_KAFKA_CONTROLLER_PORT=19593 TIERS_KAFKA_DIR=/tmp/kafka-soak bash scripts/kafka.sh start
 * then run `TIERS_BROKERS=127.0.0.1:19592 npm run bench:soak [-- --minutes 1]`.
 * Markdown goes to stdout, and the last line is one JSON object with the summary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, Partitioners, logLevel, type Admin, type Producer } from 'kafkajs';
import { pino } from 'pino';
import { AvroValueCodec } from '../src/codec/registry.js';
import { packageVersion } from '../src/core/paths.js';
import type { TierRecord } from '../src/core/record.js';
import { topicNames, type TopicNames } from '../src/core/topics.js';
import { newIngestStats, prepareIngestItem, type IngestItemContext } from '../src/runtime/ingest.js';
import { checkBroker, sleep, tail, waitForMember } from './kafka-bench.js';
import { loadCorpus } from './throughput-corpus.js';

const { values: args } = parseArgs({
  options: {
    brokers: { type: 'string', default: process.env.TIERS_BROKERS ?? '127.0.0.1:9092' },
    data: { type: 'string', default: '../shared/data' },
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    'sample-seconds': { type: 'string', default: '10' },
    'backpressure-minutes': { type: 'string', default: '3' },
    'backpressure-rate': { type: 'string', default: '2500' },
    scopes: { type: 'string', default: '3' },
    partitions: { type: 'string', default: '3' },
    'snapshot-interval': { type: 'string', default: '30' },
  },
});

function positiveNumber(name: string, value: string | undefined, allowZero = false): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || (!allowZero && number === 0)) {
    throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${value}`);
  }
  return number;
}

const brokers = args.brokers!;
const minutes = positiveNumber('minutes', args.minutes);
const rate = positiveNumber('rate', args.rate);
const sampleSeconds = positiveNumber('sample-seconds', args['sample-seconds']);
const backpressureMinutes = positiveNumber('backpressure-minutes', args['backpressure-minutes'], true);
const backpressureRate = positiveNumber('backpressure-rate', args['backpressure-rate']);
const scopes = positiveNumber('scopes', args.scopes);
const partitions = positiveNumber('partitions', args.partitions);
const snapshotInterval = positiveNumber('snapshot-interval', args['snapshot-interval']);

const repoRoot = resolve(import.meta.dirname, '../..');
const cli = join(repoRoot, 'dist/src/cli/index.js');
const STAGE = 'filter';
/** The stage's last operator, whose promoted records are the ones that reach L1. */
const LAST_OPERATOR = 'heuristic-filter';
/** Producer pacing step in ms. Each step sends the documents that are due by then. */
const PACE_MS = 100;
/** Maximum documents one pacing step sends, so a stalled send is not followed by an unbounded burst. */
const MAX_SEND = 2000;
const MB = 1024 * 1024;

const kafka = new Kafka({ clientId: 'soak-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3000 });



/** Finds a TCP port on 127.0.0.1 that is free at the moment, for the child's metrics server. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not read the address of a listening socket');
  return address.port;
}


interface Child {
  child: ChildProcess;
  exited: Promise<number | null>;
}

function startUp(prefix: string, metricsPort: number, logPath: string): Child {
  const log = createWriteStream(logPath);
  const command = [
    cli, 'up', '--stage', STAGE, '--brokers', brokers, '--prefix', prefix, '--partitions', String(partitions),
    '--metrics-port', String(metricsPort), '--snapshot-interval', String(snapshotInterval),
  ];
  const child = spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited };
}


/** Returns the first or second half of `text`, cut at the first whitespace after the middle, if any. */
function half(text: string, part: 'first' | 'second'): string {
  const middle = Math.floor(text.length / 2);
  const space = text.slice(middle).search(/\s/);
  const cut = space < 0 ? middle : middle + space;
  return part === 'first' ? text.slice(0, cut) : text.slice(cut);
}

/**
 * Copies of the corpus without end. Copy n joins the first half of corpus document a =
 * n mod size with the second half of document a + 1 + round, where round = floor(n / size),
 * and ends with a line containing n. Two copies thus share at most one half, which keeps their
 * MinHash similarity near 1/3, so most copies pass the dedup steps and every operator runs on
 * them, as on new pages of a crawl. Each copy gets a fresh id and one of --scopes datasets.
 */
class CopyMaker {
  private next = 0;
  constructor(private readonly corpus: TierRecord[]) {}

  make(): TierRecord {
    const n = this.next++;
    const size = this.corpus.length;
    const index = n % size;
    const round = Math.floor(n / size);
    const base = this.corpus[index]!;
    const partner = this.corpus[(index + 1 + round) % size]!;
    return {
      ...base,
      id: `${base.id}-soak-${n}`,
      text: `${half(base.text, 'first')}${half(partner.text, 'second')}\n\nThis page is soak copy number ${n}.`,
      source: { ...base.source, dataset: `soak-${n % scopes}` },
      meta: { ...base.meta },
      signals: {},
      lineage: [],
    };
  }
}

/** Publishes copies to L0 at a set rate, one send request at a time, as `tiers ingest` sends them. */
class Pacer {
  produced = 0;
  private rate = 0;
  private phaseStart = 0;
  private phaseProduced = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly producer: Producer,
    private readonly copies: CopyMaker,
    private readonly context: IngestItemContext,
  ) {}

  /** Sets the rate in documents/s from now on, and starts the loop on the first call. */
  setRate(rate: number): void {
    this.rate = rate;
    this.phaseStart = Date.now();
    this.phaseProduced = 0;
    if (!this.running) {
      this.running = true;
      this.loop = this.run();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const due = Math.floor((this.rate * (Date.now() - this.phaseStart)) / 1000) - this.phaseProduced;
      const count = Math.min(due, MAX_SEND);
      if (count > 0) await this.send(count);
      await sleep(PACE_MS);
    }
  }

  private async send(count: number): Promise<void> {
    const messages = [];
    for (let i = 0; i < count; i++) {
      const { message } = await prepareIngestItem({ kind: 'record', record: this.copies.make() }, this.context);
      messages.push(message);
    }
    await this.producer.send({ topic: this.context.topics.l0, acks: -1, messages });
    this.produced += count;
    this.phaseProduced += count;
  }
}

interface Sample {
  phase: 'steady' | 'backpressure';
  seconds: number;
  produced: number;
  rssMb: number;
  heapMb: number | null;
  lag: number;
  promoted: number | null;
}

/** Reads the resident set size (VmRSS) of a process in MB from /proc, so Linux only. */
function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS line in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Sums the samples of one metric whose labels contain every given `name="value"` pair, or returns null when none matches. */
function metricValue(text: string, name: string, labels: string[] = []): number | null {
  let sum: number | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + ' ') && !line.startsWith(name + '{')) continue;
    if (!labels.every((label) => line.includes(label))) continue;
    sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Counts the messages of `topic` that the group has not committed yet, over all partitions. */
async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const byPartition = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  return ends.reduce((sum, p) => sum + Number(p.high) - Math.max(byPartition.get(p.partition) ?? 0, 0), 0);
}

async function takeSample(admin: Admin, up: Child, metricsPort: number, prefix: string, pacer: Pacer, phase: Sample['phase'], startedAt: number): Promise<Sample> {
  const rss = rssMb(up.child.pid!);
  let metrics = '';
  try {
    metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  } catch (err) {
    console.error(`reading /metrics failed: ${(err as Error).message}`);
  }
  const heapBytes = metricValue(metrics, 'tiers_nodejs_heap_size_used_bytes');
  const promoted = metricValue(metrics, 'tiers_records_promoted_total', [`stage="${STAGE}"`, `operator="${LAST_OPERATOR}"`]);
  return {
    phase,
    seconds: (Date.now() - startedAt) / 1000,
    produced: pacer.produced,
    rssMb: rss,
    heapMb: heapBytes === null ? null : heapBytes / MB,
    lag: await groupLag(admin, `${prefix}.${STAGE}`, `${prefix}.l0`),
    promoted,
  };
}

/** Runs one phase at `phaseRate` documents/s, sampling every --sample-seconds. */
async function runPhase(phase: Sample['phase'], phaseMinutes: number, phaseRate: number, sample: (phase: Sample['phase']) => Promise<Sample>, pacer: Pacer, up: Child, samples: Sample[]): Promise<void> {
  pacer.setRate(phaseRate);
  const end = Date.now() + phaseMinutes * 60_000;
  let next = Date.now() + sampleSeconds * 1000;
  while (next <= end) {
    const exitCode = await Promise.race([sleep(next - Date.now()).then(() => undefined), up.exited]);
    if (exitCode !== undefined) throw new Error(`tiers up exited with ${exitCode} during the ${phase} phase`);
    const latest = await sample(phase);
    samples.push(latest);
    console.error(`${phase} ${latest.seconds.toFixed(0)} s: RSS ${latest.rssMb.toFixed(1)} MB, lag ${latest.lag}, promoted ${latest.promoted}`);
    // A sample delayed past the next slot (the child can block its event loop) skips that slot.
    next += sampleSeconds * 1000;
    while (next <= Date.now()) next += sampleSeconds * 1000;
  }
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0);
  const sxx = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

function round1(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

function printTable(samples: Sample[]): void {
  console.log('| phase | time (s) | produced | RSS MB | heap MB | lag on L0 | promoted to L1 |');
  console.log('|---|---|---|---|---|---|---|');
  for (const s of samples) {
    const heap = s.heapMb === null ? '–' : s.heapMb.toFixed(1);
    console.log(`| ${s.phase} | ${s.seconds.toFixed(0)} | ${s.produced} | ${s.rssMb.toFixed(1)} | ${heap} | ${s.lag} | ${s.promoted ?? '–'} |`);
  }
}

/** Builds the summary object. The growth slopes fit the second half of the steady phase, after warm-up. */
function summarize(samples: Sample[]): Record<string, number | null> {
  const steady = samples.filter((s) => s.phase === 'steady');
  const pressured = samples.filter((s) => s.phase === 'backpressure');
  if (steady.length === 0) throw new Error('no samples in the steady phase: raise --minutes or lower --sample-seconds');
  const secondHalf = steady.filter((s) => s.seconds >= (minutes * 60) / 2);
  const perHour = (points: [number, number][]) => round1(slope(points) * 3600);
  const max = (values: number[]) => (values.length === 0 ? null : Math.max(...values));
  return {
    minutes,
    rate,
    rss_mb_start: round1(steady[0]!.rssMb),
    rss_mb_max: round1(max(steady.map((s) => s.rssMb))),
    rss_mb_end: round1(steady.at(-1)!.rssMb),
    rss_growth_mb_per_hour: perHour(secondHalf.map((s) => [s.seconds, s.rssMb])),
    heap_growth_mb_per_hour: perHour(secondHalf.filter((s) => s.heapMb !== null).map((s) => [s.seconds, s.heapMb!])),
    max_lag: max(steady.map((s) => s.lag)),
    promoted: steady.at(-1)!.promoted,
    backpressure_minutes: backpressureMinutes,
    backpressure_rate: backpressureMinutes > 0 ? backpressureRate : null,
    backpressure_rss_mb_max: round1(max(pressured.map((s) => s.rssMb))),
    backpressure_max_lag: max(pressured.map((s) => s.lag)),
  };
}

async function runSoak(admin: Admin, topics: TopicNames, prefix: string, workDir: string): Promise<Sample[]> {
  const corpus = await loadCorpus(resolve(args.data!));
  const metricsPort = await freePort();
  const upLog = join(workDir, 'up.log');
  const up = startUp(prefix, metricsPort, upLog);
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const samples: Sample[] = [];
  let pacer: Pacer | null = null;
  try {
    await Promise.race([
      waitForMember(admin, `${prefix}.${STAGE}`),
      up.exited.then((code) => {
        throw new Error(`tiers up exited with ${code} before joining its group`);
      }),
    ]);
    await producer.connect();
    const context: IngestItemContext = { version: packageVersion(), stats: newIngestStats(), log: pino({ level: 'silent' }), codec: new AvroValueCodec(), topics };
    pacer = new Pacer(producer, new CopyMaker(corpus.records), context);
    const startedAt = Date.now();
    const sample = (phase: Sample['phase']) => takeSample(admin, up, metricsPort, prefix, pacer!, phase, startedAt);
    samples.push(await sample('steady'));
    await runPhase('steady', minutes, rate, sample, pacer, up, samples);
    if (backpressureMinutes > 0) await runPhase('backpressure', backpressureMinutes, backpressureRate, sample, pacer, up, samples);
    return samples;
  } catch (err) {
    throw new Error(`${(err as Error).message}; the end of the tiers up log: ${tail(upLog)}`);
  } finally {
    await pacer?.stop();
    await producer.disconnect();
    up.child.kill('SIGTERM');
    await up.exited;
  }
}

const admin = kafka.admin();
await checkBroker(admin, brokers, 19592, '/tmp/kafka-soak');
const prefix = `bench-soak-${Date.now()}`;
const workDir = mkdtempSync(join(tmpdir(), 'tiers-soak-'));
try {
  const samples = await runSoak(admin, topicNames(prefix), prefix, workDir);
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  console.log(
    `Soak of tiers up --stage ${STAGE}: ${minutes} min at ${rate} documents/s, then ${backpressureMinutes} min at ${backpressureRate} documents/s; ` +
      `${scopes} dedup scopes, ${partitions} partitions, snapshots every ${snapshotInterval} s, broker ${brokers}; ` +
      `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average at the end ${load}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log('');
  printTable(samples);
  console.log('');
  console.log(JSON.stringify(summarize(samples)));
} finally {
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${prefix}.`));
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => {});
  await admin.disconnect();
  rmSync(workDir, { recursive: true, force: true });
}
