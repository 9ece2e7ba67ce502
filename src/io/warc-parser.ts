import { EngineError } from '../core/errors.js';
import { ByteReader } from './byte-reader.js';

/** Named header fields of a WARC record, in file order. Lookups ignore case, as WARC names do. */
export class WarcHeaders {
  readonly fields: Array<[string, string]> = [];
  private readonly byLowerName = new Map<string, string>();

  add(name: string, value: string): void {
    this.fields.push([name, value]);
    const key = name.toLowerCase();
    if (!this.byLowerName.has(key)) this.byLowerName.set(key, value);
  }

  get(name: string): string | undefined {
    return this.byLowerName.get(name.toLowerCase());
  }
}

export type WarcEvent =
  | {
      kind: 'record';
      /** 1-based position of the record in the file. */
      number: number;
      /** Byte offset of the record's first header byte in the decompressed stream. */
      offset: number;
      headers: WarcHeaders;
      /** Block size from Content-Length, in bytes. */
      contentLength: number;
      /** The first `keepBytes(headers)` bytes of the block; the rest was read and discarded. */
      body: Buffer;
    }
  | {
      kind: 'malformed';
      number: number;
      offset: number;
      /** The bytes that could not be parsed (the header block, or a prefix of it). */
      bytes: Buffer;
      error: string;
    };

/** Maximum header block size in bytes, far above the few hundred bytes of a Common Crawl WET header. */
const MAX_HEADER_BYTES = 64 * 1024;
const RECORD_START = Buffer.from('WARC/');
const NEXT_RECORD = Buffer.from('\nWARC/');

/**
 * Parses WARC records from decompressed bytes: a header block up to the first empty line, then
 * exactly Content-Length bytes of block, then the `\r\n\r\n` separator (any run of CR and LF is
 * accepted). A record with an unusable header becomes a `malformed` event and parsing resumes at
 * the next line that starts with `WARC/`. When the input ends inside a record, the partial record
 * is reported as `malformed` and an error is thrown: the source's own error if it failed, else an
 * EngineError naming the record.
 */
export async function* parseWarc(
  source: AsyncIterable<Buffer>,
  path: string,
  keepBytes: (headers: WarcHeaders, contentLength: number) => number,
): AsyncGenerator<WarcEvent> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  let number = 0;
  try {
    for (;;) {
      await skipRecordSeparator(reader);
      if (reader.buffered === 0 && !(await reader.fill(1))) break;

      number += 1;
      const offset = reader.offset;
      const head = await readHeaderBlock(reader);

      if (head.kind === 'incomplete') {
        const error = incompleteMessage(path, number, offset, 'header');
        yield { kind: 'malformed', number, offset, bytes: head.bytes, error };
        throw endError(reader, path, number, offset);
      }
      const parsed = head.kind === 'found' ? parseHeaderBlock(head.bytes) : null;
      const problem = head.kind === 'too-long' ? `header is longer than ${MAX_HEADER_BYTES} bytes` : parsed?.problem;
      if (parsed === null || problem !== undefined) {
        const skipped = await skipToNextRecord(reader);
        const error =
          `${path}: WARC record ${number} at byte ${offset} is malformed (${problem ?? 'unreadable header'}); ` +
          `${skipped} bytes after its header were skipped to reach the next record`;
        yield { kind: 'malformed', number, offset, bytes: head.bytes, error };
        continue;
      }

      const { headers, contentLength } = parsed;
      const keep = Math.min(contentLength, keepBytes(headers, contentLength));
      await reader.fill(keep);
      const body = reader.take(keep);
      const skipped = await reader.skip(contentLength - body.length);
      if (body.length + skipped < contentLength) {
        const error = incompleteMessage(path, number, offset, `block (${body.length + skipped} of ${contentLength} bytes)`);
        const bytes = Buffer.concat([head.bytes, Buffer.from('\r\n\r\n'), body]);
        yield { kind: 'malformed', number, offset, bytes, error };
        throw endError(reader, path, number, offset);
      }
      yield { kind: 'record', number, offset, headers, contentLength, body };
    }
    if (reader.sourceError !== undefined) throw reader.sourceError;
  } finally {
    await reader.close();
  }
}

type HeaderBlock =
  | { kind: 'found'; bytes: Buffer }
  | { kind: 'too-long'; bytes: Buffer }
  | { kind: 'incomplete'; bytes: Buffer };

/** Reads up to the empty line that ends a header block; accepts CRLF and bare LF line ends. */
async function readHeaderBlock(reader: ByteReader): Promise<HeaderBlock> {
  let searchFrom = 0;
  for (;;) {
    const buffered = reader.peek();
    const end = findHeaderEnd(buffered, searchFrom);
    if (end !== null) {
      const block = reader.take(end.index + end.length);
      return { kind: 'found', bytes: block.subarray(0, end.index) };
    }
    if (buffered.length >= MAX_HEADER_BYTES) return { kind: 'too-long', bytes: reader.take(MAX_HEADER_BYTES) };
    // The next search may start a few bytes back, in case a delimiter straddles two chunks.
    searchFrom = Math.max(0, buffered.length - 3);
    if (!(await reader.fill(buffered.length + 1))) return { kind: 'incomplete', bytes: reader.take(reader.buffered) };
  }
}

function findHeaderEnd(bytes: Buffer, from: number): { index: number; length: number } | null {
  const crlf = bytes.indexOf('\r\n\r\n', from);
  // Bare-LF ends are searched only before the CRLF end, so a long block after it is not scanned.
  const lfSearchEnd = crlf === -1 ? bytes.length : crlf + 2;
  const lf = bytes.subarray(0, lfSearchEnd).indexOf('\n\n', from);
  if (crlf === -1 && lf === -1) return null;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { index: crlf, length: 4 };
  return { index: lf, length: 2 };
}

interface ParsedHeader {
  headers: WarcHeaders;
  contentLength: number;
  problem?: string;
}

function parseHeaderBlock(block: Buffer): ParsedHeader {
  const headers = new WarcHeaders();
  if (!block.subarray(0, RECORD_START.length).equals(RECORD_START)) {
    return { headers, contentLength: 0, problem: 'it does not start with a WARC/ version line' };
  }

  const lines = block.toString('utf8').split(/\r?\n/);
  let lastName: string | null = null;
  let lastValue = '';
  const flush = (): void => {
    if (lastName !== null) headers.add(lastName, lastValue.trim());
  };
  for (const line of lines.slice(1)) {
    // A line starting with a space or tab continues the previous field's value.
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastName !== null) {
      lastValue += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    lastName = colon > 0 ? line.slice(0, colon).trim() : null;
    lastValue = colon > 0 ? line.slice(colon + 1) : '';
  }
  flush();

  const lengthText = headers.get('Content-Length');
  if (lengthText === undefined) return { headers, contentLength: 0, problem: 'it has no Content-Length field' };
  if (!/^\d+$/.test(lengthText)) {
    return { headers, contentLength: 0, problem: `its Content-Length "${lengthText}" is not a byte count` };
  }
  return { headers, contentLength: Number(lengthText) };
}

async function skipRecordSeparator(reader: ByteReader): Promise<void> {
  for (;;) {
    if (reader.buffered === 0 && !(await reader.fill(1))) return;
    const bytes = reader.peek();
    let count = 0;
    while (count < bytes.length && (bytes[count] === 0x0d || bytes[count] === 0x0a)) count += 1;
    reader.take(count);
    if (count < bytes.length) return;
  }
}

/** Drops bytes up to the next line that starts with `WARC/`; returns how many were dropped. */
async function skipToNextRecord(reader: ByteReader): Promise<number> {
  let dropped = 0;
  for (;;) {
    const bytes = reader.peek();
    const found = bytes.indexOf(NEXT_RECORD);
    if (found !== -1) return dropped + reader.take(found + 1).length;
    // Keep a tail that may contain the start of a marker cut by the chunk boundary.
    dropped += reader.take(Math.max(0, bytes.length - (NEXT_RECORD.length - 1))).length;
    if (!(await reader.fill(reader.buffered + 1))) return dropped + reader.take(reader.buffered).length;
  }
}

function incompleteMessage(path: string, number: number, offset: number, part: string): string {
  return `${path}: WARC record ${number} at byte ${offset} is incomplete because the input ends inside its ${part}`;
}

function endError(reader: ByteReader, path: string, number: number, offset: number): unknown {
  if (reader.sourceError !== undefined) return reader.sourceError;
  const message = `${incompleteMessage(path, number, offset, 'data')}; the file is truncated`;
  return new EngineError('TIERS_INPUT_UNREADABLE', message, {
    context: { path, record: number },
  });
}
