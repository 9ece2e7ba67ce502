import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ERROR_LEVEL, itemOfKind, readAll } from './testing.js';
import { charsetFromMetaTag, decodeHtml } from './warc-charset.js';
import { decodeChunked, decodeContentEncoding } from './warc-http.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tiers-warc-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Builds one WARC/1.0 record with CRLF line ends; Content-Length is computed unless given. */
function warcRecord(headers: Record<string, string>, block: Buffer, contentLength?: number): Buffer {
  const lines = ['WARC/1.0', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  lines.push(`Content-Length: ${contentLength ?? block.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), block, Buffer.from('\r\n\r\n')]);
}

function httpResponse(status: string, headers: Record<string, string>, body: Buffer | string): Buffer {
  const head = [`HTTP/1.1 ${status}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\r\n');
  return Buffer.concat([Buffer.from(head + '\r\n\r\n', 'latin1'), typeof body === 'string' ? Buffer.from(body) : body]);
}

function response(n: number, http: Buffer, extra: Record<string, string> = {}): Buffer {
  return warcRecord(
    {
      'WARC-Type': 'response',
      'WARC-Target-URI': `https://example.com/page-${n}`,
      'WARC-Date': '2024-05-18T01:58:10Z',
      'WARC-Record-ID': `<urn:uuid:00000000-0000-0000-0000-00000000000${n}>`,
      'Content-Type': 'application/http; msgtype=response',
      ...extra,
    },
    http,
  );
}

function request(n: number): Buffer {
  const http = Buffer.from(`GET /page-${n} HTTP/1.1\r\nHost: example.com\r\n\r\n`);
  return warcRecord({ 'WARC-Type': 'request', 'WARC-Target-URI': `https://example.com/page-${n}`, 'Content-Type': 'application/http; msgtype=request' }, http);
}

function page(body: string, head = ''): Buffer {
  return Buffer.from(`<!DOCTYPE html><html><head>${head}<title>T</title></head><body>${body}</body></html>`);
}

/** Wraps bytes in the chunked transfer encoding, cut into pieces of `size` bytes. */
function chunked(body: Buffer, size: number, final = true): Buffer {
  const parts: Buffer[] = [];
  for (let start = 0; start < body.length; start += size) {
    const piece = body.subarray(start, start + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  if (final) parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

async function writeWarc(name: string, records: Buffer[], gzipEachRecord = true): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, gzipEachRecord ? Buffer.concat(records.map((record) => gzipSync(record))) : Buffer.concat(records));
  return path;
}

describe('charset decoding', () => {
  const gbkBody = Buffer.concat([Buffer.from('<p>'), Buffer.from('d6d0cec4cbb5c3f7', 'hex'), Buffer.from('</p>')]);

  test('GBK from the HTTP header', () => {
    const decoded = decodeHtml(gbkBody, 'text/html; charset=GB2312');
    expect(decoded.text).toBe('<p>中文说明</p>');
    expect(decoded.charset).toBe('gbk');
    expect(decoded.source).toBe('http-header');
  });

  test('Shift_JIS from a meta charset tag', () => {
    const bytes = Buffer.concat([Buffer.from('<html><head><meta charset="Shift_JIS"></head><body>'), Buffer.from('93fa967b8cea', 'hex')]);
    const decoded = decodeHtml(bytes, 'text/html');
    expect(decoded.text.endsWith('日本語')).toBe(true);
    expect(decoded.charset).toBe('shift_jis');
    expect(decoded.source).toBe('meta-tag');
  });

  test('Windows-1252 from meta http-equiv', () => {
    const head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">';
    const bytes = Buffer.concat([Buffer.from(`<html><head>${head}</head><body>caf`), Buffer.from('e92080', 'hex')]);
    const decoded = decodeHtml(bytes, undefined);
    // ISO-8859-1 is decoded as Windows-1252, as browsers do, so 0x80 is the euro sign.
    expect(decoded.text.endsWith('café €')).toBe(true);
    expect(decoded.charset).toBe('windows-1252');
  });

  test('EUC-KR, Big5 and ISO-8859-2 labels', () => {
    expect(decodeHtml(Buffer.from('c7d1b1b9beee', 'hex'), 'text/html; charset="euc-kr"').text).toBe('한국어');
    expect(decodeHtml(Buffer.from('a4a4a4e5', 'hex'), 'text/html;charset=big5').text).toBe('中文');
    expect(decodeHtml(Buffer.from('b1', 'hex'), 'text/html; charset=iso-8859-2').text).toBe('ą');
  });

  test('header wins over meta, BOM wins over both', () => {
    const bytes = Buffer.concat([Buffer.from('<meta charset="shift_jis">'), Buffer.from('中文')]);
    expect(decodeHtml(bytes, 'text/html; charset=utf-8').text).toContain('中文');
    const withBom = Buffer.concat([Buffer.from('efbbbf', 'hex'), bytes]);
    expect(decodeHtml(withBom, 'text/html; charset=gbk').source).toBe('bom');
    expect(decodeHtml(withBom, 'text/html; charset=gbk').text).toContain('中文');
  });

  test('unknown label falls back to UTF-8', () => {
    const decoded = decodeHtml(Buffer.from('<meta charset="no-such-charset">中文'), 'text/html; charset=bogus');
    expect(decoded.source).toBe('default');
    expect(decoded.text).toContain('中文');
  });

  test('meta tag inside a comment is ignored', () => {
    expect(charsetFromMetaTag(Buffer.from('<!-- <meta charset="gbk"> --><meta charset="euc-kr">'))).toBe('euc-kr');
  });
});

describe('HTTP body decoding', () => {
  test('chunked body is joined', () => {
    const result = decodeChunked(chunked(Buffer.from('hello chunked world'), 5));
    expect(result).toEqual({ ok: true, value: Buffer.from('hello chunked world') });
  });

  test('chunked body without last chunk is a problem', () => {
    const result = decodeChunked(chunked(Buffer.from('hello chunked world'), 5, false));
    expect(result.ok).toBe(false);
  });

  test('already de-chunked body passes through', () => {
    const body = Buffer.from('<html>not chunked</html>');
    expect(decodeChunked(body)).toEqual({ ok: true, value: body });
  });

  test('gzip, raw deflate and corrupt gzip', () => {
    const text = Buffer.from('<p>compressed</p>');
    expect(decodeContentEncoding(gzipSync(text), 'gzip', 1024)).toEqual({ ok: true, value: text });
    expect(decodeContentEncoding(deflateRawSync(text), 'deflate', 1024)).toEqual({ ok: true, value: text });
    const corrupt = gzipSync(text).subarray(0, 12);
    expect(decodeContentEncoding(corrupt, 'gzip', 1024).ok).toBe(false);
    expect(decodeContentEncoding(gzipSync(Buffer.alloc(5000)), 'gzip', 1024).ok).toBe(false);
  });
});

describe('WARC reader', () => {
  test('HTML responses become L0 records', async () => {
    const gbk = Buffer.concat([Buffer.from('<html><body><p>'), Buffer.from('d6d0cec4cbb5c3f7', 'hex'), Buffer.from('</p></body></html>')]);
    const path = await writeWarc('pages.warc.gz', [
      warcRecord({ 'WARC-Type': 'warcinfo', 'Content-Type': 'application/warc-fields' }, Buffer.from('isPartOf: CC-MAIN-2024-22\r\n')),
      request(1),
      response(1, httpResponse('200 OK', { 'Content-Type': 'text/html; charset=utf-8' }, page('<p>Plain page.</p>'))),
      response(2, httpResponse('200 OK', { 'Content-Type': 'text/html; charset=gbk' }, gbk)),
      response(3, httpResponse('200 OK', { 'Content-Type': 'text/html', 'Transfer-Encoding': 'chunked', 'Content-Encoding': 'gzip' }, chunked(gzipSync(page('<p>Zipped and chunked.</p>')), 7))),
      warcRecord({ 'WARC-Type': 'metadata', 'Content-Type': 'application/warc-fields' }, Buffer.from('fetchTimeMs: 5\r\n')),
    ]);

    const { records, stats, logs } = await readAll([path]);
    expect(stats).toMatchObject({ files: 1, filesFailed: 0, items: 3, records: 3, rejects: 0, dead: 0 });
    const [plain, chinese, zipped] = records;
    expect(plain?.id).toBe('urn:uuid:00000000-0000-0000-0000-000000000001');
    expect(plain?.source).toMatchObject({ uri: 'https://example.com/page-1', dump: 'CC-MAIN-2024-22', fetchTime: '2024-05-18T01:58:10Z' });
    expect(plain?.meta).toMatchObject({ content_format: 'html', http_status: 200, html_charset: 'utf-8', http_content_type: 'text/html; charset=utf-8' });
    expect(plain?.text).toContain('<p>Plain page.</p>');
    expect(plain?.text).not.toContain('HTTP/1.1');
    expect(chinese?.text).toContain('中文说明');
    expect(chinese?.meta.html_charset).toBe('gbk');
    expect(zipped?.text).toContain('Zipped and chunked.');
    const skipped = logs.find((entry) => entry.msg === 'skipped WARC records that hold no document');
    expect(skipped?.skippedRecords).toEqual({ warcinfo: 1, request: 1, metadata: 1 });
  });

  test('non-HTML and non-200 responses are rejected', async () => {
    const path = await writeWarc('other.warc', [
      response(1, httpResponse('200 OK', { 'Content-Type': 'image/png' }, Buffer.from('89504e470d0a1a0a', 'hex'))),
      response(2, httpResponse('200 OK', { 'Content-Type': 'text/plain' }, 'User-agent: *\nDisallow: /private\n'), { 'WARC-Target-URI': 'https://example.com/robots.txt' }),
      response(3, httpResponse('404 Not Found', { 'Content-Type': 'text/html' }, page('<p>Missing</p>'))),
      response(4, httpResponse('301 Moved Permanently', { Location: 'https://example.com/' }, '')),
    ], false);

    const { items, stats } = await readAll([path]);
    expect(stats).toMatchObject({ items: 4, records: 0, rejects: 4, dead: 0, filesFailed: 0 });
    const rejects = items.map((item) => itemOfKind(item, 'reject'));
    expect(rejects.map((item) => item.rule)).toEqual(['ingest_not_html', 'ingest_not_html', 'ingest_http_status', 'ingest_http_status']);
    expect(rejects[0]?.reason).toContain('urn:uuid:00000000-0000-0000-0000-000000000001');
    expect(rejects[0]?.reason).toContain('image/png');
    expect(rejects[1]?.reason).toContain('https://example.com/robots.txt');
    expect(rejects[2]?.value).toBe(404);
  });

  test('HTML without Content-Type is sniffed', async () => {
    const path = await writeWarc('sniff.warc', [response(1, httpResponse('200 OK', {}, page('<p>No type.</p>')))], false);
    const { records } = await readAll([path]);
    expect(records).toHaveLength(1);
  });

  test('truncated payloads are rejected', async () => {
    const body = page('<p>Cut off</p>');
    const path = await writeWarc('truncated.warc', [
      response(1, httpResponse('200 OK', { 'Content-Type': 'text/html' }, body), { 'WARC-Truncated': 'length' }),
      response(2, httpResponse('200 OK', { 'Content-Type': 'text/html', 'Content-Length': String(body.length + 100) }, body)),
    ], false);

    const { items } = await readAll([path]);
    const rejects = items.map((item) => itemOfKind(item, 'reject'));
    expect(rejects.map((item) => item.rule)).toEqual(['ingest_html_truncated', 'ingest_html_truncated']);
    expect(rejects[0]?.reason).toContain('WARC-Truncated: length');
    expect(rejects[1]?.reason).toContain(`${body.length} of the ${body.length + 100} bytes`);
  });

  test('undecodable HTTP messages go to the DLQ', async () => {
    const path = await writeWarc('bad-http.warc', [
      response(1, Buffer.from('this is not an HTTP response')),
      response(2, httpResponse('200 OK', { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' }, gzipSync(page('x')).subarray(0, 15))),
      response(3, httpResponse('200 OK', { 'Content-Type': 'text/html' }, page('<p>Fine.</p>'))),
    ], false);

    const { items, stats } = await readAll([path]);
    expect(stats).toMatchObject({ dead: 2, records: 1 });
    const [first, second] = items.map((item) => (item.kind === 'dead' ? item.letter : null));
    expect(first?.error).toContain('https://example.com/page-1');
    expect(first?.error).toContain('HTTP status line');
    expect(second?.error).toContain('gzip body is corrupt or truncated');
    expect(second?.position).toBe('record 2');
  });

  test('file cut inside a record keeps earlier records', async () => {
    const whole = Buffer.concat([
      response(1, httpResponse('200 OK', { 'Content-Type': 'text/html' }, page('<p>First.</p>'))),
      response(2, httpResponse('200 OK', { 'Content-Type': 'text/html' }, page('<p>Second, cut off.</p>'))),
    ]);
    const path = join(dir, 'cut.warc');
    await writeFile(path, whole.subarray(0, whole.length - 30));

    const { items, stats, logs } = await readAll([path]);
    expect(stats).toMatchObject({ records: 1, dead: 1, filesFailed: 1 });
    expect(itemOfKind(items[1], 'dead').letter.error).toContain('is incomplete');
    expect(logs.find((entry) => entry.level === ERROR_LEVEL)?.msg).toContain('truncated');
  });

  test('oversized response is rejected with a prefix', async () => {
    const big = page(`<p>${'word '.repeat(2000)}</p>`);
    const path = await writeWarc('big.warc', [response(1, httpResponse('200 OK', { 'Content-Type': 'text/html' }, big))], false);
    const { items } = await readAll([path], { maxTextBytes: 1000 });
    const item = itemOfKind(items[0], 'reject');
    expect(item.rule).toBe('ingest_text_too_large');
    expect(item.reason).toContain('urn:uuid:00000000-0000-0000-0000-000000000001');
  });
});
