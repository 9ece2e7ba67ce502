import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { resolve } from 'node:path';
import { sharedData } from './cli.js';

/** Files whose documents are split into one record per non-empty line. */
const SOURCES = [
  'web_en/c4_demo.jsonl',
  'web_en/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz',
  'web_en/cc_en_head-0091.jsonl',
  'web_zh/cleared1.jsonl',
  'math/arxiv.jsonl',
  'code/stack_exchange.jsonl',
  'math/gsm8k.jsonl',
];

async function readText(path: string): Promise<string> {
  const stream = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Writes a JSON-lines corpus of at least `minRecords` real records: every non-empty line of
 * the documents in ../shared/data (web pages in English and Chinese, arXiv LaTeX, Stack
 * Exchange threads, GSM8K questions and answers) becomes one record with a stable id. Real
 * pages repeat lines (navigation, boilerplate), so the corpus holds many exact and near
 * duplicates for the dedup operators. Returns the number of records.
 */
export async function writeLineCorpus(path: string, minRecords: number): Promise<number> {
  const lines: string[] = [];
  for (const source of SOURCES) {
    const text = await readText(resolve(sharedData, source));
    // Split JSON lines on \n only: some texts hold U+2028, which must stay inside its record.
    for (const row of text.split('\n')) {
      if (row.length === 0) continue;
      const doc = JSON.parse(row) as Record<string, unknown>;
      const bodies = [doc.text, doc.raw_content, doc.question, doc.answer].filter((v): v is string => typeof v === 'string');
      for (const body of bodies) {
        for (const line of body.split('\n')) {
          if (line.trim().length === 0) continue;
          lines.push(JSON.stringify({ id: `line-${lines.length}`, text: line }));
        }
      }
    }
  }
  if (lines.length < minRecords) throw new Error(`the shared data gave ${lines.length} line records, fewer than ${minRecords}`);
  await writeFile(path, `${lines.join('\n')}\n`);
  return lines.length;
}
