/**
 * The record model shared by every operator and transport. schemas/tier-record.avsc and
 * schemas/rejected-record.avsc are the wire form of these types; keep them in step.
 */

export const TIERS = ['l0', 'l1', 'l2', 'l3', 'l4'] as const;
export type Tier = (typeof TIERS)[number];

export const LINEAGE_ACTIONS = ['ingest', 'promote', 'reject', 'emit', 'edit'] as const;
export type LineageAction = (typeof LINEAGE_ACTIONS)[number];

/** Origin of a record. `dataset` is always set, and the other fields only when the input provides them. */
export interface SourceInfo {
  uri: string | null;
  /** Source dataset name (an input's own `source` field, `--dataset`, or the file name). */
  dataset: string;
  /** Crawl dump such as `CC-MAIN-2024-22`, when the input names one. */
  dump: string | null;
  /** ISO-8601 fetch or crawl time, when known. */
  fetchTime: string | null;
  license: string | null;
}

export interface LineageEntry {
  operator: string;
  version: string;
  /** Epoch milliseconds. */
  time: number;
  action: LineageAction;
  /** Id of the record this one was derived from; null when the record keeps its own id. */
  parentId: string | null;
  /** Facts about this step as text (model, prompt version, score reason, edit list); null when there are none. */
  details: Record<string, string> | null;
}

export interface TierRecord {
  id: string;
  tier: Tier;
  /** web, math, code, ... */
  domain: string;
  /** BCP-47 language tag when known (from the input or language identification). */
  lang: string | null;
  text: string;
  source: SourceInfo;
  /** The input's own fields, preserved as given (except the text field). */
  meta: Record<string, unknown>;
  /** Named numbers computed by operators, such as rule statistics and scores. */
  signals: Record<string, number>;
  lineage: LineageEntry[];
}

/** A record that an operator did not promote, with the operator's reason. */
export interface RejectedRecord {
  record: TierRecord;
  operator: string;
  operatorVersion: string;
  /** Snake-case rule name prefixed by its family, such as `gopher_short_doc` or `duplicate`. */
  rule: string;
  /** One sentence a person can act on. */
  reason: string;
  /** The measured value that broke the rule, when there is one. */
  value: number | string | null;
  /** Id of the earlier record this one duplicates, when the operator knows it. */
  duplicateOf: string | null;
  /** Epoch milliseconds. */
  time: number;
}

/** Bytes that could not be decoded into a record at all, kept whole with the error. */
export interface DeadLetter {
  /** Topic name or input file path the bytes came from. */
  origin: string;
  /** `partition:offset` for a topic, `line N` or `record N` for a file. */
  position: string;
  key: string | null;
  payload: Buffer;
  error: string;
  /** Operator or reader that failed to decode the bytes. */
  stage: string;
  time: number;
}

/** Returns the dedup scope of a record: its crawl dump when known, else its dataset. */
export function dedupScope(record: TierRecord): string {
  return record.source.dump ?? record.source.dataset;
}

/** BCP-47 tag for "undetermined", which language identification sets when it cannot tell. */
export const UNDETERMINED_LANG = 'und';

/** Returns the record's language tag, or null when it is missing, empty or undetermined. */
export function knownLang(record: Pick<TierRecord, 'lang'>): string | null {
  const lang = record.lang?.trim();
  return lang && lang.toLowerCase() !== UNDETERMINED_LANG ? lang : null;
}
