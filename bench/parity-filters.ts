/**
 * Keep/drop parity of the heuristic-filter rule families with datatrove's filters.
 *
 * Input: every record with text in the JSON-lines files (`.jsonl`, `.jsonl.gz`) under DATA_DIR,
 * read by the engine's InputReader with its default text fields (text, raw_content, content).
 * Each record gets its language from the langid operator with default options. The same text
 * and language go to both sides.
 *
 * tiers: the heuristic-filter operator with default thresholds and only one family enabled at
 * a time, every record treated as domain `web` so the math and code domain presets do not apply.
 * It runs twice: with `profile: 'datatrove'`, which measures every language as datatrove does,
 * and with the default `language-aware` profile, which adapts stop words and the thresholds of
 * spaceless scripts to the record.
 *
 * Reference: datatrove 0.10.1 from PyPI, GopherRepetitionFilter, GopherQualityFilter,
 * C4QualityFilter and FineWebQualityFilter with default settings and the record's language,
 * called per document through `filter(doc)` (bench/parity_filters_reference.py). English words
 * come from spaCy's rule-based tokenizer (`spacy.blank("en")`) and Chinese words from jieba.
 * Both ship their data in the wheel, so nothing is downloaded at run time. The venv is
 * .cache/bench-venv, created on the first run by the Python in TIERS_PYTHON (default python3).
 * Languages whose datatrove tokenizer needs a package the venv lacks (Japanese, Thai, Korean
 * and others) are passed to datatrove as English, because datatrove itself raises ImportError
 * on them. stderr lists those languages.
 *
 * A disagreement class is the family plus the rule that rejected the document on each side
 * ("keep" when a side kept it). The headline agreement (`agreement` in the JSON line) is over
 * all documents with the datatrove profile. `agreement_default_profile` is the same with the
 * language-aware profile, and `agreement_en` and `agreement_en_default_profile` cover the
 * English documents only.
 *
 * Run with `npm run bench:parity-filters [-- DATA_DIR]` (default ../shared/data). Markdown goes
 * to stdout, and the last line is one JSON object with the main numbers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pino } from 'pino';
import type { OperatorContext } from '../src/core/operator.js';
import type { TierRecord } from '../src/core/record.js';
import { InputReader } from '../src/io/read-inputs.js';
import {
  createHeuristicFilter,
  HEURISTIC_PROFILES,
  type HeuristicFamily,
  type HeuristicProfile,
} from '../src/operators/heuristic-filter/index.js';
import { createLangid } from '../src/operators/langid/index.js';
import { ensureReferenceVenv, referencePython } from './reference-venv.js';

const dataDir = resolve(process.argv[2] ?? '../shared/data');
const repoRoot = resolve(import.meta.dirname, '../..');
const referenceScript = join(repoRoot, 'bench/parity_filters_reference.py');
const REFERENCE_PACKAGES = ['datatrove==0.10.1', 'spacy==3.8.18', 'regex==2026.11.15', 'jieba==0.42.1'];
const EXAMPLES_PER_CLASS = 2;

/** Report names of the families, paired with the config key of the tiers family. */
const FAMILIES = [
  ['gopher_repetition', 'gopherRepetition'],
  ['gopher_quality', 'gopherQuality'],
  ['c4', 'c4'],
  ['fineweb', 'fineweb'],
] as const satisfies readonly (readonly [string, HeuristicFamily])[];
type Family = (typeof FAMILIES)[number][0];

const LANGUAGE_GROUPS = ['en', 'zh', 'other'] as const;
type LanguageGroup = (typeof LANGUAGE_GROUPS)[number];

interface Document {
  file: string;
  id: string;
  text: string;
  lang: string;
  group: LanguageGroup;
}

/** The rule that rejected the document, or null when tiers kept it, with the measures it wrote. */
interface TiersDecision {
  rule: string | null;
  signals: Record<string, number>;
}

interface ReferenceResult {
  reasons: Record<Family, string[]>;
  measures: Record<Family, Record<string, Record<string, unknown>>>;
  seconds: Record<Family, number>;
  languages: Record<string, string>;
}

function findJsonLines(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...findJsonLines(path));
    else if (/\.jsonl(\.gz)?$/.test(entry.name)) files.push(path);
  }
  return files;
}

const silentLog = pino({ level: 'silent' });
const context: OperatorContext = { log: silentLog };

/** Reads the records of every file and labels each with the langid operator's language. */
async function loadDocuments(): Promise<{ documents: Document[]; perFile: Map<string, number> }> {
  const langid = createLangid({});
  const documents: Document[] = [];
  const perFile = new Map<string, number>();
  for (const path of findJsonLines(dataDir)) {
    const file = relative(dataDir, path);
    const reader = new InputReader([path], {}, silentLog);
    for await (const item of reader.items()) {
      if (item.kind !== 'record' || item.record.text.trim() === '') continue;
      const record = item.record;
      record.lang = null;
      await langid.process(record);
      const lang = (record.lang ?? 'und').split('-')[0]!.toLowerCase();
      const group: LanguageGroup = lang === 'en' || lang === 'zh' ? lang : 'other';
      documents.push({ file, id: record.id, text: record.text, lang, group });
      perFile.set(file, (perFile.get(file) ?? 0) + 1);
    }
  }
  return { documents, perFile };
}

/** Runs the heuristic filter with `profile` and only `family` enabled on every document. */
function runTiers(
  documents: Document[],
  family: HeuristicFamily,
  profile: HeuristicProfile,
): { decisions: TiersDecision[]; seconds: number } {
  const config: Record<string, unknown> = { profile, code: { enabled: false } };
  for (const [, key] of FAMILIES) config[key] = { enabled: key === family };
  const operator = createHeuristicFilter(config);
  const decisions: TiersDecision[] = [];
  const started = process.hrtime.bigint();
  for (const doc of documents) {
    const record = {
      id: doc.id,
      tier: 'L0',
      domain: 'web',
      lang: doc.lang,
      text: doc.text,
      source: {},
      meta: {},
      signals: {},
      lineage: [],
    } as unknown as TierRecord;
    const [outcome] = operator.process(record, context);
    decisions.push({ rule: outcome?.kind === 'reject' ? outcome.rule : null, signals: record.signals });
  }
  return { decisions, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function runReference(documents: Document[], tiers: Record<Family, TiersDecision[]>): ReferenceResult | null {
  if (!ensureReferenceVenv(REFERENCE_PACKAGES)) return null;
  const compare = Object.fromEntries(FAMILIES.map(([name]) => [name, tiers[name].map((d) => d.rule === null)]));
  const dir = mkdtempSync(join(tmpdir(), 'tiers-parity-'));
  try {
    const jobPath = join(dir, 'job.json');
    writeFileSync(jobPath, JSON.stringify({ documents: documents.map((d) => ({ text: d.text, lang: d.lang })), compare }));
    const run = spawnSync(referencePython, [referenceScript, jobPath], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (run.status !== 0) {
      console.error(`reference skipped: the Python script failed: ${run.stderr.slice(-2000)}`);
      return null;
    }
    // Languages without a datatrove word tokenizer in the venv fall back to English, so show which ones.
    for (const line of run.stderr.split('\n')) if (line.startsWith('no datatrove word tokenizer')) console.error(line);
    return JSON.parse(run.stdout) as ReferenceResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;
}

function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** Selects the tiers signals that `family` writes, rounded for the report. */
function familySignals(family: Family, signals: Record<string, number>): Record<string, number> {
  const prefix = family === 'gopher_repetition' || family === 'gopher_quality' ? 'gopher_' : `${family}_`;
  return Object.fromEntries(
    Object.entries(signals)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), Math.round(value * 10000) / 10000]),
  );
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 100)}…` : flat;
}


interface DisagreementClass {
  count: number;
  groups: Record<LanguageGroup, number>;
  examples: number[];
  fallbackExamples: number[];
}

/** Share of documents with the same decision on both sides, null for an empty group. */
type Agreement = Record<LanguageGroup | 'all', number | null>;

/** Agreement of one profile's decisions with datatrove's, per family and language group. */
interface Comparison {
  agreement: Record<Family, Agreement>;
  /** Share of English documents kept by tiers and by datatrove. */
  keptEnglish: Record<Family, { tiers: number | null; datatrove: number | null }>;
  /** Disagreement classes, the largest first. */
  classes: [string, DisagreementClass][];
}

/** Compares the decisions of one tiers profile with datatrove's, document by document. */
function compare(decisions: Record<Family, TiersDecision[]>, reference: ReferenceResult): Comparison {
  const agreement = {} as Record<Family, Agreement>;
  const keptEnglish = {} as Record<Family, { tiers: number | null; datatrove: number | null }>;
  const classes = new Map<string, DisagreementClass>();
  for (const [family] of FAMILIES) {
    const same = { en: 0, zh: 0, other: 0 };
    let tiersKept = 0;
    let referenceKept = 0;
    documents.forEach((doc, i) => {
      const tiersRule = decisions[family][i]!.rule;
      const referenceReason = reference.reasons[family][i]!;
      if (doc.group === 'en' && tiersRule === null) tiersKept++;
      if (doc.group === 'en' && referenceReason === '') referenceKept++;
      if ((tiersRule === null) === (referenceReason === '')) {
        same[doc.group]++;
        return;
      }
      const key = `${family}: tiers ${tiersRule ?? 'keep'} / datatrove ${referenceReason || 'keep'}`;
      let entry = classes.get(key);
      if (entry === undefined) {
        entry = { count: 0, groups: { en: 0, zh: 0, other: 0 }, examples: [], fallbackExamples: [] };
        classes.set(key, entry);
      }
      entry.count++;
      entry.groups[doc.group]++;
      // Examples come from English documents when the class has any.
      if (doc.group === 'en' && entry.examples.length < EXAMPLES_PER_CLASS) entry.examples.push(i);
      else if (doc.group !== 'en' && entry.fallbackExamples.length < EXAMPLES_PER_CLASS) entry.fallbackExamples.push(i);
    });
    agreement[family] = {
      en: ratio(same.en, groupSizes.en),
      zh: ratio(same.zh, groupSizes.zh),
      other: ratio(same.other, groupSizes.other),
      all: ratio(same.en + same.zh + same.other, documents.length),
    };
    keptEnglish[family] = { tiers: ratio(tiersKept, groupSizes.en), datatrove: ratio(referenceKept, groupSizes.en) };
  }
  return { agreement, keptEnglish, classes: [...classes.entries()].sort((a, b) => b[1].count - a[1].count) };
}

/** Prints the disagreement classes of one profile, with examples and the measures of both sides. */
function printClasses(profile: HeuristicProfile, comparison: Comparison, reference: ReferenceResult): void {
  const { classes } = comparison;
  if (classes.length === 0) return;
  console.log(`Disagreement classes, profile ${profile}:`);
  console.log('');
  console.log('| disagreement class | documents | en | zh | other | languages |');
  console.log('|---|---|---|---|---|---|');
  for (const [key, entry] of classes) {
    const languages = classLanguages(key, profile, reference);
    console.log(`| ${key} | ${entry.count} | ${entry.groups.en} | ${entry.groups.zh} | ${entry.groups.other} | ${languages} |`);
  }
  console.log('');
  for (const [key, entry] of classes) {
    console.log(`### ${profile}: ${key}`);
    const family = key.slice(0, key.indexOf(':')) as Family;
    for (const i of entry.examples.length > 0 ? entry.examples : entry.fallbackExamples) {
      const doc = documents[i]!;
      console.log(`- ${doc.file} ${doc.id} (${doc.lang}): "${excerpt(doc.text)}"`);
      console.log(`  - tiers: ${JSON.stringify(familySignals(family, tiers[profile][family][i]!.signals))}`);
      if (profile === MEASURED_PROFILE) console.log(`  - datatrove: ${JSON.stringify(reference.measures[family][String(i)] ?? {})}`);
    }
  }
  console.log('');
}

/** Lists the languages of a class's documents with their counts, such as `ja 9, th 1`. */
function classLanguages(key: string, profile: HeuristicProfile, reference: ReferenceResult): string {
  const family = key.slice(0, key.indexOf(':')) as Family;
  const counts = new Map<string, number>();
  documents.forEach((doc, i) => {
    const tiersRule = tiers[profile][family][i]!.rule;
    const referenceReason = reference.reasons[family][i]!;
    const docKey = `${family}: tiers ${tiersRule ?? 'keep'} / datatrove ${referenceReason || 'keep'}`;
    if (docKey === key && (tiersRule === null) !== (referenceReason === '')) counts.set(doc.lang, (counts.get(doc.lang) ?? 0) + 1);
  });
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([lang, count]) => `${lang} ${count}`)
    .join(', ');
}

// The reference measures the documents where this profile's decision differs from its own.
const MEASURED_PROFILE: HeuristicProfile = 'datatrove';
const DEFAULT_PROFILE: HeuristicProfile = 'language-aware';

// Documents and languages.
const { documents, perFile } = await loadDocuments();
const groupSizes = Object.fromEntries(LANGUAGE_GROUPS.map((g) => [g, documents.filter((d) => d.group === g).length])) as Record<
  LanguageGroup,
  number
>;

// tiers, once per profile and one family at a time.
const tiers = {} as Record<HeuristicProfile, Record<Family, TiersDecision[]>>;
const tiersSeconds = {} as Record<HeuristicProfile, Record<Family, number>>;
for (const profile of HEURISTIC_PROFILES) {
  tiers[profile] = {} as Record<Family, TiersDecision[]>;
  tiersSeconds[profile] = {} as Record<Family, number>;
  for (const [name, key] of FAMILIES) {
    const run = runTiers(documents, key, profile);
    tiers[profile][name] = run.decisions;
    tiersSeconds[profile][name] = run.seconds;
  }
}

// datatrove on the same documents.
const reference = runReference(documents, tiers[MEASURED_PROFILE]);

// Report.
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}, one thread per side`);
console.log(`${documents.length} documents (en ${groupSizes.en}, zh ${groupSizes.zh}, other ${groupSizes.other})`);
for (const [file, count] of perFile) console.log(`- ${file}: ${count}`);
if (reference === null) {
  console.log(JSON.stringify({ agreement: null, documents: documents.length, reference: null }));
  process.exit(0);
}
console.log(`datatrove language keys: ${JSON.stringify(reference.languages)}`);
console.log('');

const comparisons = Object.fromEntries(HEURISTIC_PROFILES.map((profile) => [profile, compare(tiers[profile], reference)])) as Record<
  HeuristicProfile,
  Comparison
>;
const measured = comparisons[MEASURED_PROFILE];
const languageAware = comparisons[DEFAULT_PROFILE];
console.log(
  '| family | all, datatrove profile | all, language-aware profile | en | zh, datatrove profile | other, datatrove profile | zh, language-aware | other, language-aware | kept en, tiers | kept en, datatrove | tiers s (datatrove profile) | datatrove s |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const [family] of FAMILIES) {
  const a = measured.agreement[family];
  const d = languageAware.agreement[family];
  const cells = [
    family,
    percent(a.all),
    percent(d.all),
    percent(a.en),
    percent(a.zh),
    percent(a.other),
    percent(d.zh),
    percent(d.other),
    percent(measured.keptEnglish[family].tiers),
    percent(measured.keptEnglish[family].datatrove),
    tiersSeconds[MEASURED_PROFILE][family].toFixed(2),
    reference.seconds[family].toFixed(1),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
console.log('');
for (const profile of [MEASURED_PROFILE, DEFAULT_PROFILE]) printClasses(profile, comparisons[profile], reference);

const perFamily = (pick: (family: Family) => number | null) => Object.fromEntries(FAMILIES.map(([family]) => [family, pick(family)]));
const classCounts = (comparison: Comparison) => Object.fromEntries(comparison.classes.map(([key, entry]) => [key, entry.count]));
console.log(
  JSON.stringify({
    agreement: perFamily((family) => measured.agreement[family].all),
    agreement_default_profile: perFamily((family) => languageAware.agreement[family].all),
    agreement_en: perFamily((family) => measured.agreement[family].en),
    agreement_en_default_profile: perFamily((family) => languageAware.agreement[family].en),
    documents: documents.length,
    documents_en: groupSizes.en,
    disagreements: classCounts(measured),
    disagreements_default_profile: classCounts(languageAware),
    reference: 'datatrove 0.10.1',
  }),
);
