import type { Logger } from '../core/log.js';
import { readFileBytes } from './byte-source.js';
import { findDump } from './json-fields.js';
import { KEPT_PREFIX_BYTES, deadItem, hashId, makeL0Record, tooLargeReject, truncateUtf8, type RecordFields } from './record-builder.js';
import type { InputFile, ReadItem, ResolvedReadOptions } from './types.js';
import { decodeHtml } from './warc-charset.js';
import { decodeChunked, decodeContentEncoding, parseHttpResponse, type HttpResponse } from './warc-http.js';
import { parseWarc, type WarcHeaders } from './warc-parser.js';

/** Meta field that names the format of the record's text; `html-extract` reads it. */
export const CONTENT_FORMAT_FIELD = 'content_format';
/** Value of CONTENT_FORMAT_FIELD for a record whose text is a whole HTML page. */
export const HTML_CONTENT_FORMAT = 'html';

/** Reject rules of the WARC reader, besides the shared `ingest_text_too_large` and `ingest_empty_text`. */
export const WARC_REJECT_RULES = ['ingest_http_status', 'ingest_not_html', 'ingest_html_truncated'] as const;

const MAX_WARCINFO_BYTES = 1024 * 1024;
/** Room for the HTTP status line and headers in front of the body, in bytes. */
const HTTP_HEAD_ALLOWANCE = 256 * 1024;
/** Content types that are HTML. Responses without a Content-Type are sniffed instead. */
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const HTML_START = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b/i;

/** What the reader learned about one `response` record before it decides the outcome. */
interface ResponseContext {
  file: InputFile;
  number: number;
  headers: WarcHeaders;
  /** `record N (<urn:uuid:...> https://...)`, for messages. */
  where: string;
  fields: RecordFields;
}

/**
 * Reads a WARC file: each `response` record whose HTTP payload is an HTML page becomes an L0
 * record whose text is the decoded HTML, with meta `content_format: "html"` so that the
 * `html-extract` operator turns it into text. Request, metadata, warcinfo, resource and revisit
 * records are counted and skipped. Responses that are not a usable HTML page become rejects
 * (non-200 status, non-HTML payload, truncated payload, too large, empty) or dead letters (an
 * HTTP message or body encoding that cannot be decoded). Throws when the file cannot be read or
 * ends inside a record, after yielding the items read before that point.
 */
export async function* readWarc(file: InputFile, options: ResolvedReadOptions, log: Logger): AsyncGenerator<ReadItem> {
  const dumpFromPath = findDump(file.path);
  let dump = dumpFromPath;
  const skipped = new Map<string, number>();
  const maxBlockBytes = options.maxTextBytes + HTTP_HEAD_ALLOWANCE;

  // Oversized responses keep a prefix for the rejected record; other skipped types keep nothing.
  const keepBytes = (headers: WarcHeaders, contentLength: number): number => {
    const type = headers.get('WARC-Type');
    if (type === 'response') return contentLength <= maxBlockBytes ? contentLength : KEPT_PREFIX_BYTES;
    if (type === 'warcinfo') return MAX_WARCINFO_BYTES;
    return 0;
  };

  try {
    for await (const event of parseWarc(readFileBytes(file.path, file.compression), file.path, keepBytes)) {
      if (event.kind === 'malformed') {
        yield deadItem(file.path, `record ${event.number}`, event.bytes, event.error);
        continue;
      }
      const type = event.headers.get('WARC-Type') ?? '(none)';
      if (type === 'warcinfo') dump = dumpFromWarcinfo(event.headers, event.body) ?? dumpFromPath;
      if (type !== 'response') {
        skipped.set(type, (skipped.get(type) ?? 0) + 1);
        continue;
      }

      const fields = baseFields(file, event.headers, options, dump);
      const where = describeRecord(event.number, event.headers);
      const context: ResponseContext = { file, number: event.number, headers: event.headers, where, fields };
      if (event.contentLength > maxBlockBytes) {
        yield oversizedBlockReject(context, event.body, event.contentLength, options.maxTextBytes);
        continue;
      }
      yield responseItem(context, event.body, options);
    }
  } finally {
    // NOTE: skipped records are reported in this log line only; ReadStats has no field for them.
    if (skipped.size > 0) log.info({ path: file.path, skippedRecords: Object.fromEntries(skipped) }, 'skipped WARC records that hold no document');
  }
}

function dumpFromWarcinfo(headers: WarcHeaders, body: Buffer): string | null {
  const isPartOf = /^isPartOf:[ \t]*(.*)$/im.exec(body.toString('utf8'))?.[1];
  return findDump(isPartOf ?? '') ?? findDump(headers.get('WARC-Filename') ?? '');
}

/** Strips the angle brackets that WARC 1.0 writers such as wget put around URIs and record ids. */
function unbracket(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim().replace(/^<(.*)>$/, '$1');
  return trimmed === '' ? null : trimmed;
}

function describeRecord(number: number, headers: WarcHeaders): string {
  const id = unbracket(headers.get('WARC-Record-ID')) ?? 'no WARC-Record-ID';
  const uri = unbracket(headers.get('WARC-Target-URI')) ?? 'no WARC-Target-URI';
  return `record ${number} (${id}, ${uri})`;
}

function baseFields(file: InputFile, headers: WarcHeaders, options: ResolvedReadOptions, dump: string | null): RecordFields {
  return {
    id: unbracket(headers.get('WARC-Record-ID')) ?? '',
    domain: options.domain,
    lang: null,
    text: '',
    source: {
      uri: unbracket(headers.get('WARC-Target-URI')),
      dataset: options.dataset ?? dump ?? file.stem,
      dump,
      fetchTime: headers.get('WARC-Date') ?? null,
      license: null,
    },
    meta: Object.fromEntries(headers.fields),
  };
}

/** Gives the record a content-derived id when the WARC record has no WARC-Record-ID. */
function ensureId(context: ResponseContext, content: Buffer | string): void {
  if (context.fields.id !== '') return;
  const text = typeof content === 'string' ? content : content.toString('latin1');
  context.fields.id = hashId(context.file.fileName, String(context.number), text);
}

function reject(context: ResponseContext, rule: (typeof WARC_REJECT_RULES)[number], reason: string, value: number | string | null): ReadItem {
  ensureId(context, context.fields.text);
  return { kind: 'reject', record: makeL0Record(context.fields), rule, reason, value };
}

function oversizedBlockReject(context: ResponseContext, prefix: Buffer, contentLength: number, maxTextBytes: number): ReadItem {
  const parsed = parseHttpResponse(prefix);
  const body = parsed.ok ? parsed.value.body : prefix;
  context.fields.text = truncateUtf8(body.toString('utf8'), KEPT_PREFIX_BYTES);
  ensureId(context, prefix);
  return tooLargeReject(context.fields, contentLength, maxTextBytes, `${context.file.path} ${context.where}`);
}

/** Decides the outcome of one complete `response` block. */
function responseItem(context: ResponseContext, block: Buffer, options: ResolvedReadOptions): ReadItem {
  const { file, number, where } = context;
  const position = `record ${number}`;
  const parsed = parseHttpResponse(block);
  if (!parsed.ok) {
    return deadItem(file.path, position, block.subarray(0, KEPT_PREFIX_BYTES), `${file.path} ${where}: ${parsed.problem}`);
  }
  const response = parsed.value;
  const contentType = response.headers.get('content-type');
  Object.assign(context.fields.meta, { http_status: response.status, http_content_type: contentType ?? null });

  const body = decodeBody(response, options.maxTextBytes);
  if (!body.ok) {
    return deadItem(file.path, position, block.subarray(0, KEPT_PREFIX_BYTES), `${file.path} ${where}: ${body.problem}`);
  }

  if (response.status !== 200) {
    const reason = `${where} has HTTP status "${response.statusLine}"; only 200 responses are documents`;
    return reject(context, 'ingest_http_status', reason, response.status);
  }
  if (!isHtml(contentType, body.value)) {
    const reason = `${where} is not an HTML page (Content-Type ${contentType ?? 'missing, and the body does not start like HTML'})`;
    return reject(context, 'ingest_not_html', reason, contentType ?? null);
  }

  const decoded = decodeHtml(body.value, contentType);
  context.fields.text = decoded.text;
  Object.assign(context.fields.meta, {
    [CONTENT_FORMAT_FIELD]: HTML_CONTENT_FORMAT,
    html_charset: decoded.charset,
    html_charset_source: decoded.source,
  });
  ensureId(context, decoded.text);
  return htmlItem(context, response, body.value.length, options);
}

/** Checks size, truncation and emptiness of a decoded HTML page and builds its item. */
function htmlItem(context: ResponseContext, response: HttpResponse, bodyBytes: number, options: ResolvedReadOptions): ReadItem {
  const { fields, where } = context;
  const truncated = truncation(context.headers, response, bodyBytes);
  if (truncated !== null) {
    fields.text = truncateUtf8(fields.text, KEPT_PREFIX_BYTES);
    return reject(context, 'ingest_html_truncated', `${where} has a truncated payload: ${truncated}`, bodyBytes);
  }
  const textBytes = Buffer.byteLength(fields.text, 'utf8');
  if (textBytes > options.maxTextBytes) return tooLargeReject(fields, textBytes, options.maxTextBytes, `${context.file.path} ${where}`);
  if (!/\S/.test(fields.text)) {
    return { kind: 'reject', record: makeL0Record(fields), rule: 'ingest_empty_text', reason: `${where} has an empty HTML body`, value: bodyBytes };
  }
  return { kind: 'record', record: makeL0Record(fields) };
}

/** Removes transfer and content encodings; the result is at most `maxBytes` long or a problem. */
function decodeBody(response: HttpResponse, maxBytes: number): ReturnType<typeof decodeChunked> {
  let body = response.body;
  const transfer = response.headers.get('transfer-encoding')?.toLowerCase() ?? '';
  if (transfer.includes('chunked')) {
    const dechunked = decodeChunked(body);
    if (!dechunked.ok) return dechunked;
    body = dechunked.value;
  }
  return decodeContentEncoding(body, response.headers.get('content-encoding'), maxBytes);
}

function isHtml(contentType: string | undefined, body: Buffer): boolean {
  if (contentType !== undefined && contentType.trim() !== '') {
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    return HTML_TYPES.has(mediaType);
  }
  return HTML_START.test(body.subarray(0, 1024).toString('latin1'));
}

/**
 * Returns why a payload is incomplete, or null: the crawler marked it with WARC-Truncated (size
 * or time limit), or an unchunked body is shorter than its HTTP Content-Length.
 */
function truncation(headers: WarcHeaders, response: HttpResponse, bodyBytes: number): string | null {
  const marked = headers.get('WARC-Truncated');
  if (marked !== undefined) return `the crawler cut it (WARC-Truncated: ${marked})`;
  const declared = response.headers.get('content-length');
  const encoded = response.headers.has('transfer-encoding') || response.headers.has('content-encoding');
  if (declared !== undefined && /^\d+$/.test(declared) && !encoded && bodyBytes < Number(declared)) {
    return `the body has ${bodyBytes} of the ${declared} bytes its HTTP Content-Length declares`;
  }
  return null;
}
