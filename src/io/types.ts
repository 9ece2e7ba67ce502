import type { DeadLetter, TierRecord } from '../core/record.js';
import type { Compression } from './formats.js';

/** One outcome of reading input: a usable L0 record, a parsed but unusable record, or undecodable bytes. */
export type ReadItem =
  | { kind: 'record'; record: TierRecord }
  | { kind: 'reject'; record: TierRecord; rule: string; reason: string; value: number | string | null }
  | { kind: 'dead'; letter: DeadLetter };

export interface ReadOptions {
  /** Dataset name for every record; by default each format derives one from the input. */
  dataset?: string;
  /** Domain for JSON-lines and WET records (default `web`); source files are always `code`. */
  domain?: string;
  /** JSON fields tried in order for the text; default `text`, `raw_content`, `content`. */
  textFields?: string[];
  /** Maximum text size in UTF-8 bytes (default 4 MiB); larger texts are rejected. */
  maxTextBytes?: number;
  /**
   * Maximum JSON line length in bytes; a longer line goes to the DLQ without being parsed.
   * Default 4 × maxTextBytes + 1 MiB, because JSON writers that escape non-ASCII text as
   * `\uXXXX` (Python's json.dumps does by default) make such text up to 3 times its UTF-8 size.
   */
  maxLineBytes?: number;
  /** Follow symbolic links inside walked directories (default false). Named paths are always followed. */
  followSymlinks?: boolean;
}

export interface ResolvedReadOptions {
  dataset: string | null;
  domain: string;
  textFields: string[];
  maxTextBytes: number;
  maxLineBytes: number;
  followSymlinks: boolean;
}

export interface ReadStats {
  /** Input files the reader opened or tried to open, failed ones included. */
  files: number;
  /** Files that failed: missing, unsupported, truncated or unreadable. */
  filesFailed: number;
  /** Paths of the failed files, in the order they failed. */
  failedFiles: string[];
  /** Files found in walked directories and left out: unsupported types, hidden files, symbolic links. */
  filesSkipped: number;
  /** Items yielded: records + rejects + dead. */
  items: number;
  records: number;
  rejects: number;
  dead: number;
}

/** A file to read, with the format detected from its name. */
export interface InputFile {
  /** Path as given or as found by a directory walk; used in messages and as dead-letter origin. */
  path: string;
  /** File name without directories; part of hash ids, so ids do not depend on the working directory. */
  fileName: string;
  /** File name without its format suffix; the default dataset name. */
  stem: string;
  compression: Compression;
}
