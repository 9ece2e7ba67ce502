import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ERROR_LEVEL, readAll, itemOfKind } from './testing.js';
import { parseWarc } from './warc-parser.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tiers-wet-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Builds one WARC/1.0 record with CRLF line ends; Content-Length is computed unless given. */
function warcRecord(headers: Record<string, string>, body: Buffer | string, contentLength?: number): Buffer {
  const block = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = ['WARC/1.0', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  lines.push(`Content-Length: ${contentLength ?? block.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), block, Buffer.from('\r\n\r\n')]);
}

function warcinfo(isPartOf: string | null, fileName = 'CC-MAIN-20231128063133-20231128093133-00000.warc.wet.gz'): Buffer {
  const fields = ['Software-Info: test', ...(isPartOf ? [`isPartOf: ${isPartOf}`] : []), 'publisher: Common Crawl'];
  return warcRecord(
    { 'WARC-Type': 'warcinfo', 'WARC-Date': '2023-12-01T00:00:00Z', 'WARC-Filename': fileName },
    fields.join('\r\n') + '\r\n',
  );
}

function conversion(n: number, body: Buffer | string, language = 'eng'): Buffer {
  return warcRecord(
    {
      'WARC-Type': 'conversion',
      'WARC-Target-URI': `https://example.com/page-${n}`,
      'WARC-Date': `2023-11-28T06:0${n}:00Z`,
      'WARC-Record-ID': `<urn:uuid:00000000-0000-0000-0000-00000000000${n}>`,
      'WARC-Identified-Content-Language': language,
      'Content-Type': 'text/plain',
    },
    body,
  );
}

describe('WET reader', () => {
  test('records from gzip members, one per record', async () => {
    const path = join(dir, 'sample.warc.wet.gz');
    const records = [
      warcinfo('CC-MAIN-2023-50'),
      conversion(1, 'First page text.\nSecond line.', 'eng,fra'),
      conversion(2, 'Zweite Seite.', 'deu'),
      conversion(3, 'Page in Cebuano.', 'ceb'),
    ];
    await writeFile(path, Buffer.concat(records.map((record) => gzipSync(record))));

    const { records: read, stats } = await readAll([path]);
    expect(stats).toMatchObject({ files: 1, filesFailed: 0, records: 3, items: 3 });
    expect(read.map((record) => record.id)).toEqual([
      'urn:uuid:00000000-0000-0000-0000-000000000001',
      'urn:uuid:00000000-0000-0000-0000-000000000002',
      'urn:uuid:00000000-0000-0000-0000-000000000003',
    ]);
    expect(read.map((record) => record.lang)).toEqual(['en', 'de', 'ceb']);
    expect(read[0]?.text).toBe('First page text.\nSecond line.');
    expect(read[0]?.source).toEqual({
      uri: 'https://example.com/page-1',
      dataset: 'CC-MAIN-2023-50',
      dump: 'CC-MAIN-2023-50',
      fetchTime: '2023-11-28T06:01:00Z',
      license: null,
    });
    expect(read[0]?.meta['WARC-Identified-Content-Language']).toBe('eng,fra');
  });

  test('dump falls back to the file path', async () => {
    const folder = join(dir, 'crawl-data', 'CC-MAIN-2022-05', 'wet');
    await mkdir(folder, { recursive: true });
    const path = join(folder, 'part.wet');
    await writeFile(path, Buffer.concat([warcinfo(null), conversion(1, 'text')]));
    const { records } = await readAll([path], { dataset: 'chosen' });
    expect(records[0]?.source.dump).toBe('CC-MAIN-2022-05');
    expect(records[0]?.source.dataset).toBe('chosen');
  });

  test('empty, invalid UTF-8 and oversized bodies', async () => {
    const path = join(dir, 'bad.wet');
    const big = 'z'.repeat(3000);
    await writeFile(
      path,
      Buffer.concat([
        warcinfo('CC-MAIN-2023-50'),
        conversion(1, ''),
        conversion(2, Buffer.from([0x61, 0xff, 0x62])),
        conversion(3, big),
        conversion(4, 'kept'),
      ]),
    );
    const { items } = await readAll([path], { maxTextBytes: 1000 });
    expect(items.map((item) => item.kind)).toEqual(['reject', 'dead', 'reject', 'record']);

    const empty = items[0];
    expect(itemOfKind(empty, 'reject').rule).toBe('ingest_empty_text');

    const invalid = items[1];
    expect(itemOfKind(invalid, 'dead').letter.position).toBe('record 3');
    expect(itemOfKind(invalid, 'dead').letter.error).toContain('is not valid UTF-8');

    const large = items[2];
    expect(itemOfKind(large, 'reject').rule).toBe('ingest_text_too_large');
    expect(itemOfKind(large, 'reject').value).toBe(3000);
    expect(itemOfKind(large, 'reject').record.meta.text_truncated_from_bytes).toBe(3000);
  });

  test('file cut inside a record keeps earlier records', async () => {
    const path = join(dir, 'cut.wet');
    const whole = Buffer.concat([warcinfo('CC-MAIN-2023-50'), conversion(1, 'complete'), conversion(2, 'x'.repeat(500))]);
    await writeFile(path, whole.subarray(0, whole.length - 300));

    const { items, stats, logs } = await readAll([path]);
    expect(items.map((item) => item.kind)).toEqual(['record', 'dead']);
    expect(stats.filesFailed).toBe(1);
    const dead = items[1];
    expect(itemOfKind(dead, 'dead').letter.error).toContain('WARC record 3');
    const error = logs.find((entry) => entry.level === ERROR_LEVEL);
    expect(error?.msg).toContain(`${path}: WARC record 3`);
    expect(error?.msg).toContain('truncated');
  });

  test('malformed header is skipped to the next record', async () => {
    const path = join(dir, 'malformed.wet');
    const broken = Buffer.from('WARC/1.0\r\nWARC-Type: conversion\r\n\r\nbody without a length\r\n\r\n');
    await writeFile(path, Buffer.concat([warcinfo('CC-MAIN-2023-50'), broken, conversion(1, 'after the broken one')]));

    const { items, stats } = await readAll([path]);
    expect(items.map((item) => item.kind)).toEqual(['dead', 'record']);
    const dead = items[0];
    expect(itemOfKind(dead, 'dead').letter.error).toContain('no Content-Length');
    expect(itemOfKind(dead, 'dead').letter.position).toBe('record 2');
    expect(stats.filesFailed).toBe(0);
  });

  test('non-WET records are skipped with a warning', async () => {
    const path = join(dir, 'mixed.wet');
    const response = warcRecord({ 'WARC-Type': 'response', 'Content-Type': 'application/http' }, 'HTTP/1.1 200 OK\r\n\r\n<p>x</p>');
    await writeFile(path, Buffer.concat([warcinfo('CC-MAIN-2023-50'), response, conversion(1, 'text')]));
    const { records, logs } = await readAll([path]);
    expect(records).toHaveLength(1);
    const warning = logs.find((entry) => entry.level === 40);
    expect(warning?.recordTypes).toEqual({ response: 1 });
  });

  test('parser handles records split across tiny chunks', async () => {
    const bytes = Buffer.concat([warcinfo('CC-MAIN-2023-50'), conversion(1, 'chunked body text'), conversion(2, 'second')]);
    async function* tinyChunks(): AsyncGenerator<Buffer> {
      for (let start = 0; start < bytes.length; start += 3) yield bytes.subarray(start, start + 3);
    }
    const bodies: string[] = [];
    for await (const event of parseWarc(tinyChunks(), 'memory', (_headers, length) => length)) {
      if (event.kind === 'record') bodies.push(event.body.toString());
    }
    expect(bodies.slice(1)).toEqual(['chunked body text', 'second']);
  });

  test('LF-only headers are accepted', async () => {
    const path = join(dir, 'lf.wet');
    const record = 'WARC/1.0\nWARC-Type: conversion\nWARC-Record-ID: <urn:uuid:lf>\nContent-Length: 5\n\nhello\n\n';
    await writeFile(path, record);
    const { records } = await readAll([path]);
    expect(records[0]?.id).toBe('urn:uuid:lf');
    expect(records[0]?.text).toBe('hello');
  });
});
