/**
 * Accuracy and memory of the minhash-dedup operator against datasketch's MinHashLSH.
 *
 * Labelled set: seeded samples of real English (C4, cc_net head) and Chinese (ChineseWebText)
 * documents. Each base document gets one variant per target Jaccard similarity in TARGETS, and
 * each variant is made by one edit kind (see EDIT_KINDS). The edit size is searched until the
 * variant's Jaccard similarity to the base, on the operator's own shingles, is near the target. Negatives are
 * other real documents that all carry the same header and footer. Groups (a base then its
 * variants) and negatives are streamed in a seeded order. A document's true similarity is
 * its maximum exact Jaccard similarity to any earlier document of the stream, and it is
 * labelled duplicate when that reaches the threshold (0.8 is the headline, 0.7 and 0.9 are
 * reported too).
 *
 * Systems, on the same stream and the same shingle sets: the operator with its defaults and
 * scope 'global'; the operator with maxTrackedIds 0, so that its Bloom filters alone decide;
 * and datasketch MinHashLSH(num_perm=112, params=(14, 8)) in .cache/bench-venv, fed the shingle
 * hashes that the operator computes. Both query each document and insert it only when nothing
 * matched, as the operator does.
 *
 * Memory: the growth of RSS (and, for Node, heap plus array buffers) over MEMORY_DOCUMENTS
 * synthetic distinct documents, each in a fresh child process.
 *
 * Run with `npm run bench:dedup-quality [-- DATA_DIR]` (default ../shared/data). Markdown goes
 * to stdout, and the last line is one JSON object with the main numbers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import type { TierRecord } from '../src/core/record.js';
import { InputReader } from '../src/io/read-inputs.js';
import { createMinHashDedup, parseMinHashDedupConfig } from '../src/operators/minhash-dedup/index.js';
import { bandMatchProbability } from '../src/operators/minhash-dedup/minhash.js';
import { Shingler, detectShingleMode } from '../src/operators/minhash-dedup/shingles.js';
import { ensureReferenceVenv, referencePython } from './reference-venv.js';

const log = pino({ level: 'silent' });
const ctx = { log };
const repoRoot = resolve(import.meta.dirname, '../..');
const referenceScript = join(repoRoot, 'bench/dedup_quality_reference.py');
const REFERENCE_PACKAGES = ['datasketch==2.0.0'];
const REFERENCE_NAME = 'datasketch 2.0.0 MinHashLSH(num_perm=112, params=(14, 8))';

const SEED = 20261204;
const TARGETS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
const THRESHOLDS = [0.7, 0.8, 0.9];
const HEADLINE_THRESHOLD = 0.8;
const EDIT_KINDS = ['substitute', 'insert-delete', 'boilerplate', 'reorder-substitute'] as const;
type EditKind = (typeof EDIT_KINDS)[number];
const ENGLISH_BASES = 100;
const CHINESE_BASES = 40;
const ENGLISH_NEGATIVES = 60;
const CHINESE_NEGATIVES = 30;
/** Units (words, or characters for Chinese) in each of the shared header and footer of negatives. */
const SHARED_BOILERPLATE_UNITS = 80;
/** Documents below this many distinct shingles are too short to edit to a chosen similarity. */
const MIN_SHINGLES = 60;
const MEMORY_DOCUMENTS = 200_000;
const MEMORY_WORDS_PER_DOCUMENT = 30;
const operatorConfig = parseMinHashDedupConfig({});

// ---------------------------------------------------------------------------------------------
// Helpers

/** mulberry32: a small seeded generator, so that the labelled set is the same on every run. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

const shingler = new Shingler({
  shingle: operatorConfig.shingle,
  wordShingleSize: operatorConfig.shingleSize,
  charShingleSize: operatorConfig.cjkShingleSize,
});

/** Returns the operator's shingle hashes of `text`, distinct and sorted. */
function shingleSet(text: string): Int32Array {
  const result = shingler.extract(text);
  const distinct = new Set<number>();
  for (let i = 0; i < result.shingles; i++) distinct.add(result.hashes[i]!);
  return Int32Array.from(distinct).sort();
}

function jaccard(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) {
      i++;
    } else {
      j++;
    }
  }
  const union = a.length + b.length - shared;
  return union === 0 ? 1 : shared / union;
}

// ---------------------------------------------------------------------------------------------
// Documents and edits

type Script = 'en' | 'zh';

/**
 * A document as editable units: words for English, code points for Chinese. '\n' is a unit of
 * its own that separates paragraphs.
 */
interface UnitDocument {
  script: Script;
  units: string[];
}

function toUnits(text: string, script: Script): string[] {
  if (script === 'zh') return Array.from(text);
  const units: string[] = [];
  for (const paragraph of text.split('\n')) {
    const words = paragraph.split(/\s+/).filter((word) => word.length > 0);
    if (words.length === 0) continue;
    if (units.length > 0) units.push('\n');
    units.push(...words);
  }
  return units;
}

function toText(units: string[], script: Script): string {
  return script === 'zh' ? units.join('') : units.join(' ');
}

async function readTexts(dataDir: string, file: string): Promise<string[]> {
  const reader = new InputReader([resolve(dataDir, file)], {}, log);
  const texts: string[] = [];
  for await (const item of reader.items()) if (item.kind === 'record') texts.push(item.record.text);
  return texts;
}

/** Unit positions (paragraph breaks excluded) in a seeded order; an edit of size k uses the first k. */
function editOrder(units: string[], seed: number): number[] {
  const positions: number[] = [];
  units.forEach((unit, i) => {
    if (unit !== '\n') positions.push(i);
  });
  return shuffle(positions, createRandom(seed));
}

function substitute(units: string[], k: number, seed: number, vocabulary: string[]): string[] {
  const out = units.slice();
  const order = editOrder(units, seed);
  const random = createRandom(seed ^ 0x51ed270b);
  for (let e = 0; e < k && e < order.length; e++) out[order[e]!] = vocabulary[Math.floor(random() * vocabulary.length)]!;
  return out;
}

/** Alternates deleting a unit and inserting a vocabulary unit after one, at k positions in total. */
function insertDelete(units: string[], k: number, seed: number, vocabulary: string[]): string[] {
  const order = editOrder(units, seed);
  const random = createRandom(seed ^ 0x2545f491);
  const action = new Map<number, string | null>();
  for (let e = 0; e < k && e < order.length; e++) {
    const inserted = vocabulary[Math.floor(random() * vocabulary.length)]!;
    action.set(order[e]!, e % 2 === 0 ? null : inserted);
  }
  const out: string[] = [];
  units.forEach((unit, i) => {
    const edit = action.get(i);
    if (edit === null) return;
    out.push(unit);
    if (edit !== undefined) out.push(edit);
  });
  return out;
}

/** Puts the first ⌈k/2⌉ units of another page above the document and the next ⌊k/2⌋ below it. */
function addBoilerplate(units: string[], k: number, donor: string[]): string[] {
  const header = donor.slice(0, Math.ceil(k / 2));
  const footer = donor.slice(Math.ceil(k / 2), k);
  return [...header, '\n', ...units, '\n', ...footer];
}

/** Shuffles paragraphs (or 40-unit blocks when there are fewer than 3 paragraphs), then substitutes k units. */
function reorderSubstitute(units: string[], k: number, seed: number, vocabulary: string[]): string[] {
  let blocks: string[][] = [[]];
  for (const unit of units) {
    if (unit === '\n') blocks.push([]);
    else blocks[blocks.length - 1]!.push(unit);
  }
  blocks = blocks.filter((block) => block.length > 0);
  if (blocks.length < 3) {
    const flat = blocks.flat();
    blocks = [];
    for (let i = 0; i < flat.length; i += 40) blocks.push(flat.slice(i, i + 40));
  }
  shuffle(blocks, createRandom(seed ^ 0x7f4a7c15));
  const reordered = blocks.flatMap((block, i) => (i === 0 ? block : ['\n', ...block]));
  return substitute(reordered, k, seed, vocabulary);
}

interface EditContext {
  vocabulary: string[];
  donor: string[];
}

function applyEdit(kind: EditKind, doc: UnitDocument, k: number, seed: number, edit: EditContext): string[] {
  switch (kind) {
    case 'substitute':
      return substitute(doc.units, k, seed, edit.vocabulary);
    case 'insert-delete':
      return insertDelete(doc.units, k, seed, edit.vocabulary);
    case 'boilerplate':
      return addBoilerplate(doc.units, k, edit.donor);
    case 'reorder-substitute':
      return reorderSubstitute(doc.units, k, seed, edit.vocabulary);
  }
}

function maxEditSize(kind: EditKind, doc: UnitDocument, edit: EditContext): number {
  if (kind === 'boilerplate') return edit.donor.length;
  return doc.units.filter((unit) => unit !== '\n').length;
}

/**
 * Binary-searches the edit size whose variant has the Jaccard similarity to the base closest
 * to `target`. The similarity falls with the edit size because a larger edit of the same seed
 * contains every change of a smaller one.
 */
function makeVariant(kind: EditKind, doc: UnitDocument, baseSet: Int32Array, target: number, seed: number, edit: EditContext) {
  const similarityAt = (k: number) => {
    const text = toText(applyEdit(kind, doc, k, seed, edit), doc.script);
    const set = shingleSet(text);
    return { text, set, similarity: jaccard(baseSet, set), k };
  };
  let low = 0;
  let high = maxEditSize(kind, doc, edit);
  let best = similarityAt(0);
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const candidate = similarityAt(middle);
    if (Math.abs(candidate.similarity - target) < Math.abs(best.similarity - target)) best = candidate;
    if (candidate.similarity > target) low = middle + 1;
    else high = middle - 1;
  }
  return best;
}

interface StreamDocument {
  id: string;
  script: Script;
  role: 'base' | 'variant' | 'negative';
  kind: EditKind | null;
  target: number | null;
  /** Jaccard similarity to the group's base (variants only). */
  baseSimilarity: number | null;
  text: string;
  set: Int32Array;
}

async function buildStream(dataDir: string): Promise<StreamDocument[]> {
  const random = createRandom(SEED);
  const english = [
    ...(await readTexts(dataDir, 'web_en/c4_demo.jsonl')),
    ...(await readTexts(dataDir, 'web_en/cc_en_head-0091.jsonl')),
  ].filter((text) => detectShingleMode(text) === 'word' && shingleSet(text).length >= MIN_SHINGLES);
  const chinese = (await readTexts(dataDir, 'web_zh/cleared1.jsonl')).filter(
    (text) => detectShingleMode(text) === 'char' && shingleSet(text).length >= MIN_SHINGLES,
  );
  // Header and footer text for variants and negatives comes from pages of a Common Crawl shard
  // that are used nowhere else, so it is real navigation and footer text where the page has it.
  const crawl = (await readTexts(dataDir, 'web_en/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz')).filter(
    (text) => detectShingleMode(text) === 'word',
  );
  shuffle(english, random);
  shuffle(chinese, random);
  shuffle(crawl, random);

  const englishBases = english.slice(0, ENGLISH_BASES);
  const englishNegatives = english.slice(ENGLISH_BASES, ENGLISH_BASES + ENGLISH_NEGATIVES);
  const chineseBases = chinese.slice(0, CHINESE_BASES);
  const chineseNegatives = chinese.slice(CHINESE_BASES, CHINESE_BASES + CHINESE_NEGATIVES);
  const chineseDonors = chinese.slice(CHINESE_BASES + CHINESE_NEGATIVES);
  if (chineseDonors.length < 2) {
    throw new Error(`found ${chinese.length} usable Chinese documents in web_zh/cleared1.jsonl, need at least ${CHINESE_BASES + CHINESE_NEGATIVES + 2}`);
  }

  const englishDonorUnits = toUnits(crawl.join('\n'), 'en');
  const chineseDonorUnits = toUnits(chineseDonors.join('\n'), 'zh');
  const vocabulary: Record<Script, string[]> = {
    en: toUnits(english.join(' '), 'en').filter((unit) => unit !== '\n'),
    zh: Array.from(chinese.join('')).filter((unit) => /\p{Script=Han}/u.test(unit)),
  };

  const groups: StreamDocument[][] = [];
  let donorOffset = 0;
  const addGroups = (texts: string[], script: Script) => {
    const donorUnits = script === 'en' ? englishDonorUnits : chineseDonorUnits;
    texts.forEach((text, baseIndex) => {
      const doc: UnitDocument = { script, units: toUnits(text, script) };
      const baseSet = shingleSet(text);
      const groupId = `${script}-${baseIndex}`;
      const group: StreamDocument[] = [
        { id: groupId, script, role: 'base', kind: null, target: null, baseSimilarity: null, text, set: baseSet },
      ];
      const variants: StreamDocument[] = [];
      TARGETS.forEach((target, targetIndex) => {
        const kind = EDIT_KINDS[(baseIndex + targetIndex) % EDIT_KINDS.length]!;
        // Each boilerplate variant takes its header and footer from a different stretch of donor pages.
        const start = donorOffset % Math.max(1, donorUnits.length - 4000);
        donorOffset += 997;
        const edit = { vocabulary: vocabulary[script], donor: donorUnits.slice(start, start + 4 * doc.units.length + 200) };
        const variant = makeVariant(kind, doc, baseSet, target, SEED + baseIndex * 131 + targetIndex, edit);
        variants.push({
          id: `${groupId}-v${targetIndex}`,
          script,
          role: 'variant',
          kind,
          target,
          baseSimilarity: variant.similarity,
          text: variant.text,
          set: variant.set,
        });
      });
      groups.push([...group, ...shuffle(variants, random)]);
    });
  };
  addGroups(englishBases, 'en');
  addGroups(chineseBases, 'zh');

  const addNegatives = (texts: string[], script: Script) => {
    const donorUnits = script === 'en' ? englishDonorUnits : chineseDonorUnits;
    const shared = donorUnits.slice(donorUnits.length - 2 * SHARED_BOILERPLATE_UNITS);
    texts.forEach((text, i) => {
      const variantText = toText(addBoilerplate(toUnits(text, script), shared.length, shared), script);
      groups.push([
        {
          id: `${script}-negative-${i}`,
          script,
          role: 'negative',
          kind: null,
          target: null,
          baseSimilarity: null,
          text: variantText,
          set: shingleSet(variantText),
        },
      ]);
    });
  };
  addNegatives(englishNegatives, 'en');
  addNegatives(chineseNegatives, 'zh');

  return shuffle(groups, random).flat();
}

/** Computes each document's maximum exact Jaccard similarity to any earlier document of the stream. */
function maxEarlierSimilarity(stream: StreamDocument[]): number[] {
  const postings = new Map<number, number[]>();
  return stream.map((doc, index) => {
    const shared = new Map<number, number>();
    for (const shingle of doc.set) {
      const list = postings.get(shingle);
      if (list === undefined) continue;
      for (const earlier of list) shared.set(earlier, (shared.get(earlier) ?? 0) + 1);
    }
    let best = 0;
    for (const [earlier, count] of shared) {
      const similarity = count / (doc.set.length + stream[earlier]!.set.length - count);
      if (similarity > best) best = similarity;
    }
    for (const shingle of doc.set) {
      const list = postings.get(shingle);
      if (list === undefined) postings.set(shingle, [index]);
      else list.push(index);
    }
    return best;
  });
}

// ---------------------------------------------------------------------------------------------
// Systems under test

function record(id: string, text: string): TierRecord {
  return {
    id,
    tier: 'l0',
    domain: 'web',
    lang: null,
    text,
    source: { uri: null, dataset: 'dedup-quality', dump: null, fetchTime: null, license: null },
    meta: {},
    signals: {},
    lineage: [],
  };
}

/** Streams the documents through the operator; returns whether each was rejected as `duplicate`, and the seconds taken. */
async function runOperator(stream: StreamDocument[], options: Record<string, unknown>) {
  const operator = createMinHashDedup({ scope: 'global', ...options });
  const flagged: boolean[] = [];
  const started = process.hrtime.bigint();
  for (const doc of stream) {
    const outcomes = await operator.process(record(doc.id, doc.text), ctx);
    flagged.push(outcomes.some((outcome) => outcome.kind === 'reject' && outcome.rule === 'duplicate'));
  }
  return { flagged, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Runs one job of bench/dedup_quality_reference.py; returns its JSON output, or null with the cause on stderr. */
function runReference<T>(job: Record<string, unknown>): T | null {
  const dir = mkdtempSync(join(tmpdir(), 'tiers-dedup-quality-'));
  try {
    const jobPath = join(dir, 'job.json');
    writeFileSync(jobPath, JSON.stringify({ num_perm: operatorConfig.bands * operatorConfig.rows, bands: operatorConfig.bands, rows: operatorConfig.rows, ...job }));
    const run = spawnSync(referencePython, [referenceScript, jobPath], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) {
      console.error(`reference job '${String(job.mode)}' failed: ${run.stderr.slice(-2000)}`);
      return null;
    }
    return JSON.parse(run.stdout) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Memory

interface MemoryResult {
  documents: number;
  flagged: number;
  rss_bytes: number;
  heap_bytes?: number;
  traced_bytes?: number | null;
  seconds: number;
}

/** Builds a synthetic document of random words, so that no two documents share a shingle in practice. */
function syntheticDocument(random: () => number): string {
  const words: string[] = [];
  for (let w = 0; w < MEMORY_WORDS_PER_DOCUMENT; w++) words.push(`w${Math.floor(random() * 2 ** 40).toString(36)}`);
  return words.join(' ');
}

/** Runs the operator over `documents` synthetic documents in a child process and prints a MemoryResult. Needs --expose-gc. */
async function memoryChild(documents: number, maxTrackedIds: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('global.gc is missing: start the memory measurement with node --expose-gc');
  const random = createRandom(SEED);
  gc();
  const before = process.memoryUsage();
  const operator = createMinHashDedup({ scope: 'global', maxTrackedIds });
  let flagged = 0;
  const started = process.hrtime.bigint();
  for (let n = 0; n < documents; n++) {
    const outcomes = await operator.process(record(`doc-${n}`, syntheticDocument(random)), ctx);
    if (outcomes[0]?.kind === 'reject') flagged++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  gc();
  const after = process.memoryUsage();
  // Naming the operator in the output keeps it reachable until after the measurement.
  const result: MemoryResult & { operator: string } = {
    operator: operator.name,
    documents,
    flagged,
    rss_bytes: after.rss - before.rss,
    heap_bytes: after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers),
    seconds,
  };
  console.log(JSON.stringify(result));
}

function runMemoryChild(documents: number, maxTrackedIds: number): MemoryResult | null {
  const run = spawnSync(process.execPath, ['--expose-gc', import.meta.filename, '--memory-child', String(documents), String(maxTrackedIds)], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    console.error(`memory run of ${documents} documents failed: ${run.stderr.slice(-2000)}`);
    return null;
  }
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as MemoryResult;
}

// ---------------------------------------------------------------------------------------------
// Scoring

interface Scores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

function score(flagged: boolean[], labels: boolean[]): Scores {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  labels.forEach((label, i) => {
    if (flagged[i] && label) truePositives++;
    else if (flagged[i]) falsePositives++;
    else if (label) falseNegatives++;
  });
  const precision = ratio(truePositives, truePositives + falsePositives);
  const recall = ratio(truePositives, truePositives + falseNegatives);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePositives, falsePositives, falseNegatives };
}

function countOnlyIn(a: boolean[], b: boolean[]): number {
  return a.filter((flag, i) => flag && !b[i]).length;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const dataDir = resolve(process.argv[2] ?? '../shared/data');
  const stream = await buildStream(dataDir);
  const similarities = maxEarlierSimilarity(stream);

  const tiers = await runOperator(stream, {});
  const bloomOnly = await runOperator(stream, { maxTrackedIds: 0 });
  const referenceReady = ensureReferenceVenv(REFERENCE_PACKAGES);
  const reference = referenceReady
    ? runReference<{ flagged: boolean[]; seconds: number }>({ mode: 'quality', documents: stream.map((doc) => Array.from(doc.set)) })
    : null;

  const variants = stream.filter((doc) => doc.role === 'variant');
  const onTarget = variants.filter((doc) => Math.abs(doc.baseSimilarity! - doc.target!) <= 0.03).length;
  const counts = (script: Script) => {
    const of = stream.filter((doc) => doc.script === script);
    return `${of.filter((d) => d.role === 'base').length} bases, ${of.filter((d) => d.role === 'variant').length} variants, ${of.filter((d) => d.role === 'negative').length} negatives`;
  };

  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}, one thread`);
  console.log(`Stream of ${stream.length} documents: English ${counts('en')}; Chinese ${counts('zh')}.`);
  console.log(`${onTarget} of ${variants.length} variants are within 0.03 of their target Jaccard similarity to the base.`);
  console.log('');

  // Accuracy per threshold.
  const headline = new Map<string, Scores>();
  const byThreshold: Record<string, Record<string, number>> = {};
  console.log('| true Jaccard ≥ | positives | system | precision | recall | F1 | false positives | false negatives |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const threshold of THRESHOLDS) {
    const labels = similarities.map((similarity) => similarity >= threshold);
    const positives = labels.filter(Boolean).length;
    // The JSON key prefix is null for rows that appear only in the table.
    const systems: [string, string | null, boolean[] | undefined][] = [
      ['tiers (defaults)', 'tiers', tiers.flagged],
      ['tiers (maxTrackedIds 0, Bloom only)', null, bloomOnly.flagged],
      ['datasketch', 'datasketch', reference?.flagged],
    ];
    for (const [name, prefix, flagged] of systems) {
      if (flagged === undefined) continue;
      const s = score(flagged, labels);
      if (threshold === HEADLINE_THRESHOLD) headline.set(name, s);
      if (prefix !== null) {
        byThreshold[String(threshold)] = {
          ...byThreshold[String(threshold)],
          [`${prefix}_precision`]: round3(s.precision),
          [`${prefix}_recall`]: round3(s.recall),
          [`${prefix}_f1`]: round3(s.f1),
        };
      }
      console.log(
        `| ${threshold} | ${positives} | ${name} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f1.toFixed(3)} | ${s.falsePositives} | ${s.falseNegatives} |`,
      );
    }
  }
  console.log('');

  // Flag rate per similarity bucket against the banding curve.
  const edges = [0, 0.3, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0001];
  console.log(`| max earlier Jaccard | documents | tiers flagged | datasketch flagged | expected 1 − (1 − s^${operatorConfig.rows})^${operatorConfig.bands} |`);
  console.log('|---|---|---|---|---|');
  for (let e = 0; e + 1 < edges.length; e++) {
    const inBucket = similarities.map((s, i) => (s >= edges[e]! && s < edges[e + 1]! ? i : -1)).filter((i) => i >= 0);
    if (inBucket.length === 0) continue;
    const expected = inBucket.reduce((sum, i) => sum + bandMatchProbability(similarities[i]!, operatorConfig.bands, operatorConfig.rows), 0) / inBucket.length;
    const tiersShare = ratio(inBucket.filter((i) => tiers.flagged[i]).length, inBucket.length);
    const referenceShare = reference ? `${(100 * ratio(inBucket.filter((i) => reference.flagged[i]).length, inBucket.length)).toFixed(1)}%` : '–';
    console.log(
      `| ${edges[e]!.toFixed(2)}–${Math.min(1, edges[e + 1]!).toFixed(2)} | ${inBucket.length} | ${(100 * tiersShare).toFixed(1)}% | ${referenceShare} | ${(100 * expected).toFixed(1)}% |`,
    );
  }
  console.log('');

  // Per edit kind at the headline threshold, for tiers.
  console.log(`| edit kind | variants | true Jaccard ≥ ${HEADLINE_THRESHOLD} | tiers recall | tiers flagged below ${HEADLINE_THRESHOLD} |`);
  console.log('|---|---|---|---|---|');
  for (const kind of EDIT_KINDS) {
    const of = stream.map((doc, i) => (doc.kind === kind ? i : -1)).filter((i) => i >= 0);
    const positive = of.filter((i) => similarities[i]! >= HEADLINE_THRESHOLD);
    const negative = of.filter((i) => similarities[i]! < HEADLINE_THRESHOLD);
    console.log(
      `| ${kind} | ${of.length} | ${positive.length} | ${ratio(positive.filter((i) => tiers.flagged[i]).length, positive.length).toFixed(3)} | ${negative.filter((i) => tiers.flagged[i]).length} of ${negative.length} |`,
    );
  }
  const negatives = stream.map((doc, i) => (doc.role === 'negative' ? i : -1)).filter((i) => i >= 0);
  console.log(
    `Negatives with a shared header and footer: ${negatives.length}, maximum true Jaccard ${round3(Math.max(...negatives.map((i) => similarities[i]!)))}; ` +
      `flagged by tiers ${negatives.filter((i) => tiers.flagged[i]).length}, by datasketch ${reference ? negatives.filter((i) => reference.flagged[i]).length : '–'}.`,
  );
  console.log('');

  // Disagreements.
  const tiersOnly = reference ? countOnlyIn(tiers.flagged, reference.flagged) : null;
  const referenceOnly = reference ? countOnlyIn(reference.flagged, tiers.flagged) : null;
  const bloomExtra = countOnlyIn(bloomOnly.flagged, tiers.flagged);
  const bloomMissing = countOnlyIn(tiers.flagged, bloomOnly.flagged);
  console.log('| comparison | flagged only by the first | flagged only by the second |');
  console.log('|---|---|---|');
  if (reference) {
    console.log(`| tiers (defaults) vs datasketch | ${tiersOnly} | ${referenceOnly} |`);
    console.log(`| tiers (Bloom only) vs datasketch | ${countOnlyIn(bloomOnly.flagged, reference.flagged)} | ${countOnlyIn(reference.flagged, bloomOnly.flagged)} |`);
  }
  console.log(`| tiers (Bloom only) vs tiers (defaults, exact band maps) | ${bloomExtra} | ${bloomMissing} |`);
  if (reference) {
    const disagreements = similarities.filter((_, i) => tiers.flagged[i] !== reference.flagged[i]);
    const inCurve = disagreements.filter((s) => s >= 0.55 && s < 0.85).length;
    console.log(`${inCurve} of the ${disagreements.length} documents that tiers and datasketch decide differently have a true Jaccard similarity from 0.55 to 0.85.`);
  }
  console.log('');

  // Memory.
  const tiersMemory = runMemoryChild(MEMORY_DOCUMENTS, operatorConfig.maxTrackedIds);
  const tiersMemoryBloom = runMemoryChild(MEMORY_DOCUMENTS, 0);
  const tiersMemoryMillion = runMemoryChild(1_000_000, operatorConfig.maxTrackedIds);
  const referenceMemory = referenceReady
    ? runReference<MemoryResult>({ mode: 'memory', documents: MEMORY_DOCUMENTS, shingles_per_document: MEMORY_WORDS_PER_DOCUMENT - 4, seed: SEED, trace: false })
    : null;
  // The operator's memory is not linear in the document count: the id maps stop growing at
  // maxTrackedIds and each added Bloom filter is 4 times larger than the one before. Its
  // per-million figure is therefore measured at 1,000,000 documents. datasketch keeps one
  // hash table entry per band and document, so its figure is a linear estimate from 200,000.
  const linearPerMillion = (result: MemoryResult | null) => (result === null ? null : Math.round((result.rss_bytes * 1_000_000) / result.documents));
  console.log('| system | documents | RSS growth | heap + array buffers | seconds | flagged (all distinct) | RSS per million documents |');
  console.log('|---|---|---|---|---|---|---|');
  const memoryRows: [string, MemoryResult | null, string][] = [
    ['tiers (defaults)', tiersMemory, 'see the 1,000,000 row'],
    ['tiers (maxTrackedIds 0, Bloom only)', tiersMemoryBloom, 'not measured'],
    ['tiers (defaults)', tiersMemoryMillion, `${megabytes(tiersMemoryMillion?.rss_bytes ?? 0)} (measured)`],
    ['datasketch', referenceMemory, `${megabytes(linearPerMillion(referenceMemory) ?? 0)} (linear estimate)`],
  ];
  for (const [name, result, perMillionCell] of memoryRows) {
    if (result === null) continue;
    console.log(
      `| ${name} | ${result.documents} | ${megabytes(result.rss_bytes)} | ${result.heap_bytes === undefined ? '–' : megabytes(result.heap_bytes)} | ${result.seconds.toFixed(1)} | ${result.flagged} | ${perMillionCell} |`,
    );
  }

  const tiersHeadline = headline.get('tiers (defaults)')!;
  const referenceHeadline = headline.get('datasketch');
  console.log(
    JSON.stringify({
      threshold: HEADLINE_THRESHOLD,
      pairs: variants.length,
      documents: stream.length,
      positives: similarities.filter((s) => s >= HEADLINE_THRESHOLD).length,
      tiers_precision: round3(tiersHeadline.precision),
      tiers_recall: round3(tiersHeadline.recall),
      tiers_f1: round3(tiersHeadline.f1),
      datasketch_precision: referenceHeadline ? round3(referenceHeadline.precision) : null,
      datasketch_recall: referenceHeadline ? round3(referenceHeadline.recall) : null,
      datasketch_f1: referenceHeadline ? round3(referenceHeadline.f1) : null,
      lshbloom_extra_flags: tiersOnly,
      datasketch_extra_flags: referenceOnly,
      bloom_only_extra_flags_vs_exact_maps: bloomExtra,
      by_threshold: byThreshold,
      tiers_bytes_per_million_docs: tiersMemoryMillion?.rss_bytes ?? null,
      datasketch_bytes_per_million_docs: linearPerMillion(referenceMemory),
      tiers_memory_200k_rss_bytes: tiersMemory?.rss_bytes ?? null,
      datasketch_memory_200k_rss_bytes: referenceMemory?.rss_bytes ?? null,
      bloom_only_flags_of_200k_distinct: tiersMemoryBloom?.flagged ?? null,
      reference: reference ? REFERENCE_NAME : null,
    }),
  );
}

if (process.argv[2] === '--memory-child') {
  await memoryChild(Number(process.argv[3]), Number(process.argv[4]));
} else {
  await main();
}
