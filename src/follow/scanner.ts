import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.js';
import type { DetectedFormat } from '../io/formats.js';
import { walkDirectory } from '../io/walk.js';
import { FileTracker, type TrackedFile } from './completeness.js';
import { finalNameOf, isTemporaryName, type PathFilter } from './patterns.js';

/** A file a scan found, with its tracked state. */
export interface ScannedFile {
  path: string;
  root: string;
  /** Path relative to `root` with `/` separators. */
  relativePath: string;
  detected: DetectedFormat;
  state: TrackedFile;
}

export interface ScanCallbacks {
  /** Called once for each path the scanner has not seen before. */
  onNewFile?: (path: string) => void;
}

/**
 * Polls the followed folders: walks each one recursively with the directory reader's rules
 * (hidden names, symbolic links and unsupported types are left out), applies the include and
 * exclude globs, and tracks every remaining file's size and mtime across scans. Temporary
 * names are noted so that the file renamed from one is recognised as complete at once.
 */
export class FolderScanner {
  readonly tracker = new FileTracker();
  private readonly missingRoots = new Set<string>();

  constructor(
    private readonly roots: string[],
    private readonly filter: PathFilter,
    private readonly followSymlinks: boolean,
    private readonly log: Logger,
    private readonly callbacks: ScanCallbacks = {},
  ) {}

  /** Walks every folder once and returns the files that are not handled yet, in path order. */
  async scan(now: number): Promise<ScannedFile[]> {
    const found: ScannedFile[] = [];
    const seen = new Set<string>();
    const expectedRenames: string[] = [];

    for (const root of this.roots) {
      for await (const entry of this.walk(root)) {
        if (entry.kind === 'skipped') {
          const name = basename(entry.path);
          const finalName = entry.isDirectory || !isTemporaryName(name) ? null : finalNameOf(name);
          if (finalName !== null) expectedRenames.push(resolve(dirname(entry.path), finalName));
          continue;
        }
        if (entry.kind === 'failed') {
          this.log.warn({ path: entry.path, error: errorMessage(entry.error) }, 'cannot read a followed path; trying again at the next scan');
          continue;
        }
        if (isTemporaryName(basename(entry.path)) || !this.filter.matches(entry.relativePath)) continue;

        const path = resolve(entry.path);
        let info;
        try {
          info = await stat(path);
        } catch {
          // Renamed or deleted since the folder was listed, so the next scan finds it at its new path, if any.
          continue;
        }
        seen.add(path);
        const observed = this.tracker.observe(path, info.size, info.mtimeMs, now);
        if (observed.isNew) this.callbacks.onNewFile?.(path);
        if (observed.changedAfterHandled) {
          this.log.warn({ path, size: info.size }, 'file changed after it was ingested; its new content will be ingested as a new file');
        }
        if (!observed.file.handled) {
          found.push({ path, root, relativePath: entry.relativePath, detected: entry.detected, state: observed.file });
        }
      }
    }

    this.tracker.setExpectedRenames(expectedRenames);
    this.tracker.retainOnly(seen);
    return found.sort(comparePaths);
  }

  /** Walks one folder; a missing folder is reported once and watched for until it appears. */
  private async *walk(root: string) {
    try {
      const info = await stat(root);
      if (!info.isDirectory()) throw new Error('not a directory');
    } catch (err) {
      if (!this.missingRoots.has(root)) {
        this.missingRoots.add(root);
        this.log.warn({ path: root, error: errorMessage(err) }, 'followed folder is not available; waiting for it');
      }
      return;
    }
    if (this.missingRoots.delete(root)) this.log.info({ path: root }, 'followed folder is available');
    try {
      yield* walkDirectory(root, this.followSymlinks);
    } catch (err) {
      this.log.warn({ path: root, error: errorMessage(err) }, 'cannot walk a followed folder; trying again at the next scan');
    }
  }
}

/** Orders by UTF-16 code units, so the order is the same in every locale. */
function comparePaths(a: ScannedFile, b: ScannedFile): number {
  if (a.path < b.path) return -1;
  if (a.path > b.path) return 1;
  return 0;
}
