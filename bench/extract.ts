/**
 * Agreement and speed of the html-extract operator against trafilatura.
 *
 * Input: every HTML `response` record in the WARC files (`.warc`, `.warc.gz`) under DATA_DIR,
 * read by the engine's InputReader. The shared data set has 23 such pages (22 in a wget WARC,
 * 1 in a Common Crawl WARC), so the figures describe a small sample.
 *
 * tiers: extractMainText with default options. Reference: trafilatura 1.11.0 `extract(html)`
 * with default options, and resiliparse 2.0.0 `extract_plain_text(html, main_content=True)` as
 * a second extractor, so that the tiers–trafilatura agreement can be read against the agreement
 * of two established extractors (bench/extract_reference.py). The venv is .cache/bench-venv.
 *
 * Agreement is word-level F1 between bags of lower-cased words (runs of letters and digits),
 * averaged over pages; two empty texts agree fully. Speed is measured on one core: tiers in
 * this process and trafilatura in one Python process, each over PASSES passes of all pages,
 * with MB/s counting the HTML as UTF-8.
 *
 * Run with `npm run bench:extract [-- DATA_DIR]` (default ../shared/data). Markdown goes to
 * stdout, and the last line is one JSON object with the main numbers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { InputReader } from '../src/io/read-inputs.js';
import { extractMainText, parseHtmlExtractConfig } from '../src/operators/html-extract/index.js';
import { ensureReferenceVenv, referencePython } from './reference-venv.js';

const dataDir = resolve(process.argv[2] ?? '../shared/data');
const repoRoot = resolve(import.meta.dirname, '../..');
const referenceScript = join(repoRoot, 'bench/extract_reference.py');
const REFERENCE_PACKAGES = ['trafilatura==1.11.0', 'lxml-html-clean==0.4.6', 'resiliparse==2.0.0'];
const PASSES = 5;

interface Page {
  id: string;
  uri: string;
  html: string;
}

function findWarcFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findWarcFiles(path));
    else if (/\.warc(\.gz)?$/i.test(entry.name)) found.push(path);
  }
  return found;
}

async function readPages(files: string[]): Promise<Page[]> {
  const reader = new InputReader(files, {}, pino({ level: 'warn' }));
  const pages: Page[] = [];
  for await (const item of reader.items()) {
    if (item.kind !== 'record') continue;
    pages.push({ id: item.record.id, uri: item.record.source.uri ?? '', html: item.record.text });
  }
  return pages;
}

function wordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** Word-level F1 of two texts as bags of words; 1 when both are empty. */
function wordF1(a: string, b: string): number {
  const left = wordCounts(a);
  const right = wordCounts(b);
  const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);
  const [leftTotal, rightTotal] = [total(left), total(right)];
  if (leftTotal === 0 && rightTotal === 0) return 1;
  let overlap = 0;
  for (const [word, n] of left) overlap += Math.min(n, right.get(word) ?? 0);
  if (overlap === 0) return 0;
  const precision = overlap / leftTotal;
  const recall = overlap / rightTotal;
  return (2 * precision * recall) / (precision + recall);
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}

function timeTiers(pages: Page[]): { texts: string[]; seconds: number } {
  const config = parseHtmlExtractConfig({});
  const texts = pages.map((page) => extractMainText(page.html, config).text);
  const start = performance.now();
  for (let pass = 0; pass < PASSES; pass++) for (const page of pages) extractMainText(page.html, config);
  return { texts, seconds: (performance.now() - start) / 1000 };
}

interface ReferenceOutput {
  texts: Record<string, { trafilatura: string; resiliparse: string }>;
  trafilatura_seconds: number;
}

function runReference(pages: Page[]): ReferenceOutput | null {
  if (!ensureReferenceVenv(REFERENCE_PACKAGES)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'tiers-bench-extract-'));
  try {
    const input = join(dir, 'pages.jsonl');
    writeFileSync(input, pages.map((page) => JSON.stringify({ id: page.id, html: page.html })).join('\n') + '\n');
    const run = spawnSync(referencePython, [referenceScript, input, String(PASSES)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (run.status !== 0) {
      console.error(`reference skipped: ${referenceScript} failed: ${run.stderr}`);
      return null;
    }
    return JSON.parse(run.stdout) as ReferenceOutput;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

async function main(): Promise<void> {
  const files = findWarcFiles(dataDir);
  const pages = await readPages(files);
  if (pages.length === 0) throw new Error(`no HTML pages found in WARC files under ${dataDir}`);
  const htmlMb = pages.reduce((sum, page) => sum + Buffer.byteLength(page.html, 'utf8'), 0) / 1e6;

  const tiers = timeTiers(pages);
  const reference = runReference(pages);
  if (reference === null) throw new Error('the reference extractors could not run; see the message above');

  const trafilatura = pages.map((page) => reference.texts[page.id]?.trafilatura ?? '');
  const resiliparse = pages.map((page) => reference.texts[page.id]?.resiliparse ?? '');
  const f1Tiers = pages.map((_, i) => wordF1(tiers.texts[i] ?? '', trafilatura[i] ?? ''));
  const f1Baseline = pages.map((_, i) => wordF1(trafilatura[i] ?? '', resiliparse[i] ?? ''));
  const f1TiersResiliparse = pages.map((_, i) => wordF1(tiers.texts[i] ?? '', resiliparse[i] ?? ''));
  const emptyShare = (texts: string[]) => texts.filter((text) => text.trim() === '').length / texts.length;
  const rate = (seconds: number) => ({ pagesPerSecond: (pages.length * PASSES) / seconds, mbPerSecond: (htmlMb * PASSES) / seconds });
  const tiersRate = rate(tiers.seconds);
  const trafilaturaRate = rate(reference.trafilatura_seconds);

  console.log(`# HTML extraction against trafilatura\n`);
  console.log(`${pages.length} HTML pages (${htmlMb.toFixed(2)} MB) from ${files.length} WARC files under ${dataDir}; ${PASSES} timed passes.\n`);
  console.log('| page | tiers chars | trafilatura chars | resiliparse chars | F1 tiers–trafilatura | F1 trafilatura–resiliparse |');
  console.log('|---|---|---|---|---|---|');
  pages.forEach((page, i) => {
    const cells = [page.uri, tiers.texts[i]?.length, trafilatura[i]?.length, resiliparse[i]?.length, f1Tiers[i]?.toFixed(3), f1Baseline[i]?.toFixed(3)];
    console.log(`| ${cells.join(' | ')} |`);
  });
  console.log('\n| measure | html-extract | trafilatura 1.11.0 | resiliparse 2.0.0 |');
  console.log('|---|---|---|---|');
  console.log(`| mean word F1 vs trafilatura | ${mean(f1Tiers).toFixed(3)} | 1 | ${mean(f1Baseline).toFixed(3)} |`);
  console.log(`| mean word F1 vs resiliparse | ${mean(f1TiersResiliparse).toFixed(3)} | ${mean(f1Baseline).toFixed(3)} | 1 |`);
  console.log(`| pages with no text | ${(100 * emptyShare(tiers.texts)).toFixed(1)}% | ${(100 * emptyShare(trafilatura)).toFixed(1)}% | ${(100 * emptyShare(resiliparse)).toFixed(1)}% |`);
  console.log(`| pages/s (one core) | ${tiersRate.pagesPerSecond.toFixed(1)} | ${trafilaturaRate.pagesPerSecond.toFixed(1)} | not timed |`);
  console.log(`| MB/s of HTML (one core) | ${tiersRate.mbPerSecond.toFixed(2)} | ${trafilaturaRate.mbPerSecond.toFixed(2)} | not timed |\n`);

  console.log(
    JSON.stringify({
      pages: pages.length,
      html_mb: round(htmlMb),
      f1_vs_trafilatura: round(mean(f1Tiers)),
      trafilatura_vs_resiliparse: round(mean(f1Baseline)),
      f1_vs_resiliparse: round(mean(f1TiersResiliparse)),
      empty_share: { tiers: round(emptyShare(tiers.texts)), trafilatura: round(emptyShare(trafilatura)), resiliparse: round(emptyShare(resiliparse)) },
      pages_per_second: { tiers: round(tiersRate.pagesPerSecond, 1), trafilatura: round(trafilaturaRate.pagesPerSecond, 1) },
      mb_per_second: { tiers: round(tiersRate.mbPerSecond, 2), trafilatura: round(trafilaturaRate.mbPerSecond, 2) },
    }),
  );
}

await main();
