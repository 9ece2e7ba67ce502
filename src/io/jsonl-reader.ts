import { errorMessage } from '../core/errors.js';
import { readFileBytes } from './byte-source.js';
import { isNestedDeeperThan, MAX_JSON_DEPTH } from '../core/json-depth.js';
import { isJsonObject, languageOf, recordIdOf, sourceFieldOf, sourceInfoOf } from './json-fields.js';
import { splitLines } from './line-splitter.js';
import {
  KEPT_PREFIX_BYTES,
  deadItem,
  emptyTextReject,
  hasVisibleText,
  hashId,
  jsonTypeName,
  makeL0Record,
  tooLargeReject,
  truncateUtf8,
  type RecordFields,
} from './record-builder.js';
import type { InputFile, ReadItem, ResolvedReadOptions } from './types.js';


/**
 * Reads a JSON-lines file (plain, gzip or zstd), one item per non-blank line, in file order.
 * Lines that cannot be decoded become dead letters and the reading goes on. Throws when the file
 * cannot be read or its compressed data breaks off; items before the break are yielded first.
 * `bytes` replaces the file's decompressed bytes, for streams such as standard input.
 */
export async function* readJsonLines(
  file: InputFile,
  options: ResolvedReadOptions,
  bytes: AsyncIterable<Buffer> = readFileBytes(file.path, file.compression),
): AsyncGenerator<ReadItem> {
  const decoder = new TextDecoder('utf-8', { fatal: true });

  for await (const line of splitLines(bytes, options.maxLineBytes, KEPT_PREFIX_BYTES)) {
    const position = `line ${line.number}`;
    const where = `${file.path} line ${line.number}`;

    if (line.incomplete) {
      yield deadItem(file.path, position, line.bytes, `${where} is incomplete because the file could not be read to its end`);
      continue;
    }
    if (line.overLimit) {
      yield deadItem(
        file.path,
        position,
        line.bytes,
        `${where} is ${line.byteLength} bytes long, more than the maximum line length of ${options.maxLineBytes} bytes ` +
          `(raise --max-text-bytes, which sets the line limit to 4 times the text limit plus 1 MiB); the dead letter keeps the first ${KEPT_PREFIX_BYTES} bytes`,
      );
      continue;
    }
    if (isBlank(line.bytes)) continue;

    let lineText: string;
    try {
      lineText = decoder.decode(line.bytes);
    } catch {
      yield deadItem(file.path, position, line.bytes, `${where} is not valid UTF-8`);
      continue;
    }

    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (err) {
      yield deadItem(file.path, position, line.bytes, `${where} is not valid JSON: ${errorMessage(err)}`);
      continue;
    }

    yield itemFromJson(value, line.number, line.byteLength, file, options);
  }
}

/** Turns one parsed JSON line into a record or a reject. */
function itemFromJson(
  value: unknown,
  lineNumber: number,
  lineBytes: number,
  file: InputFile,
  options: ResolvedReadOptions,
): ReadItem {
  const where = `${file.path} line ${lineNumber}`;
  const domain = options.domain;
  const fieldsTried = options.textFields.join(', ');

  if (isNestedDeeperThan(value, MAX_JSON_DEPTH)) return tooDeepReject(value, lineNumber, file, options);

  if (!isJsonObject(value)) {
    const dataset = options.dataset ?? file.stem;
    return {
      kind: 'reject',
      record: makeL0Record({
        id: hashId(file.fileName, String(lineNumber), ''),
        domain,
        lang: null,
        text: '',
        source: { uri: null, dataset, dump: null, fetchTime: null, license: null },
        meta: { value },
      }),
      rule: 'ingest_missing_text',
      reason: `${where} is a JSON ${jsonTypeName(value)}, not an object, so it has no text field (tried ${fieldsTried})`,
      value: jsonTypeName(value),
    };
  }

  const dataset = options.dataset ?? sourceFieldOf(value) ?? file.stem;
  const base = {
    domain,
    lang: languageOf(value),
    source: sourceInfoOf(value, dataset),
  };
  const ownId = recordIdOf(value);
  const textField = options.textFields.find((field) => value[field] !== undefined && value[field] !== null);

  if (textField === undefined) {
    return {
      kind: 'reject',
      record: makeL0Record({ ...base, id: ownId ?? hashId(file.fileName, String(lineNumber), ''), text: '', meta: value }),
      rule: 'ingest_missing_text',
      reason: `${where} has no text field (tried ${fieldsTried})`,
      value: null,
    };
  }

  const textValue = value[textField];
  if (typeof textValue !== 'string') {
    // The field stays in meta, so the value that could not be used is not lost.
    return {
      kind: 'reject',
      record: makeL0Record({ ...base, id: ownId ?? hashId(file.fileName, String(lineNumber), ''), text: '', meta: value }),
      rule: 'ingest_text_not_string',
      reason: `${where} has ${withArticle(jsonTypeName(textValue))} in its "${textField}" field where text must be a string`,
      value: jsonTypeName(textValue),
    };
  }

  const meta: Record<string, unknown> = { ...value };
  delete meta[textField];
  const fields: RecordFields = { ...base, id: ownId ?? '', text: textValue, meta };

  // The decoded text is never longer in UTF-8 than the JSON line that contains it, so only long
  // lines need measuring. The check runs before hashing or any other work on the text.
  if (lineBytes > options.maxTextBytes) {
    const textBytes = Buffer.byteLength(textValue, 'utf8');
    if (textBytes > options.maxTextBytes) {
      // The id hashes only the kept prefix, which with the line number is still unique in the file.
      const id = ownId ?? hashId(file.fileName, String(lineNumber), truncateUtf8(textValue, KEPT_PREFIX_BYTES));
      return tooLargeReject({ ...fields, id }, textBytes, options.maxTextBytes, where);
    }
  }

  if (ownId === null) fields.id = hashId(file.fileName, String(lineNumber), textValue);
  if (!hasVisibleText(textValue)) return emptyTextReject(fields, where);
  return { kind: 'record', record: makeL0Record(fields) };
}

/**
 * Builds the reject for a line nested deeper than MAX_JSON_DEPTH. The record keeps the id, source
 * facts, a prefix of the text and every top-level field that is shallow enough to serialize.
 * `meta.too_deep_fields` lists the names of the fields left out.
 */
function tooDeepReject(value: unknown, lineNumber: number, file: InputFile, options: ResolvedReadOptions): ReadItem {
  const where = `${file.path} line ${lineNumber}`;
  const reason =
    `${where} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep, ` +
    `the maximum the reader accepts, so the record cannot be serialized safely`;
  const rule = 'ingest_json_too_deep';

  if (!isJsonObject(value)) {
    const record = makeL0Record({
      id: hashId(file.fileName, String(lineNumber), ''),
      domain: options.domain,
      lang: null,
      text: '',
      source: { uri: null, dataset: options.dataset ?? file.stem, dump: null, fetchTime: null, license: null },
      meta: { too_deep_fields: [] },
    });
    return { kind: 'reject', record, rule, reason, value: jsonTypeName(value) };
  }

  const textField = options.textFields.find((field) => typeof value[field] === 'string');
  const text = textField === undefined ? '' : truncateUtf8(value[textField] as string, KEPT_PREFIX_BYTES);
  const meta: Record<string, unknown> = {};
  const tooDeepFields: string[] = [];
  for (const [field, fieldValue] of Object.entries(value)) {
    if (field === textField) continue;
    if (isNestedDeeperThan(fieldValue, MAX_JSON_DEPTH - 1)) tooDeepFields.push(field);
    else meta[field] = fieldValue;
  }
  meta.too_deep_fields = tooDeepFields;
  const record = makeL0Record({
    id: recordIdOf(value) ?? hashId(file.fileName, String(lineNumber), ''),
    domain: options.domain,
    lang: languageOf(value),
    text,
    source: sourceInfoOf(value, options.dataset ?? sourceFieldOf(value) ?? file.stem),
    meta,
  });
  return { kind: 'reject', record, rule, reason, value: tooDeepFields.join(', ') };
}

/** Prefixes a type name with `a` or `an`: `an object`, `a number`. */
function withArticle(name: string): string {
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** True for a line of only spaces, tabs and carriage returns. */
function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}
