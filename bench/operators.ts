/**
 * Throughput of each L0 → L1 operator, alone, over the real web documents in ../shared/data.
 * Run with `npm run bench`; results go to stdout as a Markdown table.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pino } from 'pino';
import type { Operator } from '../src/core/operator.js';
import type { TierRecord } from '../src/core/record.js';
import { InputReader } from '../src/io/read-inputs.js';
import { createExactDedup } from '../src/operators/exact-dedup.js';
import { createHeuristicFilter } from '../src/operators/heuristic-filter/index.js';
import { createMinHashDedup } from '../src/operators/minhash-dedup/index.js';
import { createNormalize } from '../src/operators/normalize.js';

const log = pino({ level: 'silent' });
const dataDir = resolve(process.argv[2] ?? '../shared/data');
const ROUNDS = 5;

async function loadDocuments(): Promise<TierRecord[]> {
  const files = ['web_en/c4_demo.jsonl', 'web_en/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz', 'web_en/cc_en_head-0091.jsonl', 'web_zh/cleared1.jsonl'];
  const reader = new InputReader(files.map((file) => resolve(dataDir, file)), {}, log);
  const records: TierRecord[] = [];
  for await (const item of reader.items()) if (item.kind === 'record') records.push(item.record);
  return records;
}

function clone(records: TierRecord[], round: number): TierRecord[] {
  // A fresh dataset name per round keeps the dedup operators from matching earlier rounds.
  return records.map((r) => ({ ...r, source: { ...r.source, dataset: `${r.source.dataset}-${round}`, dump: null }, signals: {}, lineage: [] }));
}

async function measure(name: string, create: () => Operator, records: TierRecord[]) {
  const operator = create();
  const ctx = { log };
  const bytes = records.reduce((sum, r) => sum + Buffer.byteLength(r.text), 0);
  let elapsedNs = 0n;
  for (let round = 0; round < ROUNDS; round++) {
    const batch = clone(records, round);
    const start = process.hrtime.bigint();
    for (const record of batch) await operator.process(record, ctx);
    elapsedNs += process.hrtime.bigint() - start;
  }
  const seconds = Number(elapsedNs) / 1e9;
  const docs = records.length * ROUNDS;
  return { name, docsPerSecond: docs / seconds, megabytesPerSecond: (bytes * ROUNDS) / 1e6 / seconds };
}

const records = await loadDocuments();
const results = [
  await measure('normalize', () => createNormalize({}), records),
  await measure('exact-dedup', () => createExactDedup({}), records),
  await measure('minhash-dedup', () => createMinHashDedup({}), records),
  await measure('heuristic-filter', () => createHeuristicFilter({}), records),
];
console.log(`${records.length} documents x ${ROUNDS} rounds, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| operator | documents/s | MB/s |');
console.log('|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.docsPerSecond.toFixed(0)} | ${r.megabytesPerSecond.toFixed(2)} |`);
