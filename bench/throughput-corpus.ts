/**
 * The document set of the throughput benchmarks: every record that the engine's InputReader
 * reads, with its default text fields, from the JSON-lines and WET files under the web_en,
 * web_zh, math and code folders of the data directory. WARC files are left out: their HTML
 * pages are few, and `npm run bench:extract` measures extraction. Files whose lines have no `text`, `raw_content` or
 * `content` field (GSM8K, HumanEval) give only rejects and so no documents.
 */
import { createWriteStream, readdirSync } from 'node:fs';
import { once } from 'node:events';
import { join, relative } from 'node:path';
import { pino } from 'pino';
import type { TierRecord } from '../src/core/record.js';
import { InputReader } from '../src/io/read-inputs.js';

export const CORPUS_FOLDERS = ['web_en', 'web_zh', 'math', 'code'] as const;
const CORPUS_FILE = /\.(jsonl(\.gz|\.zst)?|wet(\.gz)?)$/;

/** Dataset name of every corpus record, so that both dedup steps compare all documents with each other. */
export const CORPUS_DATASET = 'throughput-bench';

export interface Corpus {
  /** Files that gave at least one record, relative to the data directory, with their record counts. */
  files: [string, number][];
  records: TierRecord[];
  /** UTF-8 bytes of all texts. */
  textBytes: number;
}

export function findCorpusFiles(dataDir: string): string[] {
  const files: string[] = [];
  for (const folder of CORPUS_FOLDERS) {
    const dir = join(dataDir, folder);
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isFile() && CORPUS_FILE.test(entry.name)) files.push(join(dir, entry.name));
    }
  }
  return files;
}

export async function loadCorpus(dataDir: string): Promise<Corpus> {
  const files: [string, number][] = [];
  const records: TierRecord[] = [];
  let textBytes = 0;
  for (const file of findCorpusFiles(dataDir)) {
    const reader = new InputReader([file], { dataset: CORPUS_DATASET }, pino({ level: 'silent' }));
    let count = 0;
    for await (const item of reader.items()) {
      if (item.kind !== 'record') continue;
      records.push(item.record);
      textBytes += Buffer.byteLength(item.record.text);
      count++;
    }
    if (count > 0) files.push([relative(dataDir, file), count]);
  }
  return { files, records, textBytes };
}

/**
 * Writes the corpus as one JSON-lines file of `{"id", "text"}` objects, the input that both
 * sides of a whole-pipeline run read from disk.
 */
export async function writeCorpusJsonl(records: TierRecord[], path: string): Promise<void> {
  const out = createWriteStream(path);
  for (const record of records) {
    if (!out.write(JSON.stringify({ id: record.id, text: record.text }) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Copies records so that an operator run cannot change the corpus that later runs see. */
export function cloneRecords(records: TierRecord[]): TierRecord[] {
  return records.map((r) => ({ ...r, source: { ...r.source }, signals: {}, lineage: [] }));
}
