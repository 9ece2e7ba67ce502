import { pino, type Logger } from 'pino';
import type { TierRecord } from '../core/record.js';
import { InputReader } from './read-inputs.js';
import type { ReadItem, ReadOptions, ReadStats } from './types.js';

export interface LogEntry {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** Creates a debug-level logger that keeps every entry in memory, for tests that check what was logged. */
export function captureLogger(): { log: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => entries.push(JSON.parse(line) as LogEntry) });
  return { log, entries };
}

export interface ReadResult {
  items: ReadItem[];
  records: TierRecord[];
  stats: ReadStats;
  logs: LogEntry[];
}

/** Reads the inputs to the end and returns every item, the plain records, the stats and the log. */
export async function readAll(paths: string[], options: ReadOptions = {}): Promise<ReadResult> {
  const { log, entries } = captureLogger();
  const reader = new InputReader(paths, options, log);
  const items: ReadItem[] = [];
  for await (const item of reader.items()) items.push(item);
  const records = items.flatMap((item) => (item.kind === 'record' ? [item.record] : []));
  return { items, records, stats: reader.stats, logs: entries };
}

/** Pino's numeric level for errors. */
export const ERROR_LEVEL = 50;

/** Returns the item narrowed to `kind`, so a test can assert on its fields; throws naming the kind it got otherwise. */
export function itemOfKind<K extends ReadItem['kind']>(item: ReadItem | undefined, kind: K): Extract<ReadItem, { kind: K }> {
  if (item?.kind !== kind) throw new Error(`expected a ${kind} item, got ${item?.kind ?? 'no item'}`);
  return item as Extract<ReadItem, { kind: K }>;
}
