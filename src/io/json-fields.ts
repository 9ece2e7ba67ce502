import type { SourceInfo } from '../core/record.js';

/**
 * Field paths of source facts in common web-corpus JSON layouts: top-level fields from C4 and
 * cc_net, `metadata.*` from Dolma, `meta.*` from RedPajama. Each list is tried in order.
 */
const URI_FIELDS = [['url'], ['metadata', 'url'], ['metadata', 'warc_url'], ['meta', 'url']];
const DUMP_FIELDS = [['metadata', 'warc_filename'], ['cc_segment'], ['metadata', 'cc_segment'], ['warc_filename']];
const FETCH_TIME_FIELDS = [['date_download'], ['metadata', 'date_download'], ['created'], ['metadata', 'warc_date']];
const LICENSE_FIELDS = [['license'], ['metadata', 'license'], ['meta', 'license']];
const LANGUAGE_FIELDS = [['language'], ['metadata', 'language'], ['meta', 'language']];

/** A Common Crawl dump name such as `CC-MAIN-2024-22` (year and ISO week). */
const DUMP_PATTERN = /CC-MAIN-\d{4}-\d{2}(?!\d)/;
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(object: Record<string, unknown>, path: string[]): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (!isJsonObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function nonEmptyStrings(object: Record<string, unknown>, paths: string[][]): string[] {
  const found: string[] = [];
  for (const path of paths) {
    const value = valueAt(object, path);
    if (typeof value === 'string' && value.trim() !== '') found.push(value);
  }
  return found;
}

/** Finds a dump name like `CC-MAIN-2024-22` in a string; returns null when it has none. */
export function findDump(text: string): string | null {
  return DUMP_PATTERN.exec(text)?.[0] ?? null;
}

/** Returns the object's `id` as a string when it is a non-empty string or a finite number, else null. */
export function recordIdOf(object: Record<string, unknown>): string | null {
  const id = object.id;
  if (typeof id === 'string' && id.trim() !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return null;
}

/** Returns the language code from `language`, `metadata.language` or `meta.language`, as given. */
export function languageOf(object: Record<string, unknown>): string | null {
  return nonEmptyStrings(object, LANGUAGE_FIELDS)[0] ?? null;
}

/**
 * Collects the source facts of a JSON record. The URI prefers a value with a scheme, because Dolma's
 * `metadata.url` drops the `http://` that `metadata.warc_url` keeps.
 */
export function sourceInfoOf(object: Record<string, unknown>, dataset: string): SourceInfo {
  const uris = nonEmptyStrings(object, URI_FIELDS);
  const uri = uris.find((candidate) => URI_SCHEME.test(candidate)) ?? uris[0] ?? null;

  let dump: string | null = null;
  for (const candidate of [...nonEmptyStrings(object, DUMP_FIELDS), ...uris]) {
    dump = findDump(candidate);
    if (dump !== null) break;
  }

  return {
    uri,
    dataset,
    dump,
    fetchTime: nonEmptyStrings(object, FETCH_TIME_FIELDS)[0] ?? null,
    license: nonEmptyStrings(object, LICENSE_FIELDS)[0] ?? null,
  };
}

/** Returns the input's own `source` field when it is a non-empty string (Dolma names its dataset there). */
export function sourceFieldOf(object: Record<string, unknown>): string | null {
  const source = object.source;
  return typeof source === 'string' && source.trim() !== '' ? source : null;
}
