import type { Logger } from '../core/log.js';
import { readFileBytes } from './byte-source.js';
import { findDump } from './json-fields.js';
import { primaryLanguage } from './lang-codes.js';
import {
  KEPT_PREFIX_BYTES,
  deadItem,
  decodeUtf8Prefix,
  emptyTextReject,
  hasVisibleText,
  hashId,
  makeL0Record,
  tooLargeReject,
  type RecordFields,
} from './record-builder.js';
import type { InputFile, ReadItem, ResolvedReadOptions } from './types.js';
import { parseWarc, type WarcHeaders } from './warc-parser.js';

/** A warcinfo block is a short list of fields; anything past this size is not read. */
const MAX_WARCINFO_BYTES = 1024 * 1024;

/**
 * Reads a Common Crawl WET file: each `conversion` record becomes one item, in file order.
 * The dump comes from the warcinfo record's `isPartOf` field, else its `WARC-Filename` header,
 * else the file path. Throws when the file cannot be read or ends inside a record, after yielding
 * the items read before that point.
 */
export async function* readWet(file: InputFile, options: ResolvedReadOptions, log: Logger): AsyncGenerator<ReadItem> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const dumpFromPath = findDump(file.path);
  let dump = dumpFromPath;
  const otherTypes = new Map<string, number>();

  // Of an oversized conversion block, only the prefix that the rejected record keeps is read into memory.
  const keepBytes = (headers: WarcHeaders, contentLength: number): number => {
    const type = headers.get('WARC-Type');
    if (type === 'conversion') return contentLength <= options.maxTextBytes ? contentLength : KEPT_PREFIX_BYTES;
    if (type === 'warcinfo') return MAX_WARCINFO_BYTES;
    return 0;
  };

  for await (const event of parseWarc(readFileBytes(file.path, file.compression), file.path, keepBytes)) {
    if (event.kind === 'malformed') {
      yield deadItem(file.path, `record ${event.number}`, event.bytes, event.error);
      continue;
    }

    const type = event.headers.get('WARC-Type') ?? '(none)';
    if (type === 'warcinfo') {
      dump = dumpFromWarcinfo(event.headers, event.body) ?? dumpFromPath;
      continue;
    }
    if (type !== 'conversion') {
      otherTypes.set(type, (otherTypes.get(type) ?? 0) + 1);
      continue;
    }

    const where = `${file.path} record ${event.number}`;
    const headers = event.headers;
    const recordId = headers.get('WARC-Record-ID')?.replace(/^<|>$/g, '') ?? '';
    const fields: RecordFields = {
      id: recordId,
      domain: options.domain,
      lang: primaryLanguage(headers.get('WARC-Identified-Content-Language')),
      text: '',
      source: {
        uri: headers.get('WARC-Target-URI') ?? null,
        dataset: options.dataset ?? dump ?? file.stem,
        dump,
        fetchTime: headers.get('WARC-Date') ?? null,
        license: null,
      },
      meta: Object.fromEntries(headers.fields),
    };

    if (event.contentLength > options.maxTextBytes) {
      fields.text = decodeUtf8Prefix(event.body, KEPT_PREFIX_BYTES);
      if (fields.id === '') fields.id = hashId(file.fileName, String(event.number), fields.text);
      yield tooLargeReject(fields, event.contentLength, options.maxTextBytes, where);
      continue;
    }

    try {
      fields.text = decoder.decode(event.body);
    } catch {
      const error = `${where} (${recordId || 'no WARC-Record-ID'}) is not valid UTF-8`;
      yield deadItem(file.path, `record ${event.number}`, event.body, error);
      continue;
    }
    if (fields.id === '') fields.id = hashId(file.fileName, String(event.number), fields.text);
    if (!hasVisibleText(fields.text)) {
      yield emptyTextReject(fields, where);
      continue;
    }
    yield { kind: 'record', record: makeL0Record(fields) };
  }

  if (otherTypes.size > 0) {
    log.warn(
      { path: file.path, recordTypes: Object.fromEntries(otherTypes) },
      'WET file contains WARC records other than warcinfo and conversion; they were skipped',
    );
  }
}

function dumpFromWarcinfo(headers: WarcHeaders, body: Buffer): string | null {
  const isPartOf = /^isPartOf:[ \t]*(.*)$/im.exec(body.toString('utf8'))?.[1];
  return findDump(isPartOf ?? '') ?? findDump(headers.get('WARC-Filename') ?? '');
}
