/**
 * Decides when a file that a crawler writes is complete, so that it is read after the writer
 * has finished with it.
 *
 * A file is complete when it was renamed into place from a temporary name seen in an earlier
 * scan, or when its size and mtime have not changed for `stableMs`. A compressed file must
 * also end with a complete gzip or zstd stream. One that stays truncated while unchanged for
 * `brokenAfterMs` is given up on: its readable part is ingested and it is reported as broken.
 */

export interface CompletenessOptions {
  /** Milliseconds without a change in size or mtime after which a file counts as written. */
  stableMs: number;
  /** Milliseconds a truncated compressed file may stay unchanged before it is ingested as broken. */
  brokenAfterMs: number;
}

/** Tracked size, mtime and rename status of one path. */
export interface FileState {
  size: number;
  mtimeMs: number;
  /** Time (ms since the epoch) of the first scan that saw the current size and mtime. */
  unchangedSince: number;
  /** True when the file appeared in place of a temporary file that an earlier scan saw. */
  renamedIn: boolean;
}

/** Result of reading a file once: its content hash and whether its compressed stream is whole. */
export interface ContentCheck {
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
  /** Bytes hashed; differs from the stat size if the file changed while it was read. */
  size: number;
  /** False when a gzip or zstd stream ends early or is corrupt; always true for plain files. */
  streamComplete: boolean;
  /** The decompression error when `streamComplete` is false. */
  error: string | null;
}

export type Verdict =
  | { kind: 'wait'; reason: string }
  /** Stable enough to read, so the caller runs the content check and calls judgeCompleteness again. */
  | { kind: 'check' }
  | { kind: 'complete' }
  | { kind: 'broken'; error: string };

/**
 * Milliseconds the file has been unchanged. The mtime is the last write, so a file whose mtime
 * is older than the first scan that saw it has been unchanged since that mtime. An mtime in
 * the future (clock skew on a shared file system) is not trusted.
 */
export function quietMs(state: FileState, now: number): number {
  const since = state.mtimeMs <= now ? Math.min(state.unchangedSince, state.mtimeMs) : state.unchangedSince;
  return Math.max(0, now - since);
}

/** Decides whether a file is complete; `check` is null until the caller has read the file. */
export function judgeCompleteness(state: FileState, now: number, options: CompletenessOptions, check: ContentCheck | null): Verdict {
  const quiet = quietMs(state, now);
  if (!state.renamedIn && quiet < options.stableMs) return { kind: 'wait', reason: 'modified recently' };
  if (check === null) return { kind: 'check' };
  if (check.size !== state.size) return { kind: 'wait', reason: 'changed while it was read' };
  if (check.streamComplete) return { kind: 'complete' };
  if (quiet >= options.brokenAfterMs) return { kind: 'broken', error: check.error ?? 'compressed stream is truncated' };
  return { kind: 'wait', reason: 'compressed stream is truncated' };
}

/** A tracked path with the content check of its current size and mtime, if one was run. */
export interface TrackedFile extends FileState {
  check: ContentCheck | null;
  /** Time the file was first judged complete or broken, for the age of the oldest pending file. */
  readySince: number | null;
  /** True once the current content was ingested or skipped, so it is not looked at again. */
  handled: boolean;
}

/**
 * Tracks size and mtime of every path across scans. A change in either starts the stability
 * wait again and drops the cached content check.
 */
export class FileTracker {
  private readonly files = new Map<string, TrackedFile>();
  /** Final paths that a temporary file seen in the previous scan is expected to be renamed to. */
  private expectedRenames = new Set<string>();

  /** Records a scan's view of one path and returns its state. */
  observe(path: string, size: number, mtimeMs: number, now: number): { file: TrackedFile; isNew: boolean; changedAfterHandled: boolean } {
    const known = this.files.get(path);
    if (known !== undefined && known.size === size && known.mtimeMs === mtimeMs) return { file: known, isNew: false, changedAfterHandled: false };
    const file: TrackedFile = {
      size,
      mtimeMs,
      unchangedSince: now,
      renamedIn: known === undefined && this.expectedRenames.has(path),
      check: null,
      readySince: null,
      handled: false,
    };
    this.files.set(path, file);
    return { file, isNew: known === undefined, changedAfterHandled: known?.handled === true };
  }

  /** Replaces the set of final paths that temporary files seen in this scan point to. */
  setExpectedRenames(paths: Iterable<string>): void {
    this.expectedRenames = new Set(paths);
  }

  /** Forgets paths that a scan no longer found, so a file that comes back is treated as new. */
  retainOnly(seen: Set<string>): void {
    for (const path of this.files.keys()) if (!seen.has(path)) this.files.delete(path);
  }

  get(path: string): TrackedFile | undefined {
    return this.files.get(path);
  }
}
