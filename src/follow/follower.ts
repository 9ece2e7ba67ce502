import { basename } from 'node:path';
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.js';
import { judgeCompleteness, type CompletenessOptions } from './completeness.js';
import { checkContent } from './content-check.js';
import { ingestFile, type FileIngestContext, type FileJob } from './file-ingest.js';
import type { FollowMetrics } from './metrics.js';
import { planResume, type ProgressStore } from './progress.js';
import type { FolderScanner, ScannedFile } from './scanner.js';

export interface FollowerOptions extends CompletenessOptions {
  /** Milliseconds between the end of one scan's work and the next scan. */
  pollMs: number;
}

/** Files handled since start, for the summary printed at exit. */
export interface FollowSummary {
  filesIngested: number;
  filesSkipped: number;
  filesFailed: number;
  records: number;
}

/** A complete file waiting to be ingested, with its content hash. */
interface ReadyFile {
  scanned: ScannedFile;
  sha256: string;
  broken: boolean;
}

/**
 * The follow loop: scan the folders, find complete files, and ingest them one at a time in
 * the order they became complete, until `stop()` is called. Stopping lets the transaction in
 * flight commit, so the file in progress resumes at its next item after a restart.
 */
export class Follower {
  readonly summary: FollowSummary = { filesIngested: 0, filesSkipped: 0, filesFailed: 0, records: 0 };
  private stopping = false;
  private wake: (() => void) | null = null;
  private queue: ReadyFile[] = [];

  constructor(
    private readonly scanner: FolderScanner,
    private readonly store: ProgressStore,
    private readonly context: Omit<FileIngestContext, 'shouldStop'>,
    private readonly options: FollowerOptions,
    private readonly log: Logger,
    private readonly metrics?: FollowMetrics,
  ) {}

  /** Time (ms since the epoch) the oldest queued complete file became complete; null when none waits. */
  oldestPendingSince(): number | null {
    let oldest: number | null = null;
    for (const ready of this.queue) {
      const since = ready.scanned.state.readySince;
      if (since !== null && (oldest === null || since < oldest)) oldest = since;
    }
    return oldest;
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /** Runs until `stop()`; throws when Kafka fails, after aborting the transaction in flight. */
  async run(): Promise<FollowSummary> {
    while (!this.stopping) {
      await this.findReadyFiles(Date.now());
      while (this.queue.length > 0 && !this.stopping) {
        await this.process(this.queue[0]!);
        this.queue.shift();
      }
      if (!this.stopping) await this.sleep(this.options.pollMs);
    }
    return this.summary;
  }

  private async findReadyFiles(now: number): Promise<void> {
    const queued = new Set(this.queue.map((ready) => ready.scanned.path));
    for (const scanned of await this.scanner.scan(now)) {
      if (queued.has(scanned.path)) continue;
      const { state } = scanned;
      let verdict = judgeCompleteness(state, now, this.options, state.check);
      if (verdict.kind === 'check') {
        const finished = this.store.finishedAt(scanned.path, state.size, state.mtimeMs);
        if (finished !== undefined) {
          this.skip(scanned, finished.sha256, finished.path);
          continue;
        }
        try {
          state.check = await checkContent(scanned.path, scanned.detected.compression);
        } catch (err) {
          // Usually the file was renamed or deleted between the scan and the read.
          this.log.debug({ path: scanned.path, error: errorMessage(err) }, 'cannot read file yet; trying again at the next scan');
          continue;
        }
        verdict = judgeCompleteness(state, now, this.options, state.check);
      }
      if (verdict.kind === 'wait' || verdict.kind === 'check' || state.check === null) {
        this.log.trace({ path: scanned.path, reason: verdict.kind === 'wait' ? verdict.reason : 'unchecked' }, 'file not complete yet');
        continue;
      }
      state.readySince ??= now;
      this.queue.push({ scanned, sha256: state.check.sha256, broken: verdict.kind === 'broken' });
    }
    this.queue.sort((a, b) => (a.scanned.state.readySince ?? 0) - (b.scanned.state.readySince ?? 0));
  }

  private async process(ready: ReadyFile): Promise<void> {
    const { scanned, sha256 } = ready;
    const plan = planResume(this.store.get(sha256), basename(scanned.path));
    if (plan.action === 'skip') {
      this.skip(scanned, sha256, plan.entry.path);
      return;
    }

    const job: FileJob = {
      path: scanned.path,
      relativePath: scanned.relativePath,
      root: scanned.root,
      detected: scanned.detected,
      sha256,
      size: scanned.state.size,
      mtimeMs: scanned.state.mtimeMs,
      fileName: plan.fileName,
      from: plan.from,
    };
    const waitedMs = Date.now() - (scanned.state.readySince ?? Date.now());
    this.log.info({ path: job.path, sha256, from: job.from, truncated: ready.broken, waitedMs }, 'ingesting file');

    const result = await ingestFile(job, { ...this.context, shouldStop: () => this.stopping });
    this.store.apply(result.entry);
    const { read, promoted, rejected, dlq } = result.stats;
    const counts = { read, promoted, rejected, dlq, records: result.records };
    this.summary.records += result.stats.read;
    if (result.state === 'interrupted') {
      this.log.info({ path: job.path, ...counts }, 'stopped inside a file; a restart resumes at its next item');
      return;
    }

    scanned.state.handled = true;
    if (result.state === 'done') {
      this.summary.filesIngested++;
      this.metrics?.filesIngested.inc();
      this.log.info({ path: job.path, ...counts }, 'finished file');
    } else {
      this.summary.filesFailed++;
      this.metrics?.filesFailed.inc();
      this.log.error(
        { path: job.path, code: 'TIERS_INPUT_UNREADABLE', error: result.error, ...counts },
        `file ${job.path} is broken: ${result.error}; kept the ${result.records} items read before the break`,
      );
    }
  }

  private skip(scanned: ScannedFile, sha256: string, firstPath: string): void {
    scanned.state.handled = true;
    this.summary.filesSkipped++;
    this.metrics?.filesSkipped.inc();
    this.log.debug({ path: scanned.path, sha256, firstPath }, 'skipping file whose content was already ingested');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
