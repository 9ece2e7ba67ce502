import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { createHtmlExtract } from '../operators/html-extract/index.js';
import { readAll } from './testing.js';

const dataDir = resolve(packageRoot(), '../shared/data/web_en');
const hasData = existsSync(dataDir);
if (!hasData) console.warn(`Skipping real-data WARC tests: ${dataDir} does not exist.`);

const wgetWarc = join(dataDir, 'sample-0000.warc.gz');
const ccWarc = join(dataDir, 'whirlwind.warc.gz');
const ccWet = join(dataDir, 'whirlwind.warc.wet.gz');
const ctx = { log: pino({ level: 'silent' }) };

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

describe.skipIf(!hasData)('real WARC files (from ../shared/data)', () => {
  test('wget WARC has 22 HTML pages', async () => {
    const { records, stats, logs } = await readAll([wgetWarc]);
    expect(stats).toMatchObject({ files: 1, filesFailed: 0, items: 22, records: 22, rejects: 0, dead: 0 });
    const skipped = logs.find((entry) => entry.msg === 'skipped WARC records that hold no document');
    expect(skipped?.skippedRecords).toEqual({ warcinfo: 1, request: 22, metadata: 1, resource: 2 });
    expect(records[0]?.source.uri).toBe('https://www.semanticscholar.org/research/research-team');
    expect(records.every((record) => record.meta.content_format === 'html')).toBe(true);
    // Two responses use chunked transfer encoding; a chunk-size line left in would come before the markup.
    expect(records.filter((record) => record.text.trimStart().startsWith('<'))).toHaveLength(22);
  });

  test('every wget page yields text', async () => {
    const { records } = await readAll([wgetWarc]);
    const operator = createHtmlExtract({});
    const outcomes = await Promise.all(records.map((record) => operator.process(record, ctx)));
    expect(outcomes.map((outcome) => outcome[0]?.kind)).toEqual(Array(22).fill('promote'));
    expect(records.every((record) => !record.text.includes('<div'))).toBe(true);
  });

  test('whirlwind text matches its WET', async () => {
    const warc = await readAll([ccWarc]);
    const wet = await readAll([ccWet]);
    expect(warc.stats).toMatchObject({ records: 1, rejects: 0, dead: 0 });
    const page = warc.records[0]!;
    expect(page.id).toBe('urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6');
    expect(wet.records[0]?.meta['WARC-Refers-To']).toBe(`<${page.id}>`);
    expect(page.source).toMatchObject({ uri: 'https://an.wikipedia.org/wiki/Escopete', dump: 'CC-MAIN-2024-22' });

    const [outcome] = await createHtmlExtract({}).process(page, ctx);
    expect(outcome?.kind).toBe('promote');
    const extracted = words(page.text);
    const reference = words(wet.records[0]!.text);
    const shared = [...extracted].filter((word) => reference.has(word)).length;
    // The WET text is the whole page, with the language menu, the navigation and the infobox,
    // so nearly all extracted words are in it, but it has many words that extraction drops.
    expect(shared / extracted.size).toBeGreaterThan(0.9);
    expect(shared / reference.size).toBeGreaterThan(0.25);
  });
});
