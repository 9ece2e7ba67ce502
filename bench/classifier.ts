/**
 * Scoring throughput of the distilled quality classifier on real web documents, one thread.
 * The model is trained on DCLM's human quality judgements (label 1 → score 4, label 0 → 1), so
 * its weights are as dense as a real model's. Run with
 * `npm run build && node dist/bench/classifier.js [DATA_DIR]`; results go to stdout as Markdown.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { FeatureExtractor, featureConfigSchema } from '../src/classifier/features.js';
import { QualityScorer } from '../src/classifier/scorer.js';
import { trainModel, trainingConfigSchema } from '../src/classifier/train.js';
import type { TierRecord } from '../src/core/record.js';
import { InputReader } from '../src/io/read-inputs.js';

const dataDir = resolve(process.argv[2] ?? '../shared/data');
const ROUNDS = 5;

async function readRecords(files: string[]): Promise<TierRecord[]> {
  const reader = new InputReader(files.map((file) => resolve(dataDir, file)), {}, pino({ level: 'silent' }));
  const records: TierRecord[] = [];
  for await (const item of reader.items()) if (item.kind === 'record') records.push(item.record);
  return records;
}

function trainOnHumanLabels() {
  const features = featureConfigSchema.parse({});
  const extractor = new FeatureExtractor(features);
  const examples = readFileSync(resolve(dataDir, 'labelled/quality/majority_data.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { text: string; label: number })
    .map((row) => ({ features: extractor.extract(row.text, 'web'), label: row.label === 1 ? 4 : 1 }));
  const started = process.hrtime.bigint();
  const model = trainModel(examples, features.buckets, trainingConfigSchema.parse({}));
  const trainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { scorer: new QualityScorer(model, features), trainSeconds, trainDocuments: examples.length };
}

function measure(name: string, scorer: QualityScorer, records: TierRecord[]) {
  const bytes = records.reduce((sum, r) => sum + Buffer.byteLength(r.text), 0);
  let checksum = 0;
  const started = process.hrtime.bigint();
  for (let round = 0; round < ROUNDS; round++) for (const r of records) checksum += scorer.score(r.text, r.domain).expected;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (Number.isNaN(checksum)) throw new Error('the classifier returned a NaN score');
  return { name, documents: records.length, docsPerSecond: (records.length * ROUNDS) / seconds, megabytesPerSecond: (bytes * ROUNDS) / 1e6 / seconds };
}

const { scorer, trainSeconds, trainDocuments } = trainOnHumanLabels();
const results = [
  measure('web_en/c4_demo.jsonl', scorer, await readRecords(['web_en/c4_demo.jsonl'])),
  measure('web_en/CC-MAIN-…-00140.jsonl.gz', scorer, await readRecords(['web_en/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz'])),
  measure('web_zh/cleared1.jsonl', scorer, await readRecords(['web_zh/cleared1.jsonl'])),
];
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}; ${ROUNDS} rounds per file, one thread`);
console.log(`Training on ${trainDocuments} documents (2^20 buckets, 10 epochs): ${trainSeconds.toFixed(2)} s`);
console.log('| input | documents | documents/s | MB/s |');
console.log('|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.documents} | ${r.docsPerSecond.toFixed(0)} | ${r.megabytesPerSecond.toFixed(2)} |`);
