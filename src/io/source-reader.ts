import { open } from 'node:fs/promises';
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
import type { ReadItem, ResolvedReadOptions } from './types.js';

export interface SourceFile {
  path: string;
  /** Path relative to the walked root with `/` separators; part of the id and of meta. */
  relativePath: string;
  language: string;
  dataset: string;
}

/**
 * Reads one source file as one `code` record. Files above maxTextBytes are not read past the
 * prefix a reject keeps, so for them only that prefix is checked for NUL bytes. A NUL byte marks
 * the file as binary and rejects it. Bytes that are not UTF-8 become a dead letter.
 */
export async function readSourceFile(file: SourceFile, options: ResolvedReadOptions): Promise<ReadItem> {
  const bytes = await readAtMost(file.path, options.maxTextBytes);
  const fields: RecordFields = {
    id: '',
    domain: 'code',
    lang: null,
    text: '',
    source: { uri: null, dataset: file.dataset, dump: null, fetchTime: null, license: null },
    meta: { path: file.relativePath, language: file.language },
  };

  const nul = bytes.prefix.indexOf(0);
  if (nul !== -1) {
    return {
      kind: 'reject',
      record: makeL0Record({ ...fields, id: hashId(file.relativePath, '') }),
      rule: 'ingest_binary_file',
      reason: `${file.path} has a NUL byte at offset ${nul}, so it is binary rather than source text`,
      value: nul,
    };
  }

  if (bytes.size > options.maxTextBytes) {
    fields.text = decodeUtf8Prefix(bytes.prefix, KEPT_PREFIX_BYTES);
    fields.id = hashId(file.relativePath, fields.text);
    return tooLargeReject(fields, bytes.size, options.maxTextBytes, file.path);
  }

  try {
    fields.text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.prefix);
  } catch {
    return deadItem(file.path, 'record 1', bytes.prefix, `${file.path} is not valid UTF-8 text`);
  }
  fields.id = hashId(file.relativePath, fields.text);
  if (!hasVisibleText(fields.text)) return emptyTextReject(fields, file.path);
  return { kind: 'record', record: makeL0Record(fields) };
}

/**
 * Reads the whole file when it is at most `maxBytes` long, else only its first KEPT_PREFIX_BYTES
 * bytes. `size` is the file's full length in bytes.
 */
async function readAtMost(path: string, maxBytes: number): Promise<{ prefix: Buffer; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size <= maxBytes) {
      const whole = await handle.readFile();
      // The file may have grown since stat; the size check then applies to what was read.
      if (whole.length <= maxBytes) return { prefix: whole, size: whole.length };
      return { prefix: whole.subarray(0, KEPT_PREFIX_BYTES), size: whole.length };
    }
    const prefix = Buffer.alloc(Math.min(KEPT_PREFIX_BYTES, size));
    const { bytesRead } = await handle.read(prefix, 0, prefix.length, 0);
    return { prefix: prefix.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}
