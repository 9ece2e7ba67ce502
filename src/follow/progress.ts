import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { BusMessage } from '../bus/bus.js';

/**
 * Ingest progress per file, kept in the compacted topic `<prefix>.ingest-progress` keyed by
 * the SHA-256 of the file's bytes. Keying by content means a file that comes back under
 * another name, or a byte-identical copy, is recognised as already ingested. Each update is
 * published in the same transaction as the records it accounts for, so the progress a
 * restarted ingester reads always matches what is in L0.
 */

export const PROGRESS_TOPIC_SUFFIX = 'ingest-progress';

/** Topic configuration: compaction keeps only the latest update per file. */
export const PROGRESS_TOPIC_CONFIG = { 'cleanup.policy': 'compact' } as const;

export type ProgressState = 'in-progress' | 'done' | 'broken';

const progressSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  path: z.string(),
  /** File name the record ids were derived from; a resumed file keeps it even if it was renamed. */
  fileName: z.string().min(1),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  state: z.enum(['in-progress', 'done', 'broken']),
  /** Reader items (records, rejects and dead letters) published so far, in file order. */
  records: z.number().int().nonnegative(),
  /** Milliseconds since the epoch of this update. */
  time: z.number(),
  ingesterId: z.string(),
  /** Error that stopped the reading of a broken file; null otherwise. */
  error: z.string().nullable(),
});

export type ProgressEntry = z.infer<typeof progressSchema>;

export function progressTopic(prefix: string): string {
  return `${prefix}.${PROGRESS_TOPIC_SUFFIX}`;
}

/**
 * Default transactional id of an ingester: the topic prefix and a hash of the followed folders'
 * absolute paths, so a restart with the same arguments fences its predecessor. Pass
 * --ingester-id when the folders have other paths on another machine.
 */
export function defaultIngesterId(prefix: string, folders: string[]): string {
  const paths = folders.map((folder) => resolve(folder)).sort();
  const digest = createHash('sha256').update(paths.join('\n'), 'utf8').digest('hex').slice(0, 16);
  return `${prefix}.ingest.${digest}`;
}

export function encodeProgress(entry: ProgressEntry): BusMessage {
  return { key: entry.sha256, value: Buffer.from(JSON.stringify(entry), 'utf8') };
}

/** Decodes a progress message; returns null for a value that is not a valid entry or whose key does not match it. */
export function decodeProgress(key: string | null, value: Buffer): ProgressEntry | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  const result = progressSchema.safeParse(parsed);
  if (!result.success || (key !== null && key !== result.data.sha256)) return null;
  return result.data;
}

export type ResumePlan =
  | { action: 'skip'; entry: ProgressEntry }
  /** Read the file and publish its items from index `from` on (0-based), with ids derived from `fileName`. */
  | { action: 'ingest'; from: number; fileName: string };

/**
 * Chooses what to do with a complete file given its last progress entry: skip it when it is
 * done or broken, resume an in-progress one after the last published item, else start at 0.
 */
export function planResume(entry: ProgressEntry | undefined, fileName: string): ResumePlan {
  if (entry === undefined) return { action: 'ingest', from: 0, fileName };
  if (entry.state === 'done' || entry.state === 'broken') return { action: 'skip', entry };
  return { action: 'ingest', from: entry.records, fileName: entry.fileName };
}

/** The latest progress entry per file content, and per path for a cheap check before hashing. */
export class ProgressStore {
  private readonly byHash = new Map<string, ProgressEntry>();
  private readonly byPath = new Map<string, ProgressEntry>();

  get size(): number {
    return this.byHash.size;
  }

  /** Applies an update; later updates for the same content replace earlier ones. */
  apply(entry: ProgressEntry): void {
    this.byHash.set(entry.sha256, entry);
    this.byPath.set(entry.path, entry);
  }

  get(sha256: string): ProgressEntry | undefined {
    return this.byHash.get(sha256);
  }

  /**
   * Returns the finished entry recorded for this path, size and mtime, so a restart need not
   * hash files it already ingested. NOTE: a file rewritten with other bytes of the same size
   * within the mtime resolution would be missed; hashing is what proves identity.
   */
  finishedAt(path: string, size: number, mtimeMs: number): ProgressEntry | undefined {
    const entry = this.byPath.get(path);
    if (entry === undefined || entry.state === 'in-progress') return undefined;
    return entry.size === size && entry.mtimeMs === mtimeMs ? entry : undefined;
  }
}
