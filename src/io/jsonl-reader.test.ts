import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReadItem } from './read-inputs.js';
import { ERROR_LEVEL, readAll } from './testing.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tiers-jsonl-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectedHashId(...parts: string[]): string {
  return createHash('sha256').update(parts.join(':')).digest('hex').slice(0, 32);
}

function line(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value) + '\n');
}

function rejectOf(item: ReadItem | undefined): Extract<ReadItem, { kind: 'reject' }> {
  expect(item?.kind).toBe('reject');
  return item as Extract<ReadItem, { kind: 'reject' }>;
}

function deadOf(item: ReadItem | undefined): Extract<ReadItem, { kind: 'dead' }> {
  expect(item?.kind).toBe('dead');
  return item as Extract<ReadItem, { kind: 'dead' }>;
}

describe('JSON lines with bad lines', () => {
  const MIB = 1024 * 1024;
  const hugeText = 'x'.repeat(20 * 1000 * 1000);
  const largeText = 'é'.repeat(2.5 * MIB); // 5 MiB of UTF-8, above the 4 MiB default
  let path: string;
  let items: ReadItem[];

  beforeAll(async () => {
    path = join(dir, 'bad-lines.jsonl');
    const lines = [
      Buffer.from('{"text": "not closed"\n'), // 1: invalid JSON
      line({ title: 'no text here' }), // 2: missing text
      line({ text: 42 }), // 3: number text
      line({ text: '' }), // 4: empty text
      line({ text: ' \t\u3000 ' }), // 5: whitespace only
      Buffer.concat([Buffer.from('{"text": "caf'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}\n')]), // 6: invalid UTF-8
      Buffer.from('{"text": "nul\u0000byte"}\n'), // 7: raw NUL inside a JSON string
      line({ text: hugeText }), // 8: longer than the default line limit (17 MiB)
      line({ text: largeText, url: 'https://example.com/large' }), // 9: text above maxTextBytes
      line([1, 2, 3]), // 10: not an object
      Buffer.from('   \n'), // 11: blank line, skipped
      line({ text: { nested: true } }), // 12: object text
      line({ text: 'The good record at the end.', source: 'fixture' }), // 13
    ];
    await writeFile(path, Buffer.concat(lines));
    items = (await readAll([path])).items;
  }, 60_000);

  test('yields one item per non-blank line', () => {
    expect(items.map((item) => item.kind)).toEqual([
      'dead', 'reject', 'reject', 'reject', 'reject', 'dead', 'dead', 'dead', 'reject', 'reject', 'reject', 'record',
    ]);
  });

  test('invalid JSON goes to the DLQ with the raw line', () => {
    const { letter } = deadOf(items[0]);
    expect(letter.origin).toBe(path);
    expect(letter.position).toBe('line 1');
    expect(letter.payload.toString()).toBe('{"text": "not closed"');
    expect(letter.error).toContain(`${path} line 1 is not valid JSON`);
    expect(letter.stage).toBe('ingest');
  });

  test('missing text field is rejected', () => {
    const item = rejectOf(items[1]);
    expect(item.rule).toBe('ingest_missing_text');
    expect(item.reason).toContain(`${path} line 2`);
    expect(item.reason).toContain('text, raw_content, content');
    expect(item.record.text).toBe('');
    expect(item.record.meta).toEqual({ title: 'no text here' });
  });

  test('number text is rejected as not a string', () => {
    const item = rejectOf(items[2]);
    expect(item.rule).toBe('ingest_text_not_string');
    expect(item.value).toBe('number');
    expect(item.record.meta).toEqual({ text: 42 });
  });

  test('empty and whitespace text are rejected', () => {
    expect(rejectOf(items[3]).rule).toBe('ingest_empty_text');
    expect(rejectOf(items[4]).rule).toBe('ingest_empty_text');
    expect(rejectOf(items[4]).reason).toContain('line 5');
  });

  test('invalid UTF-8 goes to the DLQ', () => {
    const { letter } = deadOf(items[5]);
    expect(letter.position).toBe('line 6');
    expect(letter.error).toContain('not valid UTF-8');
    expect(letter.payload.includes(Buffer.from([0xc3, 0x28, 0xff]))).toBe(true);
  });

  test('raw NUL byte goes to the DLQ', () => {
    const { letter } = deadOf(items[6]);
    expect(letter.position).toBe('line 7');
    expect(letter.error).toContain('not valid JSON');
  });

  test('line above the line limit goes to the DLQ as a prefix', () => {
    const { letter } = deadOf(items[7]);
    expect(letter.position).toBe('line 8');
    expect(letter.error).toContain(`${hugeText.length + 11} bytes long`);
    expect(letter.payload.length).toBe(64 * 1024);
    expect(letter.payload.subarray(0, 10).toString()).toBe('{"text":"x');
  });

  test('text above maxTextBytes is rejected and truncated', () => {
    const item = rejectOf(items[8]);
    expect(item.rule).toBe('ingest_text_too_large');
    expect(item.value).toBe(5 * MIB);
    expect(Buffer.byteLength(item.record.text)).toBeLessThanOrEqual(64 * 1024);
    expect(item.record.text.length).toBe(32 * 1024);
    expect(item.record.meta.text_truncated_from_bytes).toBe(5 * MIB);
    expect(item.record.source.uri).toBe('https://example.com/large');
  });

  test('JSON array is rejected as missing text', () => {
    const item = rejectOf(items[9]);
    expect(item.rule).toBe('ingest_missing_text');
    expect(item.reason).toContain('array');
    expect(item.record.meta).toEqual({ value: [1, 2, 3] });
  });

  test('object text is rejected as not a string', () => {
    const item = rejectOf(items[10]);
    expect(item.rule).toBe('ingest_text_not_string');
    expect(item.value).toBe('object');
  });

  test('good line after bad ones comes through', () => {
    const last = items[11];
    expect(last?.kind).toBe('record');
    if (last?.kind !== 'record') return;
    expect(last.record.text).toBe('The good record at the end.');
    expect(last.record.id).toBe(expectedHashId('bad-lines.jsonl', '13', 'The good record at the end.'));
    expect(last.record.source.dataset).toBe('fixture');
    expect(last.record.meta).toEqual({ source: 'fixture' });
  });
});

describe('JSON lines fields', () => {
  test('own id, number id and hash id', async () => {
    const path = join(dir, 'ids.jsonl');
    await writeFile(path, Buffer.concat([line({ id: 'doc-1', text: 'a' }), line({ id: 7, text: 'b' }), line({ id: '', text: 'c' })]));
    const { records } = await readAll([path]);
    expect(records.map((record) => record.id)).toEqual(['doc-1', '7', expectedHashId('ids.jsonl', '3', 'c')]);
  });

  test('hash id ignores the directory', async () => {
    const content = line({ text: 'same text' });
    await mkdir(join(dir, 'one'), { recursive: true });
    await mkdir(join(dir, 'two', 'deeper'), { recursive: true });
    await writeFile(join(dir, 'one', 'same.jsonl'), content);
    await writeFile(join(dir, 'two', 'deeper', 'same.jsonl'), content);
    const first = await readAll([join(dir, 'one', 'same.jsonl')]);
    const second = await readAll([join(dir, 'two', 'deeper', 'same.jsonl')]);
    expect(first.records[0]?.id).toBe(second.records[0]?.id);
  });

  test('source fields from Dolma metadata', async () => {
    const path = join(dir, 'dolma.jsonl');
    await writeFile(
      path,
      line({
        id: 'x1',
        text: 'body',
        source: 'common-crawl',
        created: '2020-03-29T09:04:10Z',
        metadata: {
          url: 'example.org/page',
          warc_url: 'http://example.org/page',
          cc_segment: 'crawl-data/CC-MAIN-2020-16/segments/1/wet/CC-MAIN-20200329074745-00210.warc.wet.gz',
          language: 'en',
          license: 'cc-by-sa',
        },
      }),
    );
    const record = (await readAll([path])).records[0];
    expect(record?.source).toEqual({
      uri: 'http://example.org/page',
      dataset: 'common-crawl',
      dump: 'CC-MAIN-2020-16',
      fetchTime: '2020-03-29T09:04:10Z',
      license: 'cc-by-sa',
    });
    expect(record?.lang).toBe('en');
  });

  test('options set dataset, domain and text field', async () => {
    const path = join(dir, 'options.ndjson');
    await writeFile(path, line({ body: 'from body', text: 'ignored' }));
    const { records } = await readAll([path], { dataset: 'mine', domain: 'math', textFields: ['body'] });
    expect(records[0]?.text).toBe('from body');
    expect(records[0]?.source.dataset).toBe('mine');
    expect(records[0]?.domain).toBe('math');
    expect(records[0]?.meta).toEqual({ text: 'ignored' });
  });

  test('null text falls through to the next field', async () => {
    const path = join(dir, 'null-text.json');
    await writeFile(path, line({ text: null, raw_content: 'cc_net text' }));
    const { records } = await readAll([path]);
    expect(records[0]?.text).toBe('cc_net text');
    expect(records[0]?.source.dataset).toBe('null-text');
  });

  test('CRLF lines, blank lines and no final newline', async () => {
    const path = join(dir, 'crlf.jsonl');
    await writeFile(path, '\r\n{"text":"one"}\r\n\r\n\t\r\n{"text":"two"}');
    const { items, records } = await readAll([path]);
    expect(items).toHaveLength(2);
    expect(records.map((record) => record.text)).toEqual(['one', 'two']);
    expect(records[0]?.id).toBe(expectedHashId('crlf.jsonl', '2', 'one'));
  });

  test('maxLineBytes sends long lines to the DLQ', async () => {
    const path = join(dir, 'long-line.jsonl');
    await writeFile(path, Buffer.concat([line({ text: 'y'.repeat(5000) }), line({ text: 'short' })]));
    const { items } = await readAll([path], { maxLineBytes: 1000 });
    const { letter } = deadOf(items[0]);
    expect(letter.error).toContain('more than the maximum line length of 1000 bytes');
    expect(items[1]?.kind).toBe('record');
  });

  test('invalid options throw', async () => {
    await expect(readAll(['x.jsonl'], { maxTextBytes: -1 })).rejects.toThrow(/maxTextBytes/);
  });

  test('unknown file type fails and the run goes on', async () => {
    const notes = join(dir, 'notes.txt');
    const good = join(dir, 'after.jsonl');
    await writeFile(notes, 'plain text');
    await writeFile(good, line({ text: 'still read' }));
    const result = await readAll([notes, join(dir, 'missing.jsonl'), good]);
    expect(result.records.map((record) => record.text)).toEqual(['still read']);
    expect(result.stats).toMatchObject({ files: 3, filesFailed: 2, records: 1 });
    const errors = result.logs.filter((entry) => entry.level === ERROR_LEVEL).map((entry) => entry.msg);
    expect(errors[0]).toContain(`${notes} has an unsupported file type; supported formats are JSON lines`);
    expect(errors[1]).toBe(`input ${join(dir, 'missing.jsonl')} does not exist`);
  });
});
